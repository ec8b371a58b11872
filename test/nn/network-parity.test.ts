import { describe, expect, it } from 'vitest';
import { encodeColumns, inferFeatureSpec } from '../../src/features/index.ts';
import { parseNetworkParams } from '../../src/nn/params.ts';
import { predictNetwork, trainNetwork } from '../../src/nn/train-network.ts';
import { networkToOnnx } from '../../src/onnx/mlp-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { ALERT_COLUMN_NAMES } from '../../src/synth/columns.ts';
import { generateAlertTable } from '../../src/synth/generate.ts';

const EXCLUDE = ['alert_id', 'occurred_at', 'entity_id', 'is_true_positive'];

function encoded(rows: number, seed: number, spec?: ReturnType<typeof inferFeatureSpec>['spec']) {
  const table = generateAlertTable({ rows, seed });
  const s = spec ?? inferFeatureSpec(table, { exclude: EXCLUDE }).spec;
  const labels = Float32Array.from(table.columns[ALERT_COLUMN_NAMES.indexOf('is_true_positive')], Number);
  return { spec: s, set: { x: encodeColumns(table, s), labels, numRows: rows, numFeatures: s.features.length } };
}

describe('a tfjs network scores the same in tfjs and, exported with its preprocessing, in ONNX Runtime', () => {
  const { spec, set: train } = encoded(5_000, 21);
  const { set: valid } = encoded(1_000, 22, spec);
  const { set: test } = encoded(2_000, 23, spec);

  it.each(['mlp', 'logreg'] as const)('%s agrees within 1e-5 on 2,000 encoded alerts with missing values', async (algo) => {
    expect(test.x.some((v) => Number.isNaN(v))).toBe(true);
    const params = parseNetworkParams(algo, { epochs: 3, batchSize: 256 });
    const { model, history } = await trainNetwork(spec, train, valid, params);
    expect(history.length).toBe(3);
    const tfjs = await predictNetwork(model, test.x, test.numRows);
    const scorer = await OnnxScorer.load(networkToOnnx(model));
    try {
      const ort = await scorer.score(test.x, test.numRows);
      let maxDiff = 0;
      for (let i = 0; i < ort.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tfjs[i] - ort[i]));
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
      // Not a constant: the network learned something that ranks alerts.
      expect(Math.max(...ort) - Math.min(...ort)).toBeGreaterThan(0.05);
    } finally {
      await scorer.release();
    }
  }, 60_000);

  it('agrees on unseen and missing categories, which one-hot encode to the unseen column and to all zeros', async () => {
    const { model } = await trainNetwork(spec, train, valid, parseNetworkParams('mlp', { epochs: 1, hidden: '8' }));
    const nf = spec.features.length;
    const x = test.x.slice(0, 300 * nf);
    const cats = spec.features.flatMap((f, j) => (f.kind === 'categorical' ? [{ j, unseen: f.categories!.length }] : []));
    expect(cats.length).toBeGreaterThan(0);
    for (let r = 0; r < 300; r++) for (const { j, unseen } of cats) x[r * nf + j] = r % 3 === 0 ? unseen : r % 3 === 1 ? NaN : x[r * nf + j];
    const tfjs = await predictNetwork(model, x, 300);
    const scorer = await OnnxScorer.load(networkToOnnx(model));
    try {
      const ort = await scorer.score(x, 300);
      for (let i = 0; i < 300; i++) expect(Math.abs(tfjs[i] - ort[i])).toBeLessThanOrEqual(1e-5);
    } finally {
      await scorer.release();
    }
  }, 60_000);

  it('is bit-reproducible on the wasm backend with the same seed', async () => {
    const params = parseNetworkParams('mlp', { epochs: 2, hidden: '16,8' });
    const a = await trainNetwork(spec, train, valid, params);
    const b = await trainNetwork(spec, train, valid, params);
    expect(b.history).toEqual(a.history);
    expect(Array.from(b.model.layers[0].weights)).toEqual(Array.from(a.model.layers[0].weights));
  }, 60_000);
});
