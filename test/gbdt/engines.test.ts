import { describe, expect, it } from 'vitest';
import { train, type TrainingSet } from '../../src/gbdt/train.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import { leafCount, treeDepth } from '../../src/trees/tree-ensemble.ts';
import { table } from './tiny-data.ts';

/** Alert-like data: numeric, flag-like and categorical-like columns, 12% missing, an interaction. */
function mixed(n: number, seed: number): TrainingSet {
  return table(n, 12, seed, (x, r) => ((x[0] > 0.6 && x[5] === 1) || x[2] !== x[2] || r() < 0.04 ? 1 : 0), (f, r) => {
    if (r() < 0.12) return NaN;
    if (f >= 4 && f < 8) return r() < 0.3 ? 1 : 0; // flags
    if (f >= 8) return Math.floor(r() * 6); // small categories
    return r();
  });
}

/** Feedback-loop weights: most rows 1, a below-the-line sample 50 (1/r for r = 2%), a few 0. */
function sampleWeights(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 37 === 0 ? 50 : i % 101 === 0 ? 0 : 1));
}

describe('the two growth engines', () => {
  it.each([
    ['plain', {}, false],
    ['row and column sampling', { subsample: 0.7, colsample: 0.6 }, false],
    ['class weighting and shallow trees', { scalePosWeight: 5, maxDepth: 3, maxLeaves: 8 }, false],
    ['sample weights', {}, true],
    ['sample weights, sampling and class weighting', { subsample: 0.7, colsample: 0.6, scalePosWeight: 3, minDataInLeaf: 30 }, true],
  ])('grow bit-identical models for depth-bound trees (%s)', async (_name, extra, weighted) => {
    const data = mixed(6000, 21);
    if (weighted) data.weights = sampleWeights(data.numRows);
    const params = { numTrees: 25, earlyStoppingRounds: 0, minDataInLeaf: 5, ...extra };
    const level = await train(data, { ...params, engine: 'levelwise' });
    const indexed = await train(data, { ...params, engine: 'indexed' });
    expect(level.timings.engine).toBe('levelwise');
    expect(indexed.timings.engine).toBe('indexed');
    expect(predictProba(level.model, data.x)).toEqual(predictProba(indexed.model, data.x));
  });

  it('auto picks levelwise only when the leaf budget cannot bind', async () => {
    const data = mixed(500, 22);
    expect((await train(data, { numTrees: 2, maxDepth: 4, maxLeaves: 16 })).timings.engine).toBe('levelwise');
    expect((await train(data, { numTrees: 2, maxDepth: 4, maxLeaves: 15 })).timings.engine).toBe('indexed');
    expect((await train(data, { numTrees: 2, maxDepth: 0, maxLeaves: 15 })).timings.engine).toBe('indexed');
  });

  it('refuses levelwise where it would change the tree', async () => {
    await expect(train(mixed(100, 23), { engine: 'levelwise', maxDepth: 6, maxLeaves: 31 })).rejects.toThrow(
      'training parameter engine: levelwise needs 1 <= maxDepth <= 12 and maxLeaves >= 2^maxDepth (got maxDepth 6, maxLeaves 31)',
    );
  });

  it.each([
    ['levelwise', false],
    ['indexed', false],
    ['levelwise', true],
    ['indexed', true],
  ] as const)('%s gives the same model on 1 and 2 threads (sample weights: %s)', async (engine, weighted) => {
    // 70k × 30 cells is above the size at which a second thread is used.
    const data = table(70_000, 30, 24, (x, r) => (x[0] * x[1] + 0.2 * r() > 0.5 ? 1 : 0), (_f, r) => (r() < 0.1 ? NaN : r()));
    if (weighted) data.weights = sampleWeights(data.numRows);
    const params = { numTrees: 4, earlyStoppingRounds: 0, subsample: 0.8, maxLeaves: engine === 'indexed' ? 40 : 64, engine };
    const one = await train(data, { ...params, threads: 1 });
    const two = await train(data, { ...params, threads: 2 });
    expect(two.timings.threads).toBe(2);
    expect(JSON.stringify(two.model)).toBe(JSON.stringify(one.model));
  });

  it('reach the same quality when the indexed engine grows best-first under a binding leaf budget', async () => {
    const data = mixed(4000, 25);
    const test = mixed(4000, 26);
    const level = await train(data, { numTrees: 40, earlyStoppingRounds: 0, maxDepth: 3, maxLeaves: 8 });
    const indexed = await train(data, { numTrees: 40, earlyStoppingRounds: 0, maxDepth: 6, maxLeaves: 8 });
    expect(indexed.timings.engine).toBe('indexed');
    expect(indexed.model.trees.some((t) => treeDepth(t) > 3)).toBe(true);
    for (const t of indexed.model.trees) expect(leafCount(t)).toBeLessThanOrEqual(8);
    const accuracy = (p: Float64Array) => p.filter((v, i) => (v >= 0.5 ? 1 : 0) === test.labels[i]).length / p.length;
    expect(Math.abs(accuracy(predictProba(level.model, test.x)) - accuracy(predictProba(indexed.model, test.x)))).toBeLessThan(0.02);
  });
});
