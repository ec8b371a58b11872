/** @module Reliability table and expected calibration error over equal-width probability bins. */
import { checkBinaryInput, MetricInputError } from './input.ts';

/** One bin of the reliability table; the means are null for an empty bin, which has nothing to compare. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  /** Rows in the bin. */
  count: number;
  /** Sum of sample weights in the bin (equals `count` without weights). */
  weight: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

/** Reliability table plus its summary errors. */
export interface Calibration {
  bins: CalibrationBin[];
  /** Expected calibration error: weight-share-weighted mean of |meanPredicted − observedRate|. */
  ece: number;
  /** Largest |meanPredicted − observedRate| over non-empty bins. */
  maxError: number;
}

/**
 * Bin index of a probability: bins are [i/b, (i+1)/b), the last one closed at 1.
 * sklearn's calibration_curve puts a score lying exactly on an inner edge in the lower bin instead.
 */
export function calibrationBinOf(p: number, bins: number): number {
  return Math.min(Math.floor(p * bins), bins - 1);
}

/** Accumulate per-bin sums without validation; shared with `evaluateBinary`. */
export function calibrationFromSums(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bins: number,
  weights?: ArrayLike<number>,
): Calibration {
  const count = new Float64Array(bins);
  const weight = new Float64Array(bins);
  const predSum = new Float64Array(bins);
  const posSum = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const b = calibrationBinOf(scores[i], bins);
    const w = weights ? weights[i] : 1;
    count[b]++;
    weight[b] += w;
    predSum[b] += w * scores[i];
    posSum[b] += w * labels[i];
  }
  let total = 0;
  for (let b = 0; b < bins; b++) total += weight[b];
  const table: CalibrationBin[] = [];
  let ece = 0;
  let maxError = 0;
  for (let b = 0; b < bins; b++) {
    const filled = weight[b] > 0;
    const meanPredicted = filled ? predSum[b] / weight[b] : null;
    const observedRate = filled ? posSum[b] / weight[b] : null;
    if (filled) {
      const err = Math.abs((meanPredicted as number) - (observedRate as number));
      ece += (weight[b] / total) * err;
      maxError = Math.max(maxError, err);
    }
    table.push({ lower: b / bins, upper: (b + 1) / bins, count: count[b], weight: weight[b], meanPredicted, observedRate });
  }
  return { bins: table, ece, maxError };
}

/** Reliability table (mean predicted vs observed positive rate per equal-width bin) and ECE for probabilities. */
export function calibration(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bins = 10,
  weights?: ArrayLike<number>,
): Calibration {
  if (!Number.isInteger(bins) || bins < 1) throw new MetricInputError(`calibration: bins is ${bins}; it must be a positive integer`);
  checkBinaryInput('calibration', labels, scores, weights, true);
  return calibrationFromSums(labels, scores, bins, weights);
}
