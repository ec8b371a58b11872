/** @module Rebuild Trees from TreeEnsembleClassifier node and class attributes, following ONNX Runtime's reading of them. */
import type { Tree } from '../trees/tree-ensemble.ts';
import type { NodeAttributes } from './onnx-proto.ts';

/** Largest float32 strictly below a float32 `t`: for float32 x, `x < t` ⇔ `x <= below(t)`. */
function float32Below(t: number): number {
  const buf = new Float32Array([t]);
  const bits = new Int32Array(buf.buffer);
  if (t === 0) return -1.401298464324817e-45;
  bits[0] += t > 0 ? -1 : 1;
  return buf[0];
}

interface Branch { left: number; right: number; threshold: number; missingLeft: boolean }

/**
 * Turn one ONNX node test into our `x <= threshold` form, exactly for float32 inputs.
 * `nanToTrue` is whether a NaN goes to the true branch; BRANCH_GT/GTE swap the branches.
 */
function toLeq(mode: string, t: number, trueIdx: number, falseIdx: number, nanToTrue: boolean, where: string): Branch {
  switch (mode) {
    case 'BRANCH_LEQ': return { left: trueIdx, right: falseIdx, threshold: t, missingLeft: nanToTrue };
    case 'BRANCH_GT': return { left: falseIdx, right: trueIdx, threshold: t, missingLeft: !nanToTrue };
  }
  if (mode === 'BRANCH_LT' || mode === 'BRANCH_GTE') {
    if (t === -Infinity || Number.isNaN(t)) throw new Error(`${where}: ${mode} with threshold ${t} cannot be expressed as x <= t`);
    return mode === 'BRANCH_LT'
      ? { left: trueIdx, right: falseIdx, threshold: float32Below(t), missingLeft: nanToTrue }
      : { left: falseIdx, right: trueIdx, threshold: float32Below(t), missingLeft: !nanToTrue };
  }
  throw new Error(`${where}: unsupported node mode '${mode}' (supported: BRANCH_LEQ, BRANCH_LT, BRANCH_GT, BRANCH_GTE, LEAF)`);
}

/**
 * Read the trees of a TreeEnsembleClassifier. Node ids may be arbitrary and listed in any order,
 * except that ONNX Runtime takes the FIRST listed node of each tree as its root and each tree's
 * nodes must be contiguous; graphs that break this would score differently in ORT, so they throw.
 */
