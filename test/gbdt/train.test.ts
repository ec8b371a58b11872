import { describe, expect, it } from 'vitest';
import { train } from '../../src/gbdt/train.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import { treeDepth, leafCount } from '../../src/trees/tree-ensemble.ts';
import { accuracy, table } from './tiny-data.ts';

const xor = (x: Float32Array) => ((x[0] > 0.5) !== (x[1] > 0.5) ? 1 : 0);

describe('train', () => {
  it('learns an interaction no single feature explains (XOR)', async () => {
    const data = table(4000, 4, 1, xor);
    const test = table(2000, 4, 2, xor);
    const { model } = await train(data, { numTrees: 40, maxDepth: 3, learningRate: 0.3, earlyStoppingRounds: 0 });
    expect(accuracy(predictProba(model, test.x), test.labels)).toBeGreaterThan(0.97);
  });

  it('learns from the pattern of missing values', async () => {
    // The label is exactly "feature 0 is missing"; nothing else carries signal.
    const rule = (x: Float32Array, rand: () => number) => {
      const missing = rand() < 0.3;
      if (missing) x[0] = NaN;
      return missing ? 1 : 0;
    };
    const data = table(3000, 3, 3, rule);
    const test = table(1000, 3, 4, rule);
    const { model } = await train(data, { numTrees: 20, learningRate: 0.3, earlyStoppingRounds: 0 });
    expect(accuracy(predictProba(model, test.x), test.labels)).toBe(1);
  });

  it('routes missing values the learned way when training saw them only on one side', async () => {
    // Missing rows are all positive, as are high values: NaN must follow the high side.
    const rule = (x: Float32Array, rand: () => number) => {
      if (rand() < 0.2) { x[0] = NaN; return 1; }
      return x[0] > 0.7 ? 1 : 0;
    };
    const data = table(4000, 2, 5, rule);
    const { model } = await train(data, { numTrees: 10, learningRate: 0.5, earlyStoppingRounds: 0 });
    const [pNan, pLow] = predictProba(model, Float32Array.of(NaN, 0.5, 0.1, 0.5));
    expect(pNan).toBeGreaterThan(0.9);
    expect(pLow).toBeLessThan(0.1);
  });

  it('is deterministic for a seed, including row and column sampling', async () => {
    const data = table(3000, 6, 6, (x, r) => (x[2] + 0.3 * r() > 0.8 ? 1 : 0));
    const params = { numTrees: 15, subsample: 0.7, colsample: 0.5, seed: 9, earlyStoppingRounds: 0 };
    const a = await train(data, params);
    const b = await train(data, params);
    const c = await train(data, { ...params, seed: 10 });
    expect(JSON.stringify(a.model)).toBe(JSON.stringify(b.model));
    expect(JSON.stringify(a.model)).not.toBe(JSON.stringify(c.model));
  });

  it('gives the same model with worker threads as without', async () => {
    // 80k × 30 cells crosses the threshold at which a second thread is used.
    const data = table(80_000, 30, 7, (x, r) => (x[0] * x[1] + 0.2 * r() > 0.5 ? 1 : 0), (f, r) => (r() < 0.1 ? NaN : r()));
    const params = { numTrees: 5, earlyStoppingRounds: 0 };
    const serial = await train(data, { ...params, threads: 1 });
    const parallel = await train(data, { ...params, threads: 2 });
    expect(parallel.timings.threads).toBe(2);
    expect(serial.timings.threads).toBe(1);
    expect(JSON.stringify(parallel.model)).toBe(JSON.stringify(serial.model));
  });

  it('stops early when validation loss stops improving and keeps the best trees', async () => {
    // Pure noise: validation loss can only get worse after the first few trees.
    const noise = (_x: Float32Array, r: () => number) => (r() < 0.3 ? 1 : 0);
    const data = table(2000, 5, 8, noise);
    const valid = table(1000, 5, 9, noise);
    const res = await train(data, { numTrees: 500, earlyStoppingRounds: 10, minDataInLeaf: 5 }, { valid });
    expect(res.stoppedEarly).toBe(true);
    expect(res.history.length).toBeLessThan(500);
    expect(res.treesKept).toBe(res.history.length - 10);
    const losses = res.history.map((h) => h.validLoss!);
    expect(Math.min(...losses)).toBe(losses[res.treesKept - 1]);
    expect(res.model.trees).toHaveLength(res.treesKept);
  });

  it('respects max depth and max leaves', async () => {
    const data = table(5000, 8, 10, (x) => (x[0] + x[1] * x[2] + x[3] > 1.2 ? 1 : 0));
    const { model } = await train(data, { numTrees: 5, maxDepth: 3, maxLeaves: 64, earlyStoppingRounds: 0, minDataInLeaf: 1 });
    for (const t of model.trees) expect(treeDepth(t)).toBeLessThanOrEqual(3);
    const byLeaves = await train(data, { numTrees: 5, maxDepth: 0, maxLeaves: 5, earlyStoppingRounds: 0, minDataInLeaf: 1 });
    for (const t of byLeaves.model.trees) expect(leafCount(t)).toBeLessThanOrEqual(5);
    expect(byLeaves.model.trees.some((t) => leafCount(t) === 5)).toBe(true);
  });

  it('weights positives with scalePosWeight', async () => {
    const data = table(4000, 3, 11, (x, r) => (r() < 0.05 + 0.1 * x[0] ? 1 : 0));
    const plain = await train(data, { numTrees: 10, earlyStoppingRounds: 0 });
    const weighted = await train(data, { numTrees: 10, earlyStoppingRounds: 0, scalePosWeight: 10 });
    const mean = (p: Float64Array) => p.reduce((a, b) => a + b, 0) / p.length;
    expect(mean(predictProba(weighted.model, data.x))).toBeGreaterThan(2 * mean(predictProba(plain.model, data.x)));
  });

  it('honours sample weights: zero-weight rows do not shape the model', async () => {
    const data = table(3000, 2, 12, (x) => (x[0] > 0.5 ? 1 : 0));
    // Flip the labels of half the rows but give them zero weight.
    const weights = new Float32Array(data.numRows).fill(1);
    for (let i = 0; i < data.numRows; i += 2) { data.labels[i] = 1 - data.labels[i]; weights[i] = 0; }
    const { model } = await train({ ...data, weights }, { numTrees: 20, learningRate: 0.3, earlyStoppingRounds: 0 });
    const [pHigh, pLow] = predictProba(model, Float32Array.of(0.9, 0.5, 0.1, 0.5));
    expect(pHigh).toBeGreaterThan(0.9);
    expect(pLow).toBeLessThan(0.1);
  });
});

describe('train rejects bad input with a message naming the problem', () => {
  const ok = table(100, 2, 1, (x) => (x[0] > 0.5 ? 1 : 0));
  it.each([
    ['a label that is not 0/1', { ...ok, labels: Float32Array.from(ok.labels, (y, i) => (i === 4 ? 2 : y)) }, {}, /training data row 5: label must be 0 or 1, got 2/],
    ['a matrix of the wrong size', { ...ok, x: ok.x.subarray(1) }, {}, /feature matrix has 199 values, expected 100 rows × 2 features/],
    ['a negative weight', { ...ok, weights: new Float32Array(100).fill(-1) }, {}, /training data row 1: weight must be a finite number >= 0, got -1/],
    ['an unknown parameter', ok, { maxLeafs: 8 }, /training parameter maxLeafs: Unrecognized key/],
    ['an out-of-range parameter', ok, { learningRate: 0 }, /training parameter learningRate: Too small/],
  ])('%s', async (_name, data, params, message) => {
    await expect(train(data, params as object)).rejects.toThrow(message);
  });
});
