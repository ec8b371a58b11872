/** @module Pure-TypeScript evaluation of a tree ensemble, bit-compatible with ONNX Runtime's float32 arithmetic. */
import type { Tree, TreeEnsemble } from './tree-ensemble.ts';

/** Index of the leaf a feature row reaches in one tree. */
export function leafIndex(tree: Tree, x: ArrayLike<number>, offset = 0): number {
  let node = 0;
  while (tree.left[node] !== -1) {
    const v = x[offset + tree.feature[node]];
    // NaN fails every comparison, so it must be routed explicitly.
    const goLeft = v !== v ? tree.missingLeft[node] : Math.fround(v) <= tree.threshold[node];
    node = goLeft ? tree.left[node] : tree.right[node];
  }
  return node;
}

/**
 * Raw margin (log-odds) for one row. Leaf values are accumulated in float32, tree by tree,
 * because that is what ONNX Runtime's TreeEnsembleClassifier does for float inputs.
 */
export function margin(model: TreeEnsemble, x: ArrayLike<number>, offset = 0): number {
  let score = 0;
  for (const tree of model.trees) score = Math.fround(score + tree.value[leafIndex(tree, x, offset)]);
  return Math.fround(score + model.baseScore);
}

/** Logistic link, computed as ONNX Runtime does (symmetric form, float32 result). */
export function sigmoid(m: number): number {
  const v = Math.fround(1 / (1 + Math.exp(-Math.abs(m))));
  return m < 0 ? Math.fround(1 - v) : v;
}

/** Probability of the positive class for each row of a row-major matrix with `model.numFeatures` columns. */
export function predictProba(model: TreeEnsemble, rows: ArrayLike<number>): Float64Array {
  const f = model.numFeatures;
  const n = Math.floor(rows.length / f);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sigmoid(margin(model, rows, i * f));
  return out;
}
