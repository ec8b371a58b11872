/** @module Seeded row and column sampling, so the same seed always grows the same trees. */

/** mulberry32: a tiny, fast 32-bit PRNG; quality is ample for sampling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Write the rows of tree `tree`'s bag (all rows, or each with probability `rate`) into `out` in ascending order; returns the count. */
export function sampleRows(n: number, rate: number, seed: number, tree: number, out: Uint32Array): number {
  if (rate >= 1) {
    for (let i = 0; i < n; i++) out[i] = i;
    return n;
  }
  const stream = bagStream(tree);
  let m = 0;
  for (let i = 0; i < n; i++) if (unitHash(seed, stream, i) < rate) out[m++] = i;
  return m;
}

/** A sorted random subset of ceil(rate × n) features (at least one). */
export function sampleFeatures(n: number, rate: number, rand: () => number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (rate >= 1) return all;
  const k = Math.max(1, Math.ceil(rate * n));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.subarray(0, k).sort();
}

/**
 * A uniform number in [0, 1) from (seed, stream, index) alone, like a counter-based generator: any
 * thread can draw row r's number without the rows before it, so results ignore thread counts.
 */
export function unitHash(seed: number, stream: number, index: number): number {
  let h = Math.imul(index ^ Math.imul(stream + 1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(seed + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Stream ids for `unitHash`, so bagging and quantization never share numbers. */
export const bagStream = (tree: number) => 2 * tree;
export const roundingStream = (tree: number) => 2 * tree + 1;
