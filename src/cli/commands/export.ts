/** @module `winnow export`: labelled decisions → a point-in-time-correct training table. */
import { exportTrainingData } from '../../pipeline/export-training.ts';
import { InstantSchema } from '../../store/decision-record.ts';
import { DISPOSITIONS } from '../../store/feedback-record.ts';
import { openStore } from '../../store/open-store.ts';
import { type Command, list, parseFlags, required, UsageError } from '../args.ts';
import { existingStoreLocation, STORE_FLAGS, STORE_FLAGS_USAGE } from '../store-flags.ts';

const usage = `Usage: winnow export --out FILE [--from TIME] [--to TIME] [--as-of TIME] [options]

Join every scored alert with the analysts' feedback and write a training table (CSV or JSONL by
extension): the feature values exactly as scored, the label as known at --as-of, the
disposition, model version, spec hash, experiment arm, sample flag and a sample weight.

Labels: an alert's label is its latest disposition decided at or before --as-of, so a label
decided later is absent (no leakage into a backtest). Weights: alerts the policy sent to review
weigh 1; an alert reviewed only because the below-the-line sample picked it weighs
1/sample rate, since it stands for the closed alerts nobody looked at.
Entity-history columns (entity_prior_*) hold what was known about the entity before each alert
was scored, computed exactly as the service computes them.

Options:
  --out FILE             where to write (.csv or .jsonl)
  --from TIME            only alerts scored at or after this ISO 8601 instant
  --to TIME              only alerts scored before this instant
  --as-of TIME           labels as known at this instant (default: now)
  --positive LIST        dispositions that count as true risk (default: true_positive,sar_filed)
  --include-unlabelled   also write alerts without a label (label left empty)
  --models DIR           model bundles, to name and decode features (WINNOW_MODELS, default models)
${STORE_FLAGS_USAGE}

Example:
  winnow export --as-of 2026-06-30T00:00:00Z --out data/training.csv`;

function instant(v: Record<string, unknown>, name: string): string | undefined {
  if (v[name] === undefined) return undefined;
  const parsed = InstantSchema.safeParse(v[name]);
  if (!parsed.success) throw new UsageError(`--${name} must be an ISO 8601 instant such as 2026-06-30T00:00:00Z, got '${String(v[name])}' (${parsed.error.issues[0].message})`);
  return parsed.data;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write labelled decisions (features as scored, label as of a date, weights) for retraining',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'as-of': { type: 'string' },
      positive: { type: 'string' }, 'include-unlabelled': { type: 'boolean' }, models: { type: 'string' }, ...STORE_FLAGS,
    });
    const out = required(v, 'out');
    const positive = v.positive === undefined ? undefined : list(v, 'positive');
    const unknown = positive?.filter((p) => !(DISPOSITIONS as readonly string[]).includes(p));
    if (unknown?.length) throw new UsageError(`--positive: unknown disposition '${unknown[0]}' (known: ${DISPOSITIONS.join(', ')})`);
    const options = { from: instant(v, 'from'), to: instant(v, 'to'), asOf: instant(v, 'as-of') };
    const store = await openStore(existingStoreLocation(v));
    try {
      const res = await exportTrainingData({
        store, models: v.models ?? process.env.WINNOW_MODELS ?? 'models', out, ...options, positive, includeUnlabelled: v['include-unlabelled'],
        onProgress: (p) => process.stderr.write(`  ${p.phase === 'scan' ? 'scanned' : 'joined'} ${p.decisions} decisions\n`),
      });
      process.stderr.write(
        `wrote ${res.rows} rows to ${out}: ${res.labelled} labelled (${res.sampled} from below-the-line samples, weighted)` +
          `${res.unjoinable ? `; ${res.unjoinable} alerts have feedback but were never scored (left out)` : ''}\n`,
      );
    } finally {
      await store.close();
    }
    return 0;
  },
};
