/** @module Structural checks on a Tree, so a malformed tree fails with a message instead of looping in ONNX Runtime. */
import type { Tree } from '../trees/tree-ensemble.ts';

/** Throw an Error naming the tree and node when `tree` is not a well-formed binary tree rooted at node 0. */
export function assertValidTree(tree: Tree, treeIndex: number, numFeatures: number): void {
  const where = `tree ${treeIndex}`;
  const n = tree.left.length;
  if (n === 0) throw new Error(`${where}: has no nodes`);
  for (const key of ['feature', 'threshold', 'right', 'missingLeft', 'value'] as const) {
    if (tree[key].length !== n) throw new Error(`${where}: '${key}' has ${tree[key].length} entries, 'left' has ${n}`);
  }
  const parents = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const l = tree.left[i];
    const r = tree.right[i];
    if (l === -1 && r === -1) {
      if (!Number.isFinite(tree.value[i])) throw new Error(`${where} node ${i}: leaf value ${tree.value[i]} is not finite`);
      continue;
    }
    if (l === -1 || r === -1) throw new Error(`${where} node ${i}: has only one child (left ${l}, right ${r})`);
    const f = tree.feature[i];
    if (!Number.isInteger(f) || f < 0 || f >= numFeatures) {
      throw new Error(`${where} node ${i}: feature ${f} is outside [0, ${numFeatures})`);
    }
    if (Number.isNaN(tree.threshold[i])) throw new Error(`${where} node ${i}: threshold is NaN`);
    for (const c of [l, r]) {
      if (!Number.isInteger(c) || c <= 0 || c >= n) throw new Error(`${where} node ${i}: child ${c} is outside [1, ${n})`);
      if (parents[c] !== -1) throw new Error(`${where} node ${c}: has two parents (${parents[c]} and ${i})`);
      parents[c] = i;
    }
  }
  // Every node but the root has exactly one parent; a cycle or a stray node shows up as unreachable.
  const seen = new Uint8Array(n);
  const stack = [0];
  let reached = 0;
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen[i]) throw new Error(`${where} node ${i}: reached twice (cycle)`);
    seen[i] = 1;
    reached++;
    if (tree.left[i] !== -1) stack.push(tree.left[i], tree.right[i]);
  }
  if (reached !== n) {
    const stray = seen.findIndex((s) => s === 0);
    throw new Error(`${where} node ${stray}: not reachable from the root (node 0)`);
  }
}
