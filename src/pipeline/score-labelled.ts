/** @module Load a labelled file, pick the rows to measure (holdout, period), and score them with a bundle through ONNX Runtime. */
import { type Manifest, readBundle } from '../model/index.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';
import { applyCalibration } from '../calibration/apply.ts';
import { readTable, type Table } from '../io/read-table.ts';
import { gather, gatherRows } from './columns.ts';
import { encodeLabelled, labelledRows } from './load-labelled.ts';
import { timeOrderedSplit } from './split.ts';
import { scoreInBatches } from './score-batches.ts';

export interface ScoreLabelledOptions {
  model: string;
  data: string;
  label: string;
  /** Time column for --since/--until and --holdout; defaults to the one the model was trained with. */
  timeColumn?: string;
  since?: string;
  until?: string;
  /** Only the rows the training run held out (same file, same split). */
  holdout?: boolean;
  /** Column of per-row sample weights; with `holdout` it defaults to the column the model was trained with. */
  weightColumn?: string;
  /** Read times whenever the time column is in the file, not only when a period or the holdout needs them. */
  keepTimes?: boolean;
  /** Reading reports bytes of the file, scoring rows. */
  onProgress?: (done: number, total: number, phase: 'reading' | 'scoring') => void;
}

/** The chosen labelled rows (in time order when times decide them), scored; arrays are aligned with `rows`. */
export interface ScoredLabelled {
  manifest: Manifest;
  table: Table;
  /** Table rows scored. */
  rows: Int32Array;
  labels: Float32Array;
  /** Scores as served (calibrated when the bundle has a calibration map). */
  scores: Float32Array;
  /** ONNX Runtime's scores before calibration (the same array as `scores` without a map). */
  rawScores: Float32Array;
  weights?: Float32Array;
  times?: Float64Array;
  /** Labelled rows in the file. */
  labelledRows: number;
  weightColumn?: string;
  timeColumn?: string;
  /** The --since/--until bounds in epoch ms, when given. */
  since?: number;
  until?: number;
}

/** Read, select and score labelled rows as `winnow evaluate` does. */
export async function scoreLabelled(o: ScoreLabelledOptions): Promise<ScoredLabelled> {
  const { manifest, onnxBytes } = await readBundle(o.model);
  const timeColumn = o.timeColumn ?? (manifest.training.timeColumn as string | undefined);
  const needsTime = o.holdout || o.since || o.until;
  if (needsTime && !timeColumn && !o.holdout) throw new Error('--since/--until need a time column: give --time-column');
  const since = o.since ? parseTime(o.since, '--since') : undefined;
  const until = o.until ? parseTime(o.until, '--until') : undefined;
  const weightColumn = o.weightColumn ?? (o.holdout ? manifest.training.weightColumn : undefined);
  const { onProgress } = o;
  const table = await readTable(o.data, { onProgress: onProgress && ((done, total) => onProgress(done, total, 'reading')) });
  const readTimes = needsTime || (o.keepTimes && timeColumn !== undefined && (o.timeColumn !== undefined || table.names.includes(timeColumn)));
  const data = encodeLabelled(table, manifest.featureSpec, o.label, readTimes ? timeColumn : undefined, weightColumn);
  const labelled = labelledRows(data.labels);
  let rows = labelled;
  if (o.holdout) {
    const split = manifest.training.split as { holdout: number; valid: number } | undefined;
    if (!split) throw new Error(`${o.model}: the manifest does not record its train/holdout split, so --holdout cannot redo it`);
    if (manifest.training.recipe === 'refit') {
      throw new Error(`${o.model} was refit on every labelled row, the holdout included (recipe refit), so scoring it on the holdout would measure rows it learned from. `
        + 'Its card\'s holdout figures come from the same recipe fitted on the rows before the holdout. Measure it on later alerts instead '
        + '(--since, or another file), or train with --recipe split to keep a model that never saw the holdout.');
    }
    rows = timeOrderedSplit(labelled, data.times, split).holdout;
  }
  if (since !== undefined || until !== undefined) {
    const from = since ?? -Infinity;
    const to = until ?? Infinity;
    rows = rows.filter((r) => data.times![r] >= from && data.times![r] < to);
  }
  if (rows.length === 0) throw new Error(`${o.data}: no labelled rows to evaluate${needsTime ? ' in the chosen period' : ''}`);
  const scorer = await OnnxScorer.load(onnxBytes);
  try {
    // Raw ONNX scores are kept so a calibrated bundle can be checked before and after its map.
    const rawScores = await scoreInBatches(scorer, gatherRows(data.x, data.numFeatures, rows), rows.length, onProgress && ((done, total) => onProgress(done, total, 'scoring')));
    const scores = applyCalibration(manifest.calibration, rawScores);
    return {
      manifest,
      rawScores,
      table,
      rows,
      labels: gather(data.labels, rows),
      scores,
      weights: data.weights && gather(data.weights, rows),
      times: data.times && Float64Array.from(rows, (r) => data.times![r]),
      labelledRows: labelled.length,
      weightColumn,
      timeColumn: readTimes ? timeColumn : undefined,
      since,
      until,
    };
  } finally {
    await scorer.release();
  }
}

function parseTime(text: string, flag: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${flag} must be an ISO-8601 time, got '${text}'`);
  return ms;
}
