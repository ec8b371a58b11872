/** @module Parity: the TS evaluator against ONNX Runtime on random ensembles, converted graphs and an skl2onnx model. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxToTreeEnsemble } from '../../src/onnx/onnx-to-tree-ensemble.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import { randomEnsemble, randomRows, withMixedBranchModes } from '../helpers/random-ensemble.ts';

const sklearnDir = new URL('../../../shared/fixtures/interop/onnx-sklearn/', import.meta.url);

function compare(ort: ArrayLike<number>, ts: ArrayLike<number>): { maxAbsDiff: number; identicalShare: number } {
  expect(ort.length).toBe(ts.length);
  let maxAbsDiff = 0;
  let identical = 0;
  for (let i = 0; i < ort.length; i++) {
    const d = Math.abs(ort[i] - ts[i]);
    if (!(d <= maxAbsDiff)) maxAbsDiff = d; // NaN on either side becomes the maximum and fails the bound
    if (ort[i] === ts[i]) identical++;
  }
  return { maxAbsDiff, identicalShare: identical / ort.length };
}

describe('TS evaluator vs ONNX Runtime on 200 random trees, 10,000 rows', () => {
  const model = randomEnsemble({ seed: 1, numTrees: 200, maxDepth: 6, numFeatures: 30 });
  const numRows = 10_000;
  const rows = randomRows(model, numRows, 17);
  const rows32 = Float32Array.from(rows);
  const bytes = treeEnsembleToOnnx(model);
  let scorer: OnnxScorer;
  beforeAll(async () => { scorer = await OnnxScorer.load(bytes); });
  afterAll(async () => { await scorer.release(); });

  it('feeds rows with ~15% NaN, values on thresholds and values equal to one only after float32 rounding', () => {
    const thresholds = new Set(model.trees.flatMap((t) => t.threshold.filter((_, i) => t.left[i] !== -1)));
    let nan = 0;
    let onThreshold = 0;
    let roundsOnto = 0;
    for (const v of rows) {
      if (Number.isNaN(v)) nan++;
      else if (thresholds.has(v)) onThreshold++;
      else if (thresholds.has(Math.fround(v))) roundsOnto++;
    }
    expect(nan / rows.length).toBeGreaterThan(0.13);
    expect(nan / rows.length).toBeLessThan(0.17);
    expect(onThreshold).toBeGreaterThan(5000);
    expect(roundsOnto).toBeGreaterThan(5000);
  });

  it('agrees within 1e-6 (in practice bit for bit) with one intra-op thread', async () => {
    const ort = await scorer.score(rows32, numRows);
    // The TS side gets the float64 rows: it must round them to float32 as ORT's input tensor does.
    const { maxAbsDiff, identicalShare } = compare(ort, predictProba(model, rows));
    expect(maxAbsDiff).toBeLessThanOrEqual(1e-6);
    expect(identicalShare).toBeGreaterThanOrEqual(0.999);
  });

  it('agrees row by row when scored one row at a time', async () => {
    const f = model.numFeatures;
    const ort: number[] = [];
    for (let i = 0; i < 300; i++) ort.push(...(await scorer.score(rows32.subarray(i * f, (i + 1) * f), 1)));
    const { maxAbsDiff } = compare(ort, predictProba(model, rows32.subarray(0, 300 * f)));
    expect(maxAbsDiff).toBeLessThanOrEqual(1e-6);
  });

  it('stays within 1e-6 with two intra-op threads, although ORT then sums trees in two blocks', async () => {
    const two = await OnnxScorer.load(bytes, { intraOpNumThreads: 2 });
    try {
      const { maxAbsDiff } = compare(await two.score(rows32, numRows), predictProba(model, rows32));
      expect(maxAbsDiff).toBeLessThanOrEqual(1e-6);
    } finally {
      await two.release();
    }
  });

  it('scores a graph using BRANCH_LT/GT/GTE like the TS evaluator scores what the reader makes of it', async () => {
    const mixed = await OnnxScorer.load(withMixedBranchModes(bytes));
    try {
      const back = onnxToTreeEnsemble(withMixedBranchModes(bytes)).model;
      const { maxAbsDiff } = compare(await mixed.score(rows32, numRows), predictProba(back, rows32));
      expect(maxAbsDiff).toBeLessThanOrEqual(1e-6);
    } finally {
      await mixed.release();
    }
  });
});

describe('skl2onnx TreeEnsembleClassifier (10 trees, LOGISTIC, no ZipMap)', () => {
  const bytes = new Uint8Array(readFileSync(new URL('skl2onnx_treecl2_binary_logistic_nozipmap.onnx', sklearnDir)));
  const csv = readFileSync(new URL('treecl2_inputs.csv', sklearnDir), 'utf8').trim().split('\n');
  const numFeatures = csv[0].split(',').length;
  const given = Float32Array.from(csv.slice(1).flatMap((line) => line.split(',').map(Number)));

  it('our reader + TS evaluator match ONNX Runtime on the fixture rows and on perturbed rows with NaNs', async () => {
    const { model } = onnxToTreeEnsemble(bytes, { numFeatures });
    const scorer = await OnnxScorer.load(bytes, { numFeatures });
    try {
      const p = await scorer.score(given, given.length / numFeatures);
      expect(p).toHaveLength(3);
      expect(compare(p, predictProba(model, given)).maxAbsDiff).toBeLessThanOrEqual(1e-6);
      // Three rows barely exercise the trees; random rows on its thresholds do.
      const more = Float32Array.from(randomRows(model, 2000, 5));
      expect(compare(await scorer.score(more, 2000), predictProba(model, more)).maxAbsDiff).toBeLessThanOrEqual(1e-6);
    } finally {
      await scorer.release();
    }
  });
});
