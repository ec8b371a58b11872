/**
 * @module Node cover for TreeSHAP: check that an ensemble carries it, or count it by passing
 * reference rows through the trees (for models imported without it).
 *
 * Cover is how much training data reached a node. winnow's trainer records row counts (kept in
 * the ONNX `nodes_hitrates`, which ONNX Runtime ignores); an importer fills `Tree.cover` with
 * XGBoost's `cover` (sum_hessian) or LightGBM's `internal_count` / `leaf_count`. Only the ratio of
 * a child's cover to its parent's matters, so counts and hessian sums both work.
 */
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';

/** Why the ensemble cannot be explained (no or bad cover), or undefined when it can. */
export function coverProblem(model: TreeEnsemble): string | undefined {
  for (let t = 0; t < model.trees.length; t++) {
    const cover = model.trees[t].cover;
    if (!cover || cover.length !== model.trees[t].left.length) {
      return `tree ${t} has no node cover; count it over reference rows with coverFromData() or supply it from the training tool`;
    }
    const bad = cover.findIndex((c) => !(c >= 0 && Number.isFinite(c)));
    if (bad !== -1) return `tree ${t} node ${bad} has cover ${cover[bad]}; cover must be a finite number ≥ 0`;
    if (model.trees[t].left[0] !== -1 && !(cover[0] > 0)) {
      return `tree ${t} has no node cover (root cover 0); count it over reference rows with coverFromData() or supply it from the training tool (XGBoost sum_hessian, LightGBM internal_count)`;
    }
  }
  return undefined;
}

/**
 * Whether every internal node's cover is the sum of its children's, as hessian sums and row
 * counts are. Converters that write placeholder hit rates (skl2onnx writes 1 for every node)
 * pass `coverProblem` but would make TreeSHAP weigh both branches equally; this catches them.
 */
export function coverIsConsistent(model: TreeEnsemble, relTol = 1e-4): boolean {
  for (const tree of model.trees) {
    const cover = tree.cover;
    if (!cover) return false;
    for (let n = 0; n < tree.left.length; n++) {
      const l = tree.left[n];
      if (l === -1) continue;
      const sum = cover[l] + cover[tree.right[n]];
      if (Math.abs(sum - cover[n]) > relTol * Math.max(1, cover[n])) return false;
    }
  }
  return true;
}

/**
 * A copy of `model` whose cover is the number of `rows` (row-major, `numFeatures` columns, NaN
 * for missing) reaching each node, routed exactly as the evaluator routes them.
 */
export function coverFromData(model: TreeEnsemble, rows: ArrayLike<number>): TreeEnsemble {
  const f = model.numFeatures;
  const n = Math.floor(rows.length / f);
  if (n === 0) throw new Error('coverFromData needs at least one reference row');
  const trees = model.trees.map((tree) => {
    const cover = new Array<number>(tree.left.length).fill(0);
    for (let r = 0; r < n; r++) {
      let node = 0;
      cover[0]++;
      while (tree.left[node] !== -1) {
        // The evaluator's routing (src/trees/evaluate.ts): NaN goes the stored way, else x <= t in float32.
        const v = rows[r * f + tree.feature[node]];
        const goLeft = v !== v ? tree.missingLeft[node] : Math.fround(v) <= Math.fround(tree.threshold[node]);
        node = goLeft ? tree.left[node] : tree.right[node];
        cover[node]++;
      }
    }
    return { ...tree, cover };
  });
  return { ...model, trees };
}
