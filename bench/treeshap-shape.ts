/** @module Leaf count and depths of an ensemble, to state the shape a TreeSHAP timing was taken on. */
import type { TreeEnsemble } from '../src/trees/tree-ensemble.ts';

/** Total leaves, mean and maximum leaf depth. */
export function leafDepths(model: TreeEnsemble): { leaves: number; mean: number; max: number } {
  let leaves = 0;
  let sum = 0;
  let max = 0;
  for (const t of model.trees) {
    const stack: [number, number][] = [[0, 0]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (t.left[node] === -1) {
        leaves++;
        sum += depth;
        max = Math.max(max, depth);
      } else stack.push([t.left[node], depth + 1], [t.right[node], depth + 1]);
    }
  }
  return { leaves, mean: sum / Math.max(1, leaves), max };
}
