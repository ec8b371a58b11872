/** @module `winnow import`: a model made by XGBoost, LightGBM or skl2onnx in, a normal winnow bundle out. */
import { parseArgs } from 'node:util';
import { CALIBRATION_METHODS } from '../../calibration/index.ts';
import { SOURCE_TOOLS } from '../../import/index.ts';
import { importBundle } from '../../pipeline/import-bundle.ts';
import { type Command, fraction, oneOf, required, UsageError } from '../args.ts';
import { formatBundleCalibration } from './format-calibration.ts';
import { formatMetrics } from './format-metrics.ts';

const usage = `Usage: winnow import --from xgboost|lightgbm|onnx FILE --data FILE --label COL --out DIR [options]

Turn a binary tree model made by another tool into a winnow model bundle (model.onnx,
manifest.json, MODEL_CARD.md) served like any other. The trees are rewritten as winnow's
ONNX TreeEnsembleClassifier with the tool's own split, missing-value and base-score rules, then
scored through ONNX Runtime on labelled alerts to measure the model and choose the recommended
thresholds (95% and 99% recall). The manifest and card record the source tool, file, sha256 and
format version, and the drift reference (feature and score histograms of the newest rows) that
'winnow drift' and GET /v1/drift compare live traffic with.

Accepted:
  xgboost    JSON model (save_model("model.json")) from XGBoost 1.0 to 3.x, objective binary:logistic
  lightgbm   text model (save_model("model.txt")), objective binary, numeric splits
  onnx       one binary TreeEnsembleClassifier (LOGISTIC), e.g. from skl2onnx or onnxmltools. On the
             path from the input to its probabilities, Identity, a Cast to the same type and a final
             ZipMap are removed and any other node is refused by name; nodes off that path (such as
             the label's Identity and Cast) are ignored. Multi-class models and preprocessing nodes
             (Scaler, …) are refused.

Options:
  --from TOOL            xgboost, lightgbm or onnx
  --features NAMES|FILE  feature names in model input order, comma-separated (all numeric, missing → NaN),
                         or a feature spec JSON file (*.json). Default: the names the model file
                         declares (XGBoost feature_names, LightGBM feature_names=); required otherwise
  --data FILE            labelled alerts (.csv or .jsonl) with a column per feature
  --label COL            label column: 1/0 or true/false (empty = not yet labelled, left out)
  --time-column COL      order rows by this column (default: file order)
  --holdout F            share of the newest labelled rows that check the thresholds instead of
                         choosing them (default 0.2; 0 = use every row to choose)
  --calibrate M          isotonic, platt or none (default none): fit a calibration map on the rows
                         that choose the thresholds, as 'winnow train --calibrate' does on validation
  --positive-label L     onnx: the class label that means "true positive" (needed unless the labels
                         are 0 and 1; naming the first class negates the margins)
  --out DIR              bundle directory, e.g. models/vendor/1 (name/version)
  --name NAME            model name (default: parent folder of --out)
  --version V            model version (default: last folder of --out)
  --overwrite            replace an existing bundle at --out

Example:
  winnow import --from xgboost model.json --features amount_usd,account_age_days,txn_count_24h \\
    --data alerts.csv --label is_true_positive --time-column occurred_at --out models/xgb/1`;

export const importCommand: Command = {
  name: 'import',
  summary: 'turn an XGBoost, LightGBM or ONNX tree model into a winnow bundle',
  usage,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv, allowPositionals: true, strict: true,
        options: {
          from: { type: 'string' }, features: { type: 'string' }, data: { type: 'string' }, label: { type: 'string' },
          'time-column': { type: 'string' }, holdout: { type: 'string' }, 'positive-label': { type: 'string' }, calibrate: { type: 'string' },
          out: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' }, overwrite: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^.*?: /, ''));
    }
    const v = parsed.values;
    required(v, 'from');
    const from = oneOf(v, 'from', SOURCE_TOOLS)!;
    if (parsed.positionals.length !== 1) {
      throw new UsageError(parsed.positionals.length === 0 ? 'missing the model FILE' : `expected one model FILE, got ${parsed.positionals.join(' ')}`);
    }
    if (v['positive-label'] !== undefined && from !== 'onnx') throw new UsageError('--positive-label applies to --from onnx only');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const res = await importBundle({
      from, file: parsed.positionals[0], features: v.features, data: required(v, 'data'), label: required(v, 'label'),
      timeColumn: v['time-column'], holdout: fraction(v, 'holdout', 0.2), positiveLabel: v['positive-label'], calibrate: oneOf(v, 'calibrate', CALIBRATION_METHODS),
      out: required(v, 'out'), name: v.name, version: v.version, overwrite: v.overwrite, log,
    });
    const { manifest } = res;
    log(`ONNX Runtime and the TypeScript evaluator agree within ${res.maxEvaluatorDiff.toExponential(2)} on the scored rows`);
    log(`wrote ${res.dir}`);
    console.log(formatMetrics('validation', manifest.metrics.validation));
    if (manifest.metrics.holdout) console.log(formatMetrics('holdout', manifest.metrics.holdout));
    const calibration = formatBundleCalibration(manifest);
    if (calibration) console.log(calibration);
    console.log(`recommended thresholds: ${manifest.thresholds.recall95.toFixed(6)} (95% recall), ${manifest.thresholds.recall99.toFixed(6)} (99% recall)`);
    return 0;
  },
};
