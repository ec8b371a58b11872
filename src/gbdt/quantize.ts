/**
 * @module Quantized gradients (as in LightGBM's quantized training): each row's gradient and hessian
 * become small integers, packed into ONE float64 so a histogram bin needs one add instead of two.
 *
 * packed = gq · 2^26 + hq. Stochastic rounding keeps every sum unbiased; split gains use the
 * dequantized sums, while leaf values are recomputed from the exact gradients afterwards.
 *
 * The bit budget. Every number the trainer reads from a histogram (a bin, a leaf total, a lane
 * merge, a parent minus its smaller child) is a sum of packed values over some subset of rows. If
 * over ALL n rows Σ|gq| ≤ 2^26 − 1 and Σhq ≤ 2^26 − 1, every such sum has |Σgq| · 2^26 + Σhq < 2^52,
 * an exact integer in float64 (exact up to 2^53) whatever the order of the adds, and its low 26 bits
 * are Σhq ≥ 0, so `unpack` splits it uniquely.
 *
 * Weights set the per-row bound. Log-loss gives |g| ≤ w and 0 < h ≤ w/4 for a row of weight w, so
 * with scales s (gradient) and s/4 (hessian) both quantized values lie within ⌈w/s⌉: the budget is
 * Σ_r ⌈w_r/s⌉ ≤ 2^26 − 1, a sum over weights, not n times the largest weight. `logLossScales` gives
 * a row of weight `unit` Q = min(127, ⌊(2^26 − 1)/n⌋) levels, as unweighted training always did,
 * when that fits the budget; only heavy weights that would overflow it shrink s to fit. Sizing for
 * every row keeps any bag of them within budget too.
 *
 * One edge is left unguarded on purpose. The check counts ⌈q·w/unit⌉ exactly, but packRow divides
 * by a rounded scale, so w/s can land a few ulps above an integer k (1/(1/49) is 49.00000000000001),
 * and a row at its extreme gradient whose noise is exactly 0 (a 2^-32 chance) then gets −(k + 1).
 * A sum can overflow from that only if, besides, every row sat at its extreme gradient with one sign
 * (a model wrong by more than 17 logits on every row at once), so the per-row loop pays no clamp for
 * it. Unweighted training always had this edge; the shrunken scales for heavy weights budget
 * w/s + 1 per row, which covers it.
 */

import { roundingStream, unitHash } from './sampling.ts';

export const PACK_SHIFT = 2 ** 26;
const MAX_LEVELS = 127;

/** Dequantization factors of one boosting round. */
export interface GradientScales {
  grad: number;
  hess: number;
}

/** Levels a full-weight row gets when all `numRows` rows may reach them: Q·n ≤ 2^26 − 1, at most 127. */
export function quantLevels(numRows: number): number {
  return Math.max(1, Math.min(MAX_LEVELS, Math.floor((PACK_SHIFT - 1) / Math.max(1, numRows))));
}

/**
 * Fixed scales for log-loss, known before any gradient is computed. A row of weight `unit` gets
 * `quantLevels(n)` levels, lighter rows proportionally fewer and heavier ones more, if the budget
 * Σ⌈q·w_r/unit⌉ ≤ 2^26 − 1 holds. With uniform weights and `unit` their value it always holds (the
 * sum is at most n·q), so unweighted training keeps its scales bit for bit. Otherwise the levels per
 * unit become L = (2^26 − 2 − n) / Σ(w_r/unit), which fits: Σ⌈L·w_r/unit⌉ ≤ L·Σ(w_r/unit) + n, and
 * the spare level absorbs the rounding of these float sums.
 */
export function logLossScales(weights: Float32Array, unit: number): GradientScales {
  const n = weights.length;
  const q = quantLevels(n);
  const u = unit > 0 ? unit : 1;
  let levels = 0;
  let relative = 0;
  for (let r = 0; r < n; r++) {
    const rho = weights[r] / u;
    relative += rho;
    levels += Math.ceil(q * rho);
  }
  let perUnit = q;
  if (levels > PACK_SHIFT - 1) {
    perUnit = (PACK_SHIFT - 2 - n) / relative;
    if (!(perUnit > 0)) throw new Error(`${n} training rows are more than quantized gradient sums can hold exactly (at most ${PACK_SHIFT - 3})`);
  }
  return { grad: u / perUnit, hess: u / 4 / perUnit };
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
