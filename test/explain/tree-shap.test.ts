/**
 * @module TreeSHAP is exact: it matches Shapley values enumerated over every feature subset of the
 * path-dependent conditional expectation, and contributions plus the expected margin give the margin.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverFromData, coverProblem, TreeExplainer } from '../../src/explain/index.ts';
import { leafIndex, margin } from '../../src/trees/evaluate.ts';
import type { Tree, TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { randomEnsemble, randomRows } from '../helpers/random-ensemble.ts';

/** v(S): the tree's expected value knowing only the features in S (Lundberg et al. Algorithm 1). */
function conditional(tree: Tree, x: ArrayLike<number>, offset: number, known: Set<number>, node = 0): number {
  if (tree.left[node] === -1) return tree.value[node];
  const l = tree.left[node];
  const r = tree.right[node];
  const f = tree.feature[node];
  if (known.has(f)) {
    const v = x[offset + f];
    const goLeft = v !== v ? tree.missingLeft[node] : Math.fround(v) <= Math.fround(tree.threshold[node]);
    return conditional(tree, x, offset, known, goLeft ? l : r);
  }
  const c = tree.cover[l] + tree.cover[r];
  if (!(c > 0)) return 0;
  return (tree.cover[l] * conditional(tree, x, offset, known, l) + tree.cover[r] * conditional(tree, x, offset, known, r)) / c;
}

/** Shapley values by enumerating all 2^M subsets. */
function bruteForce(model: TreeEnsemble, x: ArrayLike<number>, offset = 0): Float64Array {
  const m = model.numFeatures;
  const fact = [1];
  for (let i = 1; i <= m; i++) fact.push(fact[i - 1] * i);
  const v = new Float64Array(1 << m);
  for (let mask = 0; mask < 1 << m; mask++) {
    const known = new Set<number>();
    for (let j = 0; j < m; j++) if (mask & (1 << j)) known.add(j);
    v[mask] = model.trees.reduce((s, t) => s + conditional(t, x, offset, known), 0);
  }
  const phi = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << j)) continue;
      let size = 0;
      for (let k = 0; k < m; k++) if (mask & (1 << k)) size++;
      phi[j] += ((fact[size] * fact[m - size - 1]) / fact[m]) * (v[mask | (1 << j)] - v[mask]);
    }
  }
  return phi;
}

/** The margin in exact (float64) arithmetic: what the contributions explain. */
function margin64(model: TreeEnsemble, x: ArrayLike<number>, offset = 0): number {
  return model.trees.reduce((s, t) => s + t.value[leafIndex(t, x, offset)], model.baseScore);
}

describe('TreeExplainer', () => {
  it('matches brute-force Shapley values on small ensembles (≤ 6 features, repeated features, NaNs, zero covers)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (seed, numFeatures, maxDepth) => {
        const model = randomEnsemble({ seed, numTrees: 3, maxDepth, numFeatures, leafScale: 1 });
        const explainer = new TreeExplainer(model);
        const rows = randomRows(model, 5, seed + 100, 0.2);
        for (let r = 0; r < 5; r++) {
          const phi = explainer.explain(rows, undefined, r * numFeatures);
          const exact = bruteForce(model, rows, r * numFeatures);
          for (let j = 0; j < numFeatures; j++) expect(Math.abs(phi[j] - exact[j])).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });

  it('gives contributions that add up, with the expected margin, to the margin of every row (random ensembles of 200 trees, depth 6)', () => {
    let worst64 = 0;
    let worst32 = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const model = randomEnsemble({ seed, numTrees: 200, maxDepth: 6, numFeatures: 30 });
      const explainer = new TreeExplainer(model);
      const rows = randomRows(model, 300, seed + 7);
      const phi = new Float64Array(30);
      for (let r = 0; r < 300; r++) {
        explainer.explain(rows, phi, r * 30);
        const total = phi.reduce((s, p) => s + p, explainer.expectedValue);
        worst64 = Math.max(worst64, Math.abs(total - margin64(model, rows, r * 30)));
        worst32 = Math.max(worst32, Math.abs(total - margin(model, rows, r * 30)));
      }
    }
    expect(worst64).toBeLessThan(1e-9);
    // The evaluator (like ONNX Runtime) sums in float32, a few ulps away.
    expect(worst32).toBeLessThan(1e-5);
  });

  it('takes the evaluator\'s default direction for a missing value', () => {
    // One split on feature 0; NaN goes right (missingLeft false), to the +1 leaf.
    const tree: Tree = { feature: [0, 0, 0], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], missingLeft: [false, false, false], value: [0, -1, 1], cover: [4, 3, 1] };
    const model: TreeEnsemble = { numFeatures: 2, baseScore: 0, trees: [tree] };
    const explainer = new TreeExplainer(model);
    expect(explainer.expectedValue).toBeCloseTo(-0.5, 12);
    expect(Array.from(explainer.explain([NaN, 7]))).toEqual([1.5, 0]);
    expect(Array.from(explainer.explain([0.5, NaN]))).toEqual([-0.5, 0]);
  });

  it('refuses an ensemble without cover, and explains it once cover is counted over reference rows', () => {
    const model = randomEnsemble({ seed: 5, numTrees: 30, maxDepth: 4, numFeatures: 6 });
    const bare = { ...model, trees: model.trees.map((t) => ({ ...t, cover: t.cover.map(() => 0) })) };
    expect(coverProblem(bare)).toMatch(/^tree 0 has no node cover \(root cover 0\)/);
    expect(() => new TreeExplainer(bare)).toThrow(/coverFromData/);

    const reference = randomRows(model, 500, 9);
    const counted = coverFromData(bare, reference);
    for (const t of counted.trees) {
      expect(t.cover[0]).toBe(500);
      for (let i = 0; i < t.left.length; i++) if (t.left[i] !== -1) expect(t.cover[t.left[i]] + t.cover[t.right[i]]).toBe(t.cover[i]);
    }
    const explainer = new TreeExplainer(counted);
    // With row counts as cover, the expected margin is the mean margin over the reference rows.
    let mean = 0;
    for (let r = 0; r < 500; r++) mean += margin64(counted, reference, r * 6) / 500;
    expect(explainer.expectedValue).toBeCloseTo(mean, 9);
    const phi = explainer.explain(reference, undefined, 6);
    const exact = bruteForce(counted, reference, 6);
    phi.forEach((p, j) => expect(p).toBeCloseTo(exact[j], 9));
  });

  it('treats a leaf-only ensemble as all expected value', () => {
    const model: TreeEnsemble = { numFeatures: 3, baseScore: Math.fround(-2), trees: [{ feature: [0], threshold: [0], left: [-1], right: [-1], missingLeft: [false], value: [Math.fround(0.25)], cover: [0] }] };
    const explainer = new TreeExplainer(model);
    expect(explainer.expectedValue).toBe(-1.75);
    expect(Array.from(explainer.explain([1, 2, 3]))).toEqual([0, 0, 0]);
  });
});
