/** @module A tree in bin space, as the trainer grows it, and its conversion to float thresholds. */
import type { Tree } from '../trees/tree-ensemble.ts';
import type { BinMapper } from './binning.ts';

/** Trees as grown: splits compare bin indices, so prediction on binned rows needs no floats. */
export interface BinTree {
  feature: number[];
  bin: number[];
  missingLeft: boolean[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
}

export function emptyBinTree(): BinTree {
  return { feature: [], bin: [], missingLeft: [], left: [], right: [], value: [], cover: [] };
}

/** Append a leaf and return its node id. */
export function addLeaf(t: BinTree, value: number, cover: number): number {
  t.feature.push(-1);
  t.bin.push(0);
  t.missingLeft.push(false);
  t.left.push(-1);
  t.right.push(-1);
  t.value.push(value);
  t.cover.push(cover);
  return t.feature.length - 1;
}

/** Leaf a binned row reaches. */
export function binTreeLeaf(t: BinTree, bins: Uint8Array, base: number): number {
  let node = 0;
  while (t.left[node] !== -1) {
    const b = bins[base + t.feature[node]];
    node = (b === 0 ? t.missingLeft[node] : b <= t.bin[node]) ? t.left[node] : t.right[node];
  }
  return node;
}

/** Convert to float thresholds: "bin <= b" is exactly "x <= upper bound of bin b" in float32. */
export function toFloatTree(t: BinTree, mapper: BinMapper): Tree {
  return {
    feature: [...t.feature],
    threshold: t.feature.map((f, i) => (f < 0 ? 0 : mapper.upper[f][t.bin[i] - 1])),
    left: [...t.left],
    right: [...t.right],
    missingLeft: [...t.missingLeft],
    value: t.value.map((v) => Math.fround(v)),
    cover: [...t.cover],
  };
}
