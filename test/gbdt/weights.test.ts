/** @module Sample weights in training: what they must change (gradients, base score, losses) and what they must not. */
import { describe, expect, it } from 'vitest';
import type { TrainParamsInput } from '../../src/gbdt/params.ts';
import { train, type TrainingSet } from '../../src/gbdt/train.ts';
import { logLoss as metricLogLoss, rocAuc } from '../../src/metrics/index.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { table } from './tiny-data.ts';

// Features on a 40-value grid (plus NaN), so every value has its own bin with or without duplicated
// rows: binning is then identical and only the weighting itself can differ.
const grid = (_f: number, r: () => number) => (r() < 0.1 ? NaN : Math.floor(r() * 40) / 40);
const rule = (x: Float32Array, r: () => number) => (r() < 1 / (1 + Math.exp(-(4 * x[0] - 3 + 2 * (x[1] > 0.5 ? 1 : 0) * x[2]))) ? 1 : 0);
const data = table(4000, 5, 31, rule, grid);
const test = table(4000, 5, 32, rule, grid);

/** Positives weigh 2; `dup` is the same data with those rows written twice instead. */
function doubledPositives(d: TrainingSet): { weighted: TrainingSet; dup: TrainingSet } {
  const weights = new Float32Array(d.numRows).fill(1);
  const rows: number[] = [];
  for (let i = 0; i < d.numRows; i++) {
    rows.push(i);
    if (d.labels[i] === 1) {
      weights[i] = 2;
      rows.push(i);
    }
  }
  const nf = d.numFeatures;
  const x = new Float32Array(rows.length * nf);
  rows.forEach((r, k) => x.set(d.x.subarray(r * nf, (r + 1) * nf), k * nf));
  return { weighted: { ...d, weights }, dup: { x, numRows: rows.length, numFeatures: nf, labels: Float32Array.from(rows, (r) => d.labels[r]) } };
}

const meanAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
const structure = (m: TreeEnsemble) => JSON.stringify(m.trees.map((t) => [t.feature, t.threshold, t.left, t.right, t.missingLeft]));
const leafValues = (m: TreeEnsemble) => m.trees.flatMap((t) => t.value.filter((_, i) => t.left[i] < 0));

describe('integer weights behave like duplicated rows', () => {
  const { weighted, dup } = doubledPositives(data);
  // Not bit for bit: a weight-2 row is quantized once (one stochastic rounding of 2g) where its two
  // copies are quantized twice with different noise, and exact leaf sums add in a different order.
  // Both are unbiased, so splits agree wherever gains are not nearly tied, and models stay close.
  it.each(['levelwise', 'indexed'] as const)('grow the same first trees (%s)', async (engine) => {
    const params = { numTrees: 3, learningRate: 0.3, earlyStoppingRounds: 0, minDataInLeaf: 1, maxDepth: 3, maxLeaves: engine === 'indexed' ? 6 : 8, engine };
    const a = await train(weighted, params);
    const b = await train(dup, params);
    expect(a.model.baseScore).toBe(b.model.baseScore);
    expect(structure(a.model)).toBe(structure(b.model));
    const [va, vb] = [leafValues(a.model), leafValues(b.model)];
    va.forEach((v, i) => expect(v).toBeCloseTo(vb[i], 6));
  });

  it.each(['levelwise', 'indexed'] as const)('stay close over many trees, much closer than ignoring the weights (%s)', async (engine) => {
    const params = { numTrees: 50, earlyStoppingRounds: 0, minDataInLeaf: 1, maxDepth: 4, maxLeaves: engine === 'indexed' ? 12 : 16, engine };
    const pw = predictProba((await train(weighted, params)).model, test.x);
    const pd = predictProba((await train(dup, params)).model, test.x);
    const pu = predictProba((await train(data, params)).model, test.x);
    expect(meanAbsDiff(pw, pd)).toBeLessThan(0.02);
    expect(meanAbsDiff(pw, pd)).toBeLessThan(0.25 * meanAbsDiff(pu, pd));
    expect(Math.abs(rocAuc(test.labels, pw) - rocAuc(test.labels, pd))).toBeLessThan(0.005);
  });
});

describe('weights that change nothing', () => {
  it.each<[string, TrainParamsInput]>([
    ['levelwise', { engine: 'levelwise' }],
    ['indexed', { engine: 'indexed', maxDepth: 0, maxLeaves: 12 }],
    ['scalePosWeight and sampling', { scalePosWeight: 3, subsample: 0.7, colsample: 0.8 }],
  ])('all-ones weights give the model of no weights, bit for bit (%s)', async (_name, extra) => {
    const params = { numTrees: 20, earlyStoppingRounds: 0, minDataInLeaf: 5, ...extra };
    const plain = await train(data, params);
    const ones = await train({ ...data, weights: new Float32Array(data.numRows).fill(1) }, params);
    expect(JSON.stringify(ones.model)).toBe(JSON.stringify(plain.model));
  });
});

