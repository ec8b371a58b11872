/** @module Isotonic calibration by pool-adjacent-violators over quantile groups of the raw score. */

/** Default cap on breakpoints: keeps the manifest small and each block backed by enough alerts. */
export const DEFAULT_ISOTONIC_GROUPS = 100;

/**
 * Fit an increasing map raw score → positive rate. Rows are sorted by score and cut into at most
 * `maxGroups` groups of about equal weight (equal scores never split), then adjacent groups are
 * pooled while a later one has a rate no higher than an earlier one (PAV). Each block gives one
 * breakpoint: its weighted mean raw score and its positive rate. Rates are shrunk toward the base
 * rate by one pseudo-alert so no block is exactly 0 or 1 (a 0 would tie every low score).
 */
export function fitIsotonic(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
  maxGroups = DEFAULT_ISOTONIC_GROUPS,
): { x: number[]; y: number[] } {
  const idx = Array.from({ length: labels.length }, (_, i) => i).filter((i) => scores[i] === scores[i] && (weights ? weights[i] > 0 : true));
  if (idx.length === 0) throw new Error('fitIsotonic: no scored rows to fit on');
  idx.sort((a, b) => scores[a] - scores[b] || a - b);
  const w = (i: number) => (weights ? weights[i] : 1);
  let total = 0;
  let positives = 0;
  for (const i of idx) {
    total += w(i);
    positives += w(i) * labels[i];
  }
  const base = positives / total;
  // Groups of ~equal weight: [weight, positive weight, weighted score sum].
  const groups: Array<[number, number, number]> = [];
  let cur: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    cur[0] += w(i);
    cur[1] += w(i) * labels[i];
    cur[2] += w(i) * scores[i];
    const lastOfScore = k === idx.length - 1 || scores[idx[k + 1]] !== scores[i];
    if (lastOfScore && cur[0] >= total / maxGroups) {
      groups.push(cur);
      cur = [0, 0, 0];
    }
  }
  if (cur[0] > 0) groups.push(cur);
  // PAV: a stack of blocks with strictly increasing rates.
  const blocks: Array<[number, number, number]> = [];
  for (const g of groups) {
    let b: [number, number, number] = [...g];
    while (blocks.length > 0 && blocks[blocks.length - 1][1] / blocks[blocks.length - 1][0] >= b[1] / b[0]) {
      const top = blocks.pop()!;
      b = [top[0] + b[0], top[1] + b[1], top[2] + b[2]];
    }
    blocks.push(b);
  }
  const x: number[] = [];
  const y: number[] = [];
  for (const [bw, bp, bs] of blocks) {
    const rate = (bp + base) / (bw + 1);
    x.push(bs / bw);
    // Shrinkage can reorder two close blocks; keep the map non-decreasing.
    y.push(Math.max(rate, y.length > 0 ? y[y.length - 1] : 0));
  }
  return { x, y };
}
