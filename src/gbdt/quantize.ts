/**
 * @module Quantized gradients (as in LightGBM's quantized training): each row's gradient and hessian
 * become small integers, packed into ONE float64 so a histogram bin needs one add instead of two.
 *
 * packed = gq · 2^26 + hq, with |gq| ≤ Q and 0 ≤ hq ≤ Q. Any sum over n rows stays an exact
 * integer in float64 as long as Q · n < 2^26 (then |Σ| < 2^52), so Q = min(127, ⌊(2^26 − 1) / n⌋).
 * Stochastic rounding keeps every sum unbiased; split gains use the dequantized sums, while leaf
 * values are recomputed from the exact gradients afterwards.
 */

import { roundingStream, unitHash } from './sampling.ts';

export const PACK_SHIFT = 2 ** 26;
const MAX_LEVELS = 127;

/** Dequantization factors of one boosting round. */
export interface GradientScales {
  grad: number;
  hess: number;
}

/** Largest quantization level that keeps sums over `numRows` rows exact. */
export function quantLevels(numRows: number): number {
  return Math.max(1, Math.min(MAX_LEVELS, Math.floor((PACK_SHIFT - 1) / Math.max(1, numRows))));
}

/**
 * Fixed scales for log-loss: |gradient| ≤ w and hessian ≤ w/4 for a row of weight w, so with
 * `levels` steps the scales need no pass over the rows to find maxima. Sized for all `numRows`
 * rows, any bag of them keeps its sums exact.
 */
export function logLossScales(maxWeight: number, numRows: number): GradientScales {
  const q = quantLevels(numRows);
  const w = maxWeight > 0 ? maxWeight : 1;
  return { grad: w / q, hess: w / 4 / q };
}

/** Quantize one row: stochastic rounding with noise `u` in [0, 1), packed as gq · 2^26 + hq. */
export function packRow(g: number, h: number, scales: GradientScales, u: number): number {
  return Math.floor(g / scales.grad + u) * PACK_SHIFT + Math.floor(h / scales.hess + u);
}

/**
 * Quantize and pack rows `rows[0..count)` of grad/hess into `packed`. Row r's rounding noise is
 * `unitHash(seed, roundingStream(tree), r)`, the same in every engine.
 */
export function quantizeGradients(
  grad: Float32Array,
  hess: Float32Array,
  rows: Uint32Array,
  count: number,
  seed: number,
  tree: number,
  scales: GradientScales,
  packed: Float64Array,
): void {
  const stream = roundingStream(tree);
  for (let i = 0; i < count; i++) {
    const r = rows[i];
    packed[r] = packRow(grad[r], hess[r], scales, unitHash(seed, stream, r));
  }
}

/** Split a packed integer sum into its gradient and hessian parts (still quantized). */
export function unpack(v: number): [g: number, h: number] {
  const g = Math.round((v - mod(v)) / PACK_SHIFT);
  return [g, v - g * PACK_SHIFT];
}

function mod(v: number): number {
  const m = v % PACK_SHIFT;
  return m < 0 ? m + PACK_SHIFT : m;
}
