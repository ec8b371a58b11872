/** @module Split search over one leaf's histogram, with a learned direction for missing values. */
import { BINS, FEATURE_STRIDE } from './histogram.ts';
import { clampValue } from './monotone.ts';
import type { TrainParams } from './params.ts';

/** The best way found to split a leaf: rows with bin <= `bin` go left, missing rows go `missingLeft`. */
export interface Split {
  feature: number;
  bin: number;
  missingLeft: boolean;
  gain: number;
  leftG: number;
  leftH: number;
}

/** What the split search needs to know about a leaf. */
export interface LeafStats {
  sumG: number;
  sumH: number;
  count: number;
}

/** Monotone constraints as split search sees them: a direction per feature and the leaf's value bounds (see monotone.ts). */
export interface SplitConstraints {
  direction: Int8Array;
  lower: number;
  upper: number;
}

type SplitParams = Pick<TrainParams, 'l2' | 'minChildWeight' | 'minDataInLeaf' | 'minSplitGain'>;

/** Regularised leaf value -G/(H+λ), before the learning rate. */
export function leafValue(sumG: number, sumH: number, l2: number): number {
  return -sumG / (sumH + l2);
}

function score(g: number, h: number, l2: number): number {
  return (g * g) / (h + l2);
}

/** Loss reduction of value `w` on sums g, h: equals `score` at the optimum w = -g/(h+λ), less when w is clamped. */
function scoreAt(g: number, h: number, w: number, l2: number): number {
  return -(2 * g * w + (h + l2) * w * w);
}

/**
 * Best split of one leaf over the given features, or null when no split gains more than
 * `minSplitGain`. Child row counts for `minDataInLeaf` come from `rowCounts` (rows per feature bin,
 * `f * BINS + bin`) when the histogram counted them, as weighted training does. Otherwise they are
 * estimated from hessian shares, as LightGBM does, which is close enough when every row weighs alike.
 * With `constraints`, child values are clamped to the leaf's bounds in the gain, and a split on a
 * constrained feature whose children's values break its direction is not a candidate.
 */
export function findBestSplit(
  hist: Float64Array,
  features: ArrayLike<number>,
  valueBins: ArrayLike<number>,
  leaf: LeafStats,
  p: SplitParams,
  rowCounts?: Float64Array,
  constraints?: SplitConstraints,
): Split | null {
  const { sumG, sumH, count } = leaf;
  const parentScore = score(sumG, sumH, p.l2);
  const rowsPerHess = count / sumH;
  let best: Split | null = null;
  let bestGain = p.minSplitGain;
  const unconstrained = (f: number, bin: number, gl: number, hl: number, cl: number, missingLeft: boolean) => {
    const hr = sumH - hl;
    if (hl < p.minChildWeight || hr < p.minChildWeight) return;
    if (rowCounts) {
      if (cl < p.minDataInLeaf || count - cl < p.minDataInLeaf) return;
    } else if (hl * rowsPerHess < p.minDataInLeaf || hr * rowsPerHess < p.minDataInLeaf) {
      return;
    }
    const gain = 0.5 * (score(gl, hl, p.l2) + score(sumG - gl, hr, p.l2) - parentScore);
    if (gain > bestGain) {
      bestGain = gain;
      best = { feature: f, bin, missingLeft, gain, leftG: gl, leftH: hl };
    }
  };
  // A closure of its own, so the unconstrained one stays as small (and as fast) as it always was.
  const c = constraints;
  const direction = c?.direction;
  const lower = c ? c.lower : -Infinity;
  const upper = c ? c.upper : Infinity;
  const boundedParentScore = scoreAt(sumG, sumH, clampValue(leafValue(sumG, sumH, p.l2), lower, upper), p.l2);
  const constrained = (f: number, bin: number, gl: number, hl: number, cl: number, missingLeft: boolean) => {
    const hr = sumH - hl;
    if (hl < p.minChildWeight || hr < p.minChildWeight) return;
    if (rowCounts) {
      if (cl < p.minDataInLeaf || count - cl < p.minDataInLeaf) return;
    } else if (hl * rowsPerHess < p.minDataInLeaf || hr * rowsPerHess < p.minDataInLeaf) {
      return;
    }
    const wl = clampValue(-gl / (hl + p.l2), lower, upper);
    const wr = clampValue(-(sumG - gl) / (hr + p.l2), lower, upper);
    const d = direction![f];
    if (d > 0 ? wl > wr : d < 0 && wl < wr) return;
    const gain = 0.5 * (scoreAt(gl, hl, wl, p.l2) + scoreAt(sumG - gl, hr, wr, p.l2) - boundedParentScore);
    if (gain > bestGain) {
      bestGain = gain;
      best = { feature: f, bin, missingLeft, gain, leftG: gl, leftH: hl };
    }
  };
  const check = c ? constrained : unconstrained;
  for (let j = 0; j < features.length; j++) {
    const f = features[j];
    const off = f * FEATURE_STRIDE;
    const g0 = hist[off];
    const h0 = hist[off + 1];
    const c0 = rowCounts ? rowCounts[f * BINS] : 0;
    // Subtraction leaves rounding dust in empty bins; a missing group this light is no group.
    // Counted rows of zero weight are a group all the same: they still land in one child.
    const hasMissing = h0 > sumH * 1e-9 || c0 > 0;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    const last = valueBins[f];
    for (let b = 1; b < last; b++) {
      gl += hist[off + 2 * b];
      hl += hist[off + 2 * b + 1];
      if (rowCounts) cl += rowCounts[f * BINS + b];
      if (hasMissing) {
        check(f, b, gl, hl, cl, false);
        check(f, b, gl + g0, hl + h0, cl + c0, true);
      } else {
        // No missing rows here: send future missing values to the side with more data.
        check(f, b, gl, hl, cl, hl >= sumH - hl);
      }
    }
  }
  return best;
}

/** Sum of gradients and hessians of a leaf, read from any one feature's histogram. */
export function histogramTotals(hist: Float64Array, valueBins: number): { sumG: number; sumH: number } {
  let sumG = 0;
  let sumH = 0;
  for (let b = 0; b <= valueBins; b++) {
    sumG += hist[2 * b];
    sumH += hist[2 * b + 1];
  }
  return { sumG, sumH };
}
