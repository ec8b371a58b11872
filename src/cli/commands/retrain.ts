/** @module `winnow retrain`: analysts' feedback → candidate model → comparison report → gated registration. */
import { CALIBRATION_METHODS } from '../../calibration/calibration-schema.ts';
import { paramsFromPairs } from '../../gbdt/params.ts';
import { retrain } from '../../pipeline/retrain.ts';
import { InstantSchema } from '../../store/decision-record.ts';
import { openActivationLog } from '../../store/open-activation-log.ts';
import { openStore } from '../../store/open-store.ts';
import { type Command, list, oneOf, parseFlags, required, UsageError } from '../args.ts';
import { progressReporter } from '../progress.ts';
import { existingStoreLocation, STORE_FLAGS, STORE_FLAGS_USAGE } from '../store-flags.ts';

const usage = `Usage: winnow retrain --out DIR [--since TIME] [options]

Retrain from analysts' feedback and decide whether the result may replace the active model:
  1. export labelled decisions (as 'winnow export': features as scored, labels as of now,
     below-the-line samples weighted) to DIR/training.csv;
  2. train a candidate on them (time-ordered split on scored_at; weights from sample_weight);
  3. score the newest labelled alerts (the candidate's holdout) with the candidate AND the active
     model, and write DIR/report.md and DIR/report.json: metrics side by side, recall and FP
     reduction at each model's operating threshold, the candidate under the active threshold,
     the score-distribution shift, rows used;
  4. gate: refuse a candidate whose recall at its operating threshold is more than
     --max-recall-loss below the active model's (exit code 1, nothing registered);
  5. register a passing candidate as the next version in the models folder. It serves only
     after 'winnow promote NAME VERSION'.

Options:
  --out DIR               where the export, the candidate and the report go
  --since TIME            only alerts scored at or after this ISO 8601 instant
  --active NAME/VERSION   the model to beat (default: the store's active model)
  --data FILE             train from this export instead of exporting now
  --max-recall-loss X     gate tolerance, absolute (default 0.01 = one percentage point)
  --param K=V             training parameter, as in 'winnow train' (repeatable)
  --calibrate M           isotonic, platt or none, as in 'winnow train' (default: the active
                          model's method, so both are compared as they would be served)
  --positive LIST         dispositions that count as true risk (default: true_positive,sar_filed)
  --models DIR            model bundles folder (WINNOW_MODELS, default models)
${STORE_FLAGS_USAGE}

Example:
  winnow retrain --since 2026-01-01T00:00:00Z --out runs/2026-q3`;

export const retrainCommand: Command = {
  name: 'retrain',
  summary: 'export feedback, train a candidate, compare it with the active model, gate and register it',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      out: { type: 'string' }, since: { type: 'string' }, active: { type: 'string' }, data: { type: 'string' }, 'max-recall-loss': { type: 'string' },
      param: { type: 'string', multiple: true }, calibrate: { type: 'string' }, positive: { type: 'string' }, models: { type: 'string' }, ...STORE_FLAGS,
    });
    const out = required(v, 'out');
    const since = v.since === undefined ? undefined : InstantSchema.safeParse(v.since);
    if (since && !since.success) throw new UsageError(`--since must be an ISO 8601 instant, got '${v.since}' (${since.error.issues[0].message})`);
    const maxRecallLoss = Number(v['max-recall-loss'] ?? 0.01);
    if (!(maxRecallLoss >= 0 && maxRecallLoss < 1)) throw new UsageError(`--max-recall-loss must be in [0, 1), got '${v['max-recall-loss']}'`);
    const calibrate = oneOf(v, 'calibrate', CALIBRATION_METHODS);
    if (v.active !== undefined && !/^[^/]+\/[^/]+$/.test(v.active)) throw new UsageError(`--active must be NAME/VERSION, got '${v.active}'`);
    const models = v.models ?? process.env.WINNOW_MODELS ?? 'models';
    const location = existingStoreLocation(v);
    const active = v.active ?? (await activeFromLog(location));
    const store = await openStore(location);
    const progress = progressReporter('boosting');
    try {
      const res = await retrain({
        store, models, active, out, since: since?.data, data: v.data, params: paramsFromPairs(v.param ?? []), maxRecallLoss,
        calibrate,
        positive: v.positive === undefined ? undefined : list(v, 'positive'),
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: (p) => progress.update(p.tree, p.numTrees, p.validLoss === undefined ? 'trees' : `trees, validation log-loss ${p.validLoss.toFixed(5)}`),
      });
      console.log(res.report);
      return res.gate.pass ? 0 : 1;
    } finally {
      await store.close();
    }
  },
};

async function activeFromLog(location: string): Promise<string> {
  const log = await openActivationLog(location);
  try {
    const current = await log.current();
    if (!current) throw new UsageError('the store records no active model yet (start winnow serve once, or give --active NAME/VERSION)');
    return `${current.model.name}/${current.model.version}`;
  } finally {
    await log.close();
  }
}
