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

/** Write a `rate` share of 0..n-1 into `out` in ascending order (Bernoulli per row); returns the count. */
export function sampleRows(n: number, rate: number, rand: () => number, out: Uint32Array): number {
  if (rate >= 1) {
    for (let i = 0; i < n; i++) out[i] = i;
    return n;
  }
  let m = 0;
  for (let i = 0; i < n; i++) if (rand() < rate) out[m++] = i;
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
