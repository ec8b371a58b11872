/** @module `winnow train`: labelled alerts in, a served-ready model bundle out. */
import { paramsFromPairs } from '../../gbdt/params.ts';
import { trainBundle } from '../../pipeline/train-bundle.ts';
import { ALGOS } from '../../nn/params.ts';
import { type Command, fraction, list, oneOf, parseFlags, required } from '../args.ts';
import { CALIBRATION_METHODS } from '../../calibration/calibration-schema.ts';
import { formatBundleCalibration } from './format-calibration.ts';
import { progressReporter } from '../progress.ts';
import { formatMetrics } from './format-metrics.ts';

const usage = `Usage: winnow train --data FILE --label COL --out DIR [options]

Train a gradient-boosted tree model (or, with --algo, a tfjs network) on any labelled alert table (CSV or JSONL) and write a model
bundle: model.onnx, manifest.json and MODEL_CARD.md. Rows are split in time order: the oldest
train the model, the next are validation (early stopping, recommended thresholds), the newest are
a holdout whose metrics go on the model card.

Options:
  --algo A               gbdt (default), mlp or logreg: mlp and logreg are tfjs networks that
                         standardise inputs, one-hot encode categories and flag missing values inside
                         their ONNX graph, so the bundle scores the same encoded features (no reason codes)
  --data FILE            labelled alerts (.csv or .jsonl)
  --label COL            label column: 1/0 or true/false (empty = not yet labelled, left out)
  --out DIR              bundle directory, e.g. models/default/1 (name/version)
  --time-column COL      time column for the split (ISO-8601 or epoch); default: file order
  --weight COL           per-row sample weight column (a number >= 0, e.g. 1/r for alerts labelled
                         through a below-the-line sample at rate r): weighs training, validation and
                         holdout metrics and the recommended thresholds; never a feature
  --exclude COLS         comma-separated columns that are not features (ids, free text)
  --spec FILE            feature spec JSON to use instead of inferring one
  --valid FILE           separate validation file (then the data gives train + holdout only)
  --holdout F            share of newest rows held out (default 0.2)
  --valid-fraction F     share of rows before the holdout used for validation (default 0.15)
  --recipe R             refit (default for gbdt) or split. refit: after early stopping picks the tree
                         count on the split, the served model is refit on every labelled row, the
                         newest included; the holdout figures then come from a backtest of that
                         recipe on the rows before the holdout. split: serve the model fitted on the
                         training split (winnow before 0.x; always so for mlp and logreg)
  --param K=V            training parameter, repeatable: numTrees, learningRate, maxLeaves,
                         maxDepth, minChildWeight, minDataInLeaf, l2, minSplitGain, subsample,
                         colsample, maxBins, scalePosWeight, earlyStoppingRounds, seed, threads,
                         monotone (e.g. amount_usd:+1,account_age_days:-1: the score never falls as
                         amount_usd rises and never rises as account_age_days does; numeric and
                         boolean features only);
                         with --algo mlp|logreg: hidden (mlp, e.g. 64,32), epochs, batchSize,
                         learningRate, l2, patience, seed
  --name NAME            model name (default: parent folder of --out)
  --version V            model version (default: last folder of --out)
  --overwrite            replace an existing bundle at --out
  --calibrate M          isotonic, platt or none (default none): fit a calibration map on the
                         validation set, apply it after ONNX Runtime everywhere the bundle scores;
                         thresholds and metrics are then computed on calibrated scores

Example:
  winnow train --data data/alerts.csv --label is_true_positive --time-column occurred_at \\
    --exclude alert_id,entity_id --out models/default/1`;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a gradient-boosted model and write an ONNX model bundle',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      data: { type: 'string' }, label: { type: 'string' }, out: { type: 'string' }, 'time-column': { type: 'string' }, weight: { type: 'string' },
      exclude: { type: 'string', multiple: true }, spec: { type: 'string' }, valid: { type: 'string' },
      holdout: { type: 'string' }, 'valid-fraction': { type: 'string' }, param: { type: 'string', multiple: true },
      name: { type: 'string' }, version: { type: 'string' }, overwrite: { type: 'boolean' }, calibrate: { type: 'string' }, algo: { type: 'string' },
      recipe: { type: 'string' },
    });
    const algo = oneOf(v, 'algo', ALGOS) ?? 'gbdt';
    const calibrate = oneOf(v, 'calibrate', CALIBRATION_METHODS) ?? 'none';
    const recipe = oneOf(v, 'recipe', ['refit', 'split'] as const);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const progress = progressReporter(algo === 'gbdt' ? 'boosting' : 'training');
    const { dir, manifest } = await trainBundle({
      data: required(v, 'data'), label: required(v, 'label'), out: required(v, 'out'),
      timeColumn: v['time-column'], weightColumn: v.weight, exclude: list(v, 'exclude'), spec: v.spec, valid: v.valid,
      fractions: { holdout: fraction(v, 'holdout', 0.2), valid: fraction(v, 'valid-fraction', 0.15) },
      algo, params: paramsFromPairs(v.param ?? []), name: v.name, version: v.version, overwrite: v.overwrite, log, calibrate, recipe,
      onProgress: (p) => progress.update(p.tree, p.numTrees, p.validLoss === undefined ? 'trees' : `trees, validation log-loss ${p.validLoss.toFixed(5)} (best at ${p.bestTree})`),
      onEpoch: (p) => progress.update(p.epoch, p.epochs, `epochs, validation log-loss ${p.validLoss.toFixed(5)} (best at ${p.bestEpoch})`),
    });
    progress.done(`wrote ${dir}`);
    console.log(formatMetrics('validation', manifest.metrics.validation));
    if (manifest.metrics.holdout) console.log(formatMetrics('holdout', manifest.metrics.holdout));
    const calibration = formatBundleCalibration(manifest);
    if (calibration) console.log(calibration);
    console.log(`recommended thresholds: ${manifest.thresholds.recall95.toFixed(6)} (95% recall), ${manifest.thresholds.recall99.toFixed(6)} (99% recall)`);
    return 0;
  },
};
