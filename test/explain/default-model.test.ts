/**
 * @module Reason codes on the committed default model: its ONNX carries node cover (row counts in
 * nodes_hitrates), and contributions + expected margin give the served margin for 1,000 synthetic
 * alerts, NaNs included.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverProblem, TreeExplainer } from '../../src/explain/index.ts';
import { encodeRecord, type AttributeValue } from '../../src/features/index.ts';
import { parseManifest } from '../../src/model/index.ts';
import { onnxToTreeEnsemble } from '../../src/onnx/onnx-to-tree-ensemble.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { leafIndex, margin } from '../../src/trees/evaluate.ts';
import { mulberry32 } from '../helpers/random-ensemble.ts';

const dir = new URL('../../models/default/1/', import.meta.url).pathname;
const model = onnxToTreeEnsemble(readFileSync(dir + 'model.onnx')).model;
const manifest = parseManifest(JSON.parse(readFileSync(dir + 'manifest.json', 'utf8')), 'manifest.json');

describe('TreeSHAP on models/default/1', () => {
  it('finds consistent node cover in the committed ONNX', () => {
    expect(coverProblem(model)).toBeUndefined();
    expect(model.trees[0].cover[0]).toBeGreaterThan(100_000);
    for (const t of model.trees) {
      // Every tree saw every training row (no subsampling): the same root cover.
      expect(t.cover[0]).toBe(model.trees[0].cover[0]);
      for (let i = 0; i < t.left.length; i++) if (t.left[i] !== -1) expect(t.cover[t.left[i]] + t.cover[t.right[i]]).toBe(t.cover[i]);
    }
  });

  it('adds up to the margin within 1e-5 for 1,000 synthetic alerts, a tenth of their features missing', () => {
    const spec = manifest.featureSpec;
    const nf = spec.features.length;
    const rand = mulberry32(17);
    const x = new Float32Array(1000 * nf);
    let r = 0;
    for (const alert of generateAlerts({ rows: 1000, seed: 99 })) {
      encodeRecord(alert as unknown as Record<string, AttributeValue>, spec, x, r * nf);
      for (let j = 0; j < nf; j++) if (rand() < 0.1) x[r * nf + j] = NaN;
      r++;
    }
    const explainer = new TreeExplainer(model);
    const phi = new Float64Array(nf);
    let worst = 0;
    let worst64 = 0;
    for (let i = 0; i < 1000; i++) {
      explainer.explain(x, phi, i * nf);
      const total = phi.reduce((s, p) => s + p, explainer.expectedValue);
      worst = Math.max(worst, Math.abs(total - margin(model, x, i * nf)));
      const exact = model.trees.reduce((s, t) => s + t.value[leafIndex(t, x, i * nf)], model.baseScore);
      worst64 = Math.max(worst64, Math.abs(total - exact));
    }
    // Measured: 2.8e-6 against the float32 margin ONNX Runtime computes, 1.3e-14 against the exact sum.
    expect(worst).toBeLessThan(1e-5);
    expect(worst64).toBeLessThan(1e-9);
  });
});