export function readTrees(attrs: NodeAttributes, where: string): Tree[] {
  const treeIds = attrs.ints('nodes_treeids');
  const n = treeIds.length;
  const column = <T>(name: string, values: T[], optional = false): T[] => {
    if (values.length === n || (optional && values.length === 0)) return values;
    throw new Error(`${where}: attribute '${name}' has ${values.length} entries, nodes_treeids has ${n}`);
  };
  const nodeIds = column('nodes_nodeids', attrs.ints('nodes_nodeids'));
  const features = column('nodes_featureids', attrs.ints('nodes_featureids'));
  const modes = column('nodes_modes', attrs.strings('nodes_modes'));
  const values = column('nodes_values', attrs.floats('nodes_values'));
  const trueIds = column('nodes_truenodeids', attrs.ints('nodes_truenodeids'));
  const falseIds = column('nodes_falsenodeids', attrs.ints('nodes_falsenodeids'));
  const missing = column('nodes_missing_value_tracks_true', attrs.ints('nodes_missing_value_tracks_true'), true);
  const hitrates = column('nodes_hitrates', attrs.floats('nodes_hitrates'), true);
  if (n === 0) throw new Error(`${where}: has no tree nodes`);

  // Runs of equal tree ids are trees, in the order ORT sums them; node position in its run is our index.
  const runs: { treeId: number; start: number; local: Map<number, number> }[] = [];
  const seenTrees = new Set<number>();
  const location = new Map<string, [number, number]>();
  for (let i = 0; i < n; i++) {
    if (i === 0 || treeIds[i] !== treeIds[i - 1]) {
      if (seenTrees.has(treeIds[i])) {
        throw new Error(`${where}: nodes of tree ${treeIds[i]} are not contiguous; ONNX Runtime would read them as separate trees`);
      }
      seenTrees.add(treeIds[i]);
      runs.push({ treeId: treeIds[i], start: i, local: new Map() });
    }
    const run = runs[runs.length - 1];
    if (run.local.has(nodeIds[i])) throw new Error(`${where}: tree ${treeIds[i]} lists node ${nodeIds[i]} twice`);
    run.local.set(nodeIds[i], i - run.start);
    location.set(`${treeIds[i]}/${nodeIds[i]}`, [runs.length - 1, i - run.start]);
  }

  const trees: Tree[] = runs.map((run, r) => {
    const size = (runs[r + 1]?.start ?? n) - run.start;
    const tree: Tree = {
      feature: new Array(size).fill(0), threshold: new Array(size).fill(0), left: new Array(size).fill(-1),
      right: new Array(size).fill(-1), missingLeft: new Array(size).fill(false), value: new Array(size).fill(0),
      cover: new Array(size).fill(0),
    };
    const parent = new Array<number>(size).fill(-1);
    for (let k = 0; k < size; k++) {
      const i = run.start + k;
      const at = `${where}, tree ${run.treeId} node ${nodeIds[i]}`;
      tree.cover[k] = hitrates.length > 0 ? hitrates[i] : 0;
      if (modes[i] === 'LEAF') continue;
      const child = (id: number, side: string) => {
        const c = run.local.get(id);
        if (c === undefined) throw new Error(`${at}: ${side} child ${id} does not exist in the tree`);
        if (parent[c] !== -1 || c === 0) {
          const why = c === 0 ? `the first listed node (id ${id}), which ONNX Runtime takes as the root` : `node ${id}, which already has a parent`;
          throw new Error(`${at}: ${side} child is ${why}`);
        }
        parent[c] = k;
        return c;
      };
      const branch = toLeq(modes[i], values[i], child(trueIds[i], 'true'), child(falseIds[i], 'false'), missing[i] === 1, at);
      if (features[i] < 0) throw new Error(`${at}: negative feature id ${features[i]}`);
      tree.feature[k] = features[i];
      tree.threshold[k] = branch.threshold;
      tree.left[k] = branch.left;
      tree.right[k] = branch.right;
      tree.missingLeft[k] = branch.missingLeft;
    }
    // One parent per node is checked above; a walk from the root catches cycles and stray nodes.
    const seen = new Uint8Array(size);
    const stack = [0];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (seen[k]) continue;
      seen[k] = 1;
      if (tree.left[k] !== -1) stack.push(tree.left[k], tree.right[k]);
    }
    const stray = seen.indexOf(0);
    if (stray !== -1) throw new Error(`${where}, tree ${run.treeId} node ${nodeIds[run.start + stray]}: not reachable from the root (node ${nodeIds[run.start]})`);
    return tree;
  });

  readLeafWeights(attrs, where, trees, (t, k) => `tree ${runs[t].treeId} node ${nodeIds[runs[t].start + k]}`, location);
  return trees;
}

/** Attach class weights to leaves; ORT ignores weights on branch nodes, so this does too. */
function readLeafWeights(
  attrs: NodeAttributes, where: string, trees: Tree[], nodeName: (tree: number, index: number) => string,
  location: Map<string, [number, number]>,
): void {
  const cTrees = attrs.ints('class_treeids');
  const cNodes = attrs.ints('class_nodeids');
  const weights = attrs.floats('class_weights');
  if (cNodes.length !== cTrees.length || weights.length !== cTrees.length || attrs.ints('class_ids').length !== cTrees.length) {
    throw new Error(`${where}: class_treeids, class_nodeids, class_ids and class_weights differ in length`);
  }
  const hasWeight = trees.map((t) => new Uint8Array(t.left.length));
  for (let j = 0; j < cTrees.length; j++) {
    const loc = location.get(`${cTrees[j]}/${cNodes[j]}`);
    if (!loc) throw new Error(`${where}: class weight ${j} refers to missing node ${cNodes[j]} of tree ${cTrees[j]}`);
    const [t, k] = loc;
    if (trees[t].left[k] !== -1) continue;
    if (hasWeight[t][k]) {
      throw new Error(`${where}, tree ${cTrees[j]} node ${cNodes[j]}: leaf has several weights; ORT adds them one by one in float32, which one leaf value cannot reproduce`);
    }
    hasWeight[t][k] = 1;
    trees[t].value[k] = Math.fround(weights[j]);
  }
  trees.forEach((tree, t) => {
    const k = tree.left.findIndex((l, i) => l === -1 && !hasWeight[t][i]);
    if (k !== -1) throw new Error(`${where}, ${nodeName(t, k)}: leaf has no class weight`);
  });
}
