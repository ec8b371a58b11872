/** @module The closure curve: what closing every alert scored below t does, for every distinct score t. */
import { binaryCurve } from '../metrics/index.ts';

/** Raised when a threshold cannot be chosen or applied; the message says why in the user's terms. */
export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

/**
 * Alerts that could be closed, as cumulative sums over their distinct scores in ASCENDING order, plus
 * the alerts that are reviewed whatever their score (never-suppressed rules). Index j means "close every
 * closable alert with score < thresholds[j]"; j = 0 closes nothing. Counts are sample weights when given.
 */
export interface ClosureCurve {
  /** Distinct scores of the closable alerts, ascending. */
  thresholds: Float64Array;
  /** Weight of closable true positives with score < thresholds[j]: the recall given up. */
  closedPositives: Float64Array;
  /** Weight of closable false positives with score < thresholds[j]. */
  closedNegatives: Float64Array;
  /** Every alert, closable or not. */
  positives: number;
  negatives: number;
  /** Alerts that are always reviewed (never-suppressed), included in `positives` and `negatives`. */
  alwaysReviewedPositives: number;
  alwaysReviewedNegatives: number;
}

/** One operating point: what closing the alerts scored below `threshold` does to the queue. */
export interface ThresholdPoint {
  /** Alerts with score < threshold are closed (as a policy's `below` reads it). */
  threshold: number;
  alerts: number;
  closed: number;
  closedShare: number;
  /** Alerts left for analysts to review. */
  reviewed: number;
  falsePositivesClosed: number;
  /** Share of all false positives that are closed. */
  fpReduction: number;
  positivesClosed: number;
  positivesKept: number;
  /** Share of true positives kept for review; NaN when there are none. */
  recall: number;
  /** Share of the review queue that is a true positive; NaN when nothing is reviewed. */
  precision: number;
}

/** Labelled, scored alerts; `alwaysReview[i]` = 1 marks an alert no threshold may close. */
export interface ScoredAlerts {
  labels: ArrayLike<number>;
  scores: ArrayLike<number>;
  weights?: ArrayLike<number>;
  alwaysReview?: ArrayLike<number>;
}

/** Build the closure curve of `alerts`, or of the subset `rows` of them; input is validated as every metric's is. */
export function closureCurve(alerts: ScoredAlerts, rows?: ArrayLike<number>): ClosureCurve {
  const { labels, scores, weights, alwaysReview } = alerts;
  const n = rows ? rows.length : labels.length;
  const pick = (i: number) => (rows ? rows[i] : i);
  const cl: number[] = [];
  const cs: number[] = [];
  const cw: number[] = [];
  let alwaysPos = 0;
  let alwaysNeg = 0;
  for (let i = 0; i < n; i++) {
    const r = pick(i);
    const w = weights ? weights[r] : 1;
    if (alwaysReview && alwaysReview[r]) {
      if (labels[r] === 1) alwaysPos += w;
      else alwaysNeg += w;
      continue;
    }
    cl.push(labels[r]);
    cs.push(scores[r]);
    cw.push(w);
  }
  if (cl.length === 0) {
    return { thresholds: new Float64Array(0), closedPositives: new Float64Array(0), closedNegatives: new Float64Array(0), positives: alwaysPos, negatives: alwaysNeg, alwaysReviewedPositives: alwaysPos, alwaysReviewedNegatives: alwaysNeg };
  }
  // binaryCurve validates labels, scores and weights, and sorts once; it runs from the top score down.
  const c = binaryCurve(cl, cs, weights ? cw : undefined, { fn: 'closureCurve' });
  const m = c.thresholds.length;
  const pos = c.tps[m - 1];
  const neg = c.fps[m - 1];
  const thresholds = new Float64Array(m);
  const closedPositives = new Float64Array(m);
  const closedNegatives = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    // Closing below the j-th lowest score keeps everything from it up: the binary curve's entry m-1-j.
    const k = m - 1 - j;
    thresholds[j] = c.thresholds[k];
    closedPositives[j] = j === 0 ? 0 : pos - c.tps[k];
    closedNegatives[j] = j === 0 ? 0 : neg - c.fps[k];
  }
  return { thresholds, closedPositives, closedNegatives, positives: pos + alwaysPos, negatives: neg + alwaysNeg, alwaysReviewedPositives: alwaysPos, alwaysReviewedNegatives: alwaysNeg };
}

/** A point from counts of what is closed. */
export function pointFromCounts(threshold: number, positives: number, negatives: number, positivesClosed: number, falsePositivesClosed: number): ThresholdPoint {
  const alerts = positives + negatives;
  const closed = positivesClosed + falsePositivesClosed;
  const reviewed = alerts - closed;
  const positivesKept = positives - positivesClosed;
  return {
    threshold,
    alerts,
    closed,
    closedShare: alerts > 0 ? closed / alerts : 0,
    reviewed,
    falsePositivesClosed,
    fpReduction: negatives > 0 ? falsePositivesClosed / negatives : 0,
    positivesClosed,
    positivesKept,
    recall: positives > 0 ? positivesKept / positives : NaN,
    precision: reviewed > 0 ? positivesKept / reviewed : NaN,
  };
}

/** The operating point at curve index j. */
export function pointAt(curve: ClosureCurve, j: number): ThresholdPoint {
  return pointFromCounts(curve.thresholds[j], curve.positives, curve.negatives, curve.closedPositives[j], curve.closedNegatives[j]);
}

/** Index of the curve entry a threshold falls on: the last j with thresholds[j] <= t (-1 when t is below every score). */
export function indexOfThreshold(curve: ClosureCurve, t: number): number {
  let lo = 0;
  let hi = curve.thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (curve.thresholds[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The outcome of any threshold t on the curve's alerts (score < t closed), read off the curve. */
export function pointAtThreshold(curve: ClosureCurve, t: number): ThresholdPoint {
  const j = indexOfThreshold(curve, t);
  const m = curve.thresholds.length;
  // Above the top score every closable alert closes; below the lowest, none does.
  if (j < 0) return pointFromCounts(t, curve.positives, curve.negatives, 0, 0);
  if (j === m - 1 && t > curve.thresholds[m - 1]) {
    const closablePos = curve.positives - curve.alwaysReviewedPositives;
    const closableNeg = curve.negatives - curve.alwaysReviewedNegatives;
    return pointFromCounts(t, curve.positives, curve.negatives, closablePos, closableNeg);
  }
  return { ...pointAt(curve, j), threshold: t };
}

/** Every point of the curve as columns, compact enough for a JSON file of a million distinct scores (`alerts` is one number, left out). */
export function curveColumns(curve: ClosureCurve): Record<Exclude<keyof ThresholdPoint, 'alerts'>, number[]> {
  const keys: Exclude<keyof ThresholdPoint, 'alerts'>[] = ['threshold', 'closed', 'closedShare', 'reviewed', 'falsePositivesClosed', 'fpReduction', 'positivesClosed', 'positivesKept', 'recall', 'precision'];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<Exclude<keyof ThresholdPoint, 'alerts'>, number[]>;
  for (let j = 0; j < curve.thresholds.length; j++) {
    const p = pointAt(curve, j);
    for (const k of keys) out[k].push(p[k]);
  }
  return out;
}
