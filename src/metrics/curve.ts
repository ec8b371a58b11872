/** @module The cumulative TP/FP curve over distinct score thresholds: the one sort every ranking metric shares. */
import { checkBinaryInput, type BinaryTotals } from './input.ts';

/**
 * Cumulative (weighted) true and false positives at each distinct score, highest score first —
 * the same quantities as sklearn's `_binary_clf_curve`. Index k describes "alert when score >= thresholds[k]".
 */
export interface BinaryCurve {
  /** Distinct scores, descending. Tied scores form one entry, because no threshold can split them. */
  thresholds: Float64Array;
  /** Weight of positives with score >= thresholds[k]. */
  tps: Float64Array;
  /** Weight of negatives with score >= thresholds[k]. */
  fps: Float64Array;
  totals: BinaryTotals;
}

/** First index i with sorted[i] >= v (sorted ascending, v present). */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Build the curve with one native sort of the scores: a typed-array sort plus a binary search per row
 * is several times faster in V8 than sorting an index array with a comparator, and it handles weights alike.
 */
export function buildCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  totals: BinaryTotals,
): BinaryCurve {
  const n = labels.length;
  const sorted = Float64Array.from(scores as ArrayLike<number>);
  sorted.sort();
  // -0 and +0 compare equal here, so they share a group just as they share every threshold.
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i];
  const distinct = sorted.subarray(0, m);
  const pos = new Float64Array(m);
  const neg = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const g = lowerBound(distinct, scores[i]);
    const w = weights ? weights[i] : 1;
    if (labels[i] === 1) pos[g] += w;
    else neg[g] += w;
  }
  const thresholds = new Float64Array(m);
  const tps = new Float64Array(m);
  const fps = new Float64Array(m);
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < m; k++) {
    const g = m - 1 - k;
    tp += pos[g];
    fp += neg[g];
    thresholds[k] = distinct[g];
    tps[k] = tp;
    fps[k] = fp;
  }
  return { thresholds, tps, fps, totals };
}

/** Validate the input and build its curve; `probabilities` also demands scores in [0, 1]. */
export function binaryCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
  { fn = 'binaryCurve', probabilities = false }: { fn?: string; probabilities?: boolean } = {},
): BinaryCurve {
  const totals = checkBinaryInput(fn, labels, scores, weights, probabilities);
  return buildCurve(labels, scores, weights, totals);
}
