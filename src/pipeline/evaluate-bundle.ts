/** @module The `evaluate` use case: score a labelled file with a bundle through ONNX Runtime and measure it. */
import { type Manifest, readBundle } from '../model/index.ts';
import { evaluationMetrics } from '../model/evaluation.ts';
import type { EvaluationMetrics } from '../model/manifest.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';
import { gather, gatherRows } from './columns.ts';
import { readTable } from '../io/read-table.ts';
import { encodeLabelled, labelledRows } from './load-labelled.ts';
import { timeOrderedSplit } from './split.ts';

export interface EvaluateBundleOptions {
  model: string;
  data: string;
  label: string;
  /** Time column for --since/--until and --holdout; defaults to the one the model was trained with. */
  timeColumn?: string;
  since?: string;
  until?: string;
  /** Evaluate only the rows the training run held out (same file, same split). */
  holdout?: boolean;
  /**
   * Column of per-row sample weights: every metric, and the outcome at the recommended thresholds,
   * is weighted. With `holdout` it defaults to the column the model was trained with, so the
   * manifest's holdout metrics are reproduced as recorded.
   */
  weightColumn?: string;
}

export interface EvaluateBundleResult {
  manifest: Manifest;
  metrics: EvaluationMetrics;
  /** Labelled rows in the file, and how many of them were evaluated. */
  labelledRows: number;
  evaluatedRows: number;
  /** The weight column the metrics were weighted by, if any. */
  weightColumn?: string;
}

/** Evaluate a bundle on a labelled file; metrics include the outcome at the bundle's recommended thresholds. */
export async function evaluateBundle(o: EvaluateBundleOptions): Promise<EvaluateBundleResult> {
  const { manifest, onnxBytes } = await readBundle(o.model);
  const timeColumn = o.timeColumn ?? (manifest.training.timeColumn as string | undefined);
  const needsTime = o.holdout || o.since || o.until;
  if (needsTime && !timeColumn && !o.holdout) throw new Error('--since/--until need a time column: give --time-column');
  const weightColumn = o.weightColumn ?? (o.holdout ? manifest.training.weightColumn : undefined);
  const table = await readTable(o.data);
  const data = encodeLabelled(table, manifest.featureSpec, o.label, needsTime ? timeColumn : undefined, weightColumn);
  const labelled = labelledRows(data.labels);
  let rows = labelled;
  if (o.holdout) {
    const split = manifest.training.split as { holdout: number; valid: number } | undefined;
    if (!split) throw new Error(`${o.model}: the manifest does not record its train/holdout split, so --holdout cannot redo it`);
    rows = timeOrderedSplit(labelled, data.times, split).holdout;
  }
  if (o.since || o.until) {
    const from = o.since ? parseTime(o.since, '--since') : -Infinity;
    const to = o.until ? parseTime(o.until, '--until') : Infinity;
    rows = rows.filter((r) => data.times![r] >= from && data.times![r] < to);
  }
  if (rows.length === 0) throw new Error(`${o.data}: no labelled rows to evaluate${needsTime ? ' in the chosen period' : ''}`);
  const scorer = await OnnxScorer.load(onnxBytes);
  try {
    const scores = await scorer.score(gatherRows(data.x, data.numFeatures, rows), rows.length);
    const metrics = evaluationMetrics(gather(data.labels, rows), scores, manifest.thresholds, data.weights && gather(data.weights, rows));
    return { manifest, metrics, labelledRows: labelled.length, evaluatedRows: rows.length, weightColumn };
  } finally {
    await scorer.release();
  }
}

function parseTime(text: string, flag: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${flag} must be an ISO-8601 time, got '${text}'`);
  return ms;
}
