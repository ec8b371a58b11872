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
 * Quantize and pack rows `rows[0..count)` of grad/hess into `packed`; returns the scales to undo it.
 * Row r's rounding noise is `unitHash(seed, roundingStream(tree), r)`, the same in every engine.
 */
export function quantizeGradients(
  grad: Float32Array,
  hess: Float32Array,
  rows: Uint32Array,
  count: number,
  seed: number,
  tree: number,
  packed: Float64Array,
): GradientScales {
  let maxG = 0;
  let maxH = 0;
  for (let i = 0; i < count; i++) {
    const r = rows[i];
    const g = Math.abs(grad[r]);
    if (g > maxG) maxG = g;
    if (hess[r] > maxH) maxH = hess[r];
  }
  const q = quantLevels(count);
  const gs = maxG > 0 ? maxG / q : 1;
  const hs = maxH > 0 ? maxH / q : 1;
  const stream = roundingStream(tree);
  for (let i = 0; i < count; i++) {
    const r = rows[i];
    const u = unitHash(seed, stream, r);
    packed[r] = Math.floor(grad[r] / gs + u) * PACK_SHIFT + Math.floor(hess[r] / hs + u);
  }
  return { grad: gs, hess: hs };
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
