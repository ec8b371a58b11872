import { describe, expect, it } from 'vitest';
import { encodeColumns, inferFeatureSpec } from '../../src/features/index.ts';
import { train } from '../../src/gbdt/train.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { ALERT_COLUMN_NAMES } from '../../src/synth/columns.ts';
import { generateAlertTable } from '../../src/synth/generate.ts';
import { predictProba } from '../../src/trees/evaluate.ts';

const alerts = (rows: number, seed: number) => generateAlertTable({ rows, seed });

describe('a model trained by winnow scores the same in TypeScript and in ONNX Runtime', () => {
  it('agrees within 1e-6 on 10,000 alerts with missing values', async () => {
    const trainTable = alerts(20_000, 11);
    const { spec } = inferFeatureSpec(trainTable, { exclude: ['alert_id', 'occurred_at', 'entity_id', 'is_true_positive'] });
    const labels = Float32Array.from(trainTable.columns[ALERT_COLUMN_NAMES.indexOf('is_true_positive')], Number);
    const x = encodeColumns(trainTable, spec);
    const { model } = await train({ x, labels, numRows: 20_000, numFeatures: spec.features.length }, { numTrees: 150, earlyStoppingRounds: 0, minDataInLeaf: 5 });
    expect(model.trees.length).toBe(150);

    const testTable = alerts(10_000, 12);
    const tx = encodeColumns(testTable, spec);
    expect(tx.some((v) => Number.isNaN(v))).toBe(true);
    const scorer = await OnnxScorer.load(treeEnsembleToOnnx(model));
    try {
      const ort = await scorer.score(tx, 10_000);
      const ts = predictProba(model, tx);
      let maxDiff = 0;
      for (let i = 0; i < ts.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ts[i] - ort[i]));
      expect(maxDiff).toBeLessThanOrEqual(1e-6);
    } finally {
      await scorer.release();
    }
  });
});
