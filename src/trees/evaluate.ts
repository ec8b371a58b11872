/** @module Pure-TypeScript evaluation of a tree ensemble, bit-compatible with ONNX Runtime's float32 arithmetic. */
import type { Tree, TreeEnsemble } from './tree-ensemble.ts';

const f32 = Math.fround;

/** Index of the leaf a feature row reaches in one tree. */
export function leafIndex(tree: Tree, x: ArrayLike<number>, offset = 0): number {
  let node = 0;
  while (tree.left[node] !== -1) {
    const v = x[offset + tree.feature[node]];
    // NaN fails every comparison, so it must be routed explicitly. Both sides are float32 in ORT;
    // rounding the threshold too keeps parity even if a producer forgot to.
    const goLeft = v !== v ? tree.missingLeft[node] : f32(v) <= f32(tree.threshold[node]);
    node = goLeft ? tree.left[node] : tree.right[node];
  }
  return node;
}

/**
 * Raw margin (log-odds) for one row, as ONNX Runtime 1.30's TreeEnsembleClassifier computes it
 * for float inputs: leaf values summed in float32 from 0, tree by tree in graph order, then the
 * base value added in float32. ORT sums in exactly this order with one intra-op thread; with k
 * threads and more than 50 rows (or one row and more than 80 trees) it sums k contiguous blocks of
 * trees and then adds the block sums, which can move the margin by a few float32 ulps.
 */
export function margin(model: TreeEnsemble, x: ArrayLike<number>, offset = 0): number {
  let score = 0;
  for (const tree of model.trees) score = f32(score + f32(tree.value[leafIndex(tree, x, offset)]));
  return f32(score + f32(model.baseScore));
}

/**
 * Logistic link as ORT's ComputeLogistic does it, one float32 operation at a time:
 * v = 1 / (1 + expf(-|m|)), and 1 - v for negative m. `Math.exp` rounded to float32 equals
 * glibc's expf except where expf itself is off by one ulp (rare; about one row in 40,000).
 */
export function sigmoid(m: number): number {
  const e = f32(Math.exp(-Math.abs(m)));
  const v = f32(1 / f32(1 + e));
  return m < 0 ? f32(1 - v) : v;
}

/** Probability of the positive class for each row of a row-major matrix with `model.numFeatures` columns. */
export function predictProba(model: TreeEnsemble, rows: ArrayLike<number>): Float64Array {
  const f = model.numFeatures;
  const n = Math.floor(rows.length / f);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sigmoid(margin(model, rows, i * f));
  return out;
}

/** Node index of the leaf each tree reaches for one row, in tree order (XGBoost's pred_leaf, in winnow's node ids). */
export function leafIndices(model: TreeEnsemble, x: ArrayLike<number>, offset = 0): Int32Array {
  const out = new Int32Array(model.trees.length);
  model.trees.forEach((tree, t) => { out[t] = leafIndex(tree, x, offset); });
  return out;
}
