/** @module leafIndices: the leaf each tree reaches, the per-tree view behind leaf-index parity with other tools. */
import { describe, expect, it } from 'vitest';
import { leafIndex, leafIndices } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { randomEnsemble, randomRows } from '../helpers/random-ensemble.ts';

describe('leafIndices', () => {
  it('gives, per tree in order, the leaf leafIndex reaches, for rows at any offset', () => {
    const model = randomEnsemble({ seed: 3, numTrees: 25 });
    const rows = randomRows(model, 50, 9);
    for (let r = 0; r < 50; r++) {
      const got = leafIndices(model, rows, r * model.numFeatures);
      expect(Array.from(got)).toEqual(model.trees.map((t) => leafIndex(t, rows, r * model.numFeatures)));
      got.forEach((node, t) => expect(model.trees[t].left[node]).toBe(-1));
    }
  });

  it('routes NaN by missingLeft and a value equal to the threshold left', () => {
    const model: TreeEnsemble = {
      numFeatures: 1, baseScore: 0,
      trees: [{ feature: [0, 0, 0], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], missingLeft: [false, false, false], value: [0, -1, 1], cover: [0, 0, 0] }],
    };
    expect(Array.from(leafIndices(model, [0.5]))).toEqual([1]);
    expect(Array.from(leafIndices(model, [NaN]))).toEqual([2]);
    expect(Array.from(leafIndices(model, [0.6]))).toEqual([2]);
  });
});