describe('what weights change', () => {
  it('starts from the weighted log-odds', async () => {
    const weights = Float32Array.from(data.labels, (y, i) => (y === 1 ? 3 : 1 + (i % 2)));
    const res = await train({ ...data, weights }, { numTrees: 1, earlyStoppingRounds: 0 });
    let pos = 0;
    let neg = 0;
    data.labels.forEach((y, i) => (y === 1 ? (pos += weights[i]) : (neg += weights[i])));
    expect(res.model.baseScore).toBe(Math.fround(Math.log(pos / neg)));
  });

  it('weights the validation loss that early stopping watches', async () => {
    const valid = { ...test, weights: Float32Array.from({ length: test.numRows }, (_, i) => (i % 5 === 0 ? 10 : 1)) };
    const res = await train(data, { numTrees: 1, earlyStoppingRounds: 5 }, { valid });
    const p = predictProba(res.model, valid.x);
    expect(res.history[0].validLoss).toBeCloseTo(metricLogLoss(valid.labels, p, valid.weights), 6);
    expect(res.history[0].validLoss).not.toBeCloseTo(metricLogLoss(valid.labels, p), 3);
  });

  it('counts weighted hessians toward minChildWeight', async () => {
    // 200 rows near p = 0.5 hold a hessian of about 50: no split leaves 40 on both sides, until each row weighs 10.
    const small = table(200, 2, 33, (x) => (x[0] > 0.5 ? 1 : 0));
    const params = { numTrees: 1, earlyStoppingRounds: 0, minChildWeight: 40, minDataInLeaf: 1 };
    const leaves = (m: TreeEnsemble) => m.trees[0].left.filter((l) => l < 0).length;
    expect(leaves((await train(small, params)).model)).toBe(1);
    expect(leaves((await train({ ...small, weights: new Float32Array(200).fill(10) }, params)).model)).toBeGreaterThan(1);
  });
});

describe('minDataInLeaf stays a row count under weights', () => {
  // 10 heavy positives at the top of feature 0 are worth isolating; by hessian share (about 1000 of
  // 3000) they look like a third of the rows, but they are 10 rows, and minDataInLeaf is 20.
  const base = table(2000, 2, 34, (_x, r) => (r() < 0.05 ? 1 : 0));
  const weights = new Float32Array(base.numRows).fill(1);
  for (let i = 0; i < 10; i++) {
    base.x[i * 2] = 2; // above every other value
    base.labels[i] = 1;
    weights[i] = 100;
  }
  const minCover = (m: TreeEnsemble) => Math.min(...m.trees.flatMap((t) => t.cover.filter((_, i) => t.left[i] < 0)));
  it.each<[string, TrainParamsInput]>([
    ['levelwise', { engine: 'levelwise' }],
    ['indexed', { engine: 'indexed', maxDepth: 0, maxLeaves: 16 }],
  ])('%s', async (_name, extra) => {
    const params = { numTrees: 5, earlyStoppingRounds: 0, ...extra };
    expect(minCover((await train({ ...base, weights }, { ...params, minDataInLeaf: 20 })).model)).toBeGreaterThanOrEqual(20);
    // The split the limit forbids is there to take: with a lower limit the 10 rows get their own leaf.
    expect(minCover((await train({ ...base, weights }, { ...params, minDataInLeaf: 5 })).model)).toBeLessThan(20);
  });
});

describe('train rejects bad weights, naming the row', () => {
  const ok = table(100, 2, 1, (x) => (x[0] > 0.5 ? 1 : 0));
  const withWeight = (i: number, w: number) => Float32Array.from({ length: 100 }, (_, k) => (k === i ? w : 1));
  it.each([
    ['a negative weight', withWeight(6, -2), /^training data row 7: weight must be a finite number >= 0, got -2$/],
    ['a NaN weight', withWeight(0, NaN), /^training data row 1: weight must be a finite number >= 0, got NaN$/],
    ['an infinite weight', withWeight(99, Infinity), /^training data row 100: weight must be a finite number >= 0, got Infinity$/],
    ['too few weights', new Float32Array(99).fill(1), /^training data: 99 weights for 100 rows$/],
    ['only zero weights', new Float32Array(100), /^training data: every weight is 0, so there is nothing to learn or measure$/],
  ])('%s', async (_name, weights, message) => {
    await expect(train({ ...ok, weights }, { numTrees: 1 })).rejects.toThrow(message);
  });

  it('in the validation set too', async () => {
    await expect(train(ok, { numTrees: 1 }, { valid: { ...ok, weights: withWeight(2, NaN) } })).rejects.toThrow(
      /^validation data row 3: weight must be a finite number >= 0, got NaN$/,
    );
  });
});
