/** @module `winnow evaluate`: measure a model bundle on labelled alerts, the way it will be served. */
import { evaluateBundle } from '../../pipeline/evaluate-bundle.ts';
import { type Command, parseFlags, required } from '../args.ts';
import { formatMetrics } from './format-metrics.ts';
import { formatCalibrationCheck } from './format-calibration.ts';
import { phasedProgress } from '../progress.ts';

const usage = `Usage: winnow evaluate --model DIR --data FILE --label COL [options]

Score labelled alerts with a model bundle through ONNX Runtime and report AUC, PR-AUC, Brier,
and the false-positive reduction at 95% and 99% recall with the thresholds that reach them, plus
what the bundle's recommended thresholds achieve on this data. Scores are calibrated when the
bundle has a calibration map; then Brier, ECE, a reliability table before and after the map, and
the expected vs observed share of true positives per threshold band are reported too.

Options:
  --model DIR          model bundle (e.g. models/default/1)
  --data FILE          labelled alerts (.csv or .jsonl)
  --label COL          label column (1/0 or true/false; empty cells are left out)
  --holdout            only the rows the training run held out (same file it was trained on)
  --since TIME         only rows at or after TIME (ISO-8601)
  --until TIME         only rows before TIME
  --time-column COL    time column for --since/--until (default: the model's)
  --weight COL         per-row sample weight column (a number >= 0): every metric counts a row as
                       that many alerts (default with --holdout: the model's training weight column)
  --json               print the metrics as JSON

Progress goes to stderr; the report to stdout.

Example:
  winnow evaluate --model models/default/1 --data data/alerts.csv --label is_true_positive --holdout`;

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'measure a model on labelled alerts (AUC, PR-AUC, Brier, FP reduction at recall)',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      model: { type: 'string' }, data: { type: 'string' }, label: { type: 'string' }, holdout: { type: 'boolean' },
      since: { type: 'string' }, until: { type: 'string' }, 'time-column': { type: 'string' }, weight: { type: 'string' }, json: { type: 'boolean' },
    });
    const progress = phasedProgress();
    const res = await evaluateBundle({
      model: required(v, 'model'), data: required(v, 'data'), label: required(v, 'label'),
      holdout: v.holdout, since: v.since, until: v.until, timeColumn: v['time-column'], weightColumn: v.weight,
      onProgress: progress.update,
    }).catch((err) => { progress.fail(); throw err; });
    // Before stdout's first line: on a terminal the progress bar must be cleared first.
    progress.done(`evaluated ${res.evaluatedRows} rows`);
    const { name, version } = res.manifest;
    if (v.json) {
      const weightColumn = res.weightColumn ? { weightColumn: res.weightColumn } : {};
      const calibration = res.calibration ? { calibration: { method: res.manifest.calibration?.method, ...res.calibration } } : {};
      console.log(JSON.stringify({ model: { name, version }, data: v.data, evaluatedRows: res.evaluatedRows, ...weightColumn, metrics: res.metrics, ...calibration }, null, 2));
    } else {
      const weighted = res.weightColumn ? `, weighted by '${res.weightColumn}'` : '';
      console.log(`model ${name}/${version} on ${v.data} (${res.evaluatedRows} of ${res.labelledRows} labelled rows${weighted})`);
      console.log(formatMetrics('evaluation', res.metrics));
      if (res.calibration && res.manifest.calibration) console.log(formatCalibrationCheck('calibration', res.manifest.calibration.method, res.calibration));
    }
    return 0;
  },
};
