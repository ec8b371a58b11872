/** @module Seeded random tree ensembles and feature rows for ONNX round-trip and parity tests. */
import { decodeModel, encodeModel } from '../../src/onnx/onnx-proto.ts';
import type { Tree, TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { seededRandom as mulberry32 } from '../../src/gbdt/sampling.ts';

/** A seeded uniform [0, 1) generator (mulberry32): tests must be reproducible. The trainer's own. */
export { mulberry32 };

/** A standard normal draw (Box–Muller) from a uniform generator. */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface RandomEnsembleOptions {
  seed?: number;
  numTrees?: number;
  maxDepth?: number;
  numFeatures?: number;
  leafScale?: number;
  baseScore?: number;
}

/** A random binary-classifier ensemble: float32 thresholds and leaves, random missing directions. */
export function randomEnsemble({
  seed = 1,
  numTrees = 200,
  maxDepth = 6,
  numFeatures = 30,
  leafScale = 0.1,
  baseScore = -1.2345678,
}: RandomEnsembleOptions = {}): TreeEnsemble {
  const rand = mulberry32(seed);
  const trees: Tree[] = [];
  for (let t = 0; t < numTrees; t++) trees.push(randomTree(rand, maxDepth, numFeatures, leafScale));
  return { numFeatures, baseScore: Math.fround(baseScore), trees };
}

function randomTree(rand: () => number, maxDepth: number, numFeatures: number, leafScale: number): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], missingLeft: [], value: [], cover: [] };
  const grow = (depth: number): number => {
    const id = tree.left.length;
    tree.feature.push(0);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.missingLeft.push(false);
    tree.value.push(0);
    tree.cover.push(Math.floor(rand() * 1000));
    // Splitting with probability < 1 gives unbalanced trees of varying depth.
    if (depth < maxDepth && (depth === 0 || rand() < 0.85)) {
      tree.feature[id] = Math.floor(rand() * numFeatures);
      // A coarse grid half of the time, so rows can land exactly on thresholds.
      const raw = rand() < 0.5 ? Math.round(normal(rand) * 8) / 8 : normal(rand);
      tree.threshold[id] = Math.fround(raw);
      tree.missingLeft[id] = rand() < 0.5;
      tree.left[id] = grow(depth + 1);
      tree.right[id] = grow(depth + 1);
    } else {
      tree.value[id] = Math.fround(normal(rand) * leafScale);
    }
    return id;
  };
  grow(0);
  return tree;
}

/** Next float32 above (dir = 1) or below (dir = -1) a float32 value. */
export function nextFloat32(x: number, dir: 1 | -1): number {
  const buf = new Float32Array([x]);
  const bits = new Int32Array(buf.buffer);
  if (x === 0) return dir * 1.401298464324817e-45;
  bits[0] += (x > 0) === (dir > 0) ? 1 : -1;
  return buf[0];
}

/**
 * Row-major feature rows as float64: ~`nanRate` NaNs, some values exactly on a split threshold,
 * some one float32 step away, and some that equal a threshold only after float32 rounding.
 */
export function randomRows(model: TreeEnsemble, numRows: number, seed = 2, nanRate = 0.15): Float64Array {
  const rand = mulberry32(seed);
  const f = model.numFeatures;
  const thresholds: number[][] = Array.from({ length: f }, () => []);
  for (const tree of model.trees) {
    for (let i = 0; i < tree.left.length; i++) if (tree.left[i] !== -1) thresholds[tree.feature[i]].push(tree.threshold[i]);
  }
  const rows = new Float64Array(numRows * f);
  for (let r = 0; r < numRows; r++) {
    for (let j = 0; j < f; j++) {
      const u = rand();
      const ts = thresholds[j];
      let v: number;
      if (u < nanRate) v = NaN;
      else if (ts.length > 0 && u < nanRate + 0.15) {
        const t = ts[Math.floor(rand() * ts.length)];
        const kind = rand();
        if (kind < 0.4) v = t;
        else if (kind < 0.7) v = nextFloat32(t, rand() < 0.5 ? 1 : -1);
        // Above t in float64 but rounds to t in float32: only a float32 comparison sends it left.
        else v = t + Math.abs(t || 1) * 2 ** -30;
      } else v = normal(rand) * 1.5;
      rows[r * f + j] = v;
    }
  }
  return rows;
}

/**
 * Rewrite a winnow ONNX model so branch nodes cycle through BRANCH_LEQ, BRANCH_LT, BRANCH_GT and
 * BRANCH_GTE with thresholds and branches adjusted so every float32 row takes the same path.
 */
export function withMixedBranchModes(bytes: Uint8Array): Uint8Array {
  const proto = decodeModel(bytes);
  const attr = (name: string) => proto.graph!.node![0].attribute!.find((a) => a.name === name)!;
  const modes = attr('nodes_modes').strings!.map((s) => new TextDecoder().decode(s));
  const values = attr('nodes_values').floats!;
  const t = attr('nodes_truenodeids').ints as number[];
  const f = attr('nodes_falsenodeids').ints as number[];
  const miss = attr('nodes_missing_value_tracks_true').ints as number[];
  modes.forEach((mode, i) => {
    if (mode === 'LEAF') return;
    // x <= v  ⇔  x < next(v)  ⇔  !(x > v)  ⇔  !(x >= next(v)); NaN stays on the same side.
    const kind = i % 4;
    if (kind === 1) {
      modes[i] = 'BRANCH_LT';
      values[i] = nextFloat32(values[i], 1);
    } else if (kind >= 2) {
      modes[i] = kind === 2 ? 'BRANCH_GT' : 'BRANCH_GTE';
      if (kind === 3) values[i] = nextFloat32(values[i], 1);
      [t[i], f[i]] = [f[i], t[i]];
      miss[i] = 1 - miss[i];
    }
  });
  attr('nodes_modes').strings = modes.map((m) => new TextEncoder().encode(m));
  return encodeModel(proto);
}
