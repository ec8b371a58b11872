/** @module Ranking metrics over the TP/FP curve: ROC AUC and average precision, matching sklearn's definitions. */
import { binaryCurve, type BinaryCurve } from './curve.ts';
import { requireBothClasses } from './input.ts';

/**
 * Area under the ROC curve by the trapezoid rule over distinct thresholds; a run of tied scores
 * is one diagonal step, which counts each tied positive/negative pair as half — sklearn's convention.
 */
export function rocAucFromCurve(curve: BinaryCurve, fn = 'rocAuc'): number {
  requireBothClasses(fn, curve.totals);
  const { tps, fps } = curve;
  const m = tps.length;
  // The curve's own end points, not the validated totals, so weighted sums cancel exactly.
  const totalPos = tps[m - 1];
  const totalNeg = fps[m - 1];
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let k = 0; k < m; k++) {
    area += (fps[k] - prevFp) * (tps[k] + prevTp);
    prevTp = tps[k];
    prevFp = fps[k];
  }
  return area / (2 * totalPos * totalNeg);
}

/**
 * Average precision: the sum over thresholds of (recall gain) × precision, with no interpolation —
 * sklearn's `average_precision_score`, not the trapezoidal PR area (which is optimistic).
 */
export function prAucFromCurve(curve: BinaryCurve, fn = 'prAuc'): number {
  // Only positives are needed: with no negatives AP is 1, as in sklearn.
  if (curve.totals.positiveWeight === 0) requireBothClasses(fn, curve.totals);
  const { tps, fps } = curve;
  const m = tps.length;
  const totalPos = tps[m - 1];
  let ap = 0;
  let prevTp = 0;
  for (let k = 0; k < m; k++) {
    const gain = tps[k] - prevTp;
    // A zero gain adds nothing; skipping it also avoids 0/0 precision at zero-weight groups.
    if (gain > 0) ap += gain * (tps[k] / (tps[k] + fps[k]));
    prevTp = tps[k];
  }
  return ap / totalPos;
}

/** ROC AUC of scores against 0/1 labels, optionally sample-weighted; ties count half, as in sklearn's roc_auc_score. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  return rocAucFromCurve(binaryCurve(labels, scores, weights, { fn: 'rocAuc' }));
}

/** Average precision (PR AUC) of scores against 0/1 labels, optionally weighted, as sklearn's average_precision_score. */
export function prAuc(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  return prAucFromCurve(binaryCurve(labels, scores, weights, { fn: 'prAuc' }));
}
