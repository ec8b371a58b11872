/** @module The tree-ensemble structure shared by the trainer, the ONNX reader/writer and the TS evaluator. */

/**
 * One binary decision tree, stored as parallel arrays indexed by node id (root = 0).
 *
 * A node is a leaf when `left[i] === -1`. For an internal node, a row goes left when
 * `x[feature[i]] <= threshold[i]` (compared in float32, as ONNX Runtime does), and when the
 * value is missing (NaN) it goes left iff `missingLeft[i]`.
 */
export interface Tree {
  feature: number[];
  /** Split thresholds, already rounded to float32 (`Math.fround`). */
  threshold: number[];
  left: number[];
  right: number[];
  missingLeft: boolean[];
  /** Leaf contribution to the raw margin (log-odds); 0 for internal nodes. Float32-rounded. */
  value: number[];
  /**
   * How much training data reached the node, 0 when unknown: winnow's trainer stores row counts;
   * importers store XGBoost's sum_hessian or LightGBM's internal_count / leaf_count (only child to
   * parent ratios matter). TreeSHAP reason codes (src/explain) need it; `coverFromData` counts it
   * over reference rows for trees that came without. Kept in ONNX as `nodes_hitrates`.
   */
  cover: number[];
}

/** A binary classifier: p(true risk) = sigmoid(baseScore + sum of leaf values). */
export interface TreeEnsemble {
  numFeatures: number;
  /** Raw-margin intercept (log-odds), float32-rounded. */
  baseScore: number;
  trees: Tree[];
}

/** Number of leaves of a tree. */
export function leafCount(tree: Tree): number {
  let n = 0;
  for (const l of tree.left) if (l === -1) n++;
  return n;
}

/** Depth of a tree (a single leaf has depth 0). */
export function treeDepth(tree: Tree, node = 0): number {
  if (tree.left[node] === -1) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]), treeDepth(tree, tree.right[node]));
}
