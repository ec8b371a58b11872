/** @module importBundle end to end: a foreign model file → a bundle that loads for serving and scores, through ONNX Runtime, as the tool did. */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle, sha256Hex } from '../../src/model/index.ts';
import { evaluateBundle } from '../../src/pipeline/evaluate-bundle.ts';
import { importBundle } from '../../src/pipeline/import-bundle.ts';
import { LoadedModel } from '../../src/registry/loaded-model.ts';
import { DriftMonitor } from '../../src/drift/drift-monitor.ts';
import { coverIsConsistent } from '../../src/explain/cover.ts';
import { onnxToTreeEnsemble } from '../../src/onnx/onnx-to-tree-ensemble.ts';
import { breastCancer, fixture, localFixture, maxAbsDiff, readBytes, writeLabelledCsv, xgboostMissing } from './fixtures.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'winnow-import-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const F8 = 'f0,f1,f2,f3,f4,f5,f6,f7';

describe('importBundle', () => {
  it('XGBoost 1.7.4: writes a valid bundle with provenance whose served scores match XGBoost within 1e-6', async () => {
    const { header, rows, expected } = xgboostMissing();
    const data = join(dir, 'xgb-alerts.csv');
    await writeLabelledCsv(data, header, rows, expected);
    const lines: string[] = [];
    const res = await importBundle({
      from: 'xgboost', file: fixture('xgboost-missing', 'model.json'), features: F8, data, label: 'is_true_positive',
      timeColumn: 'occurred_at', out: join(dir, 'models/xgb/1'), log: (l) => lines.push(l),
    });
    expect(res.maxEvaluatorDiff).toBeLessThanOrEqual(1.2e-7);
    const bundle = await readBundle(res.dir);
    const m = bundle.manifest;
    expect(m.provenance).toMatchObject({ tool: 'xgboost', file: 'model.json', sha256: sha256Hex(readBytes(fixture('xgboost-missing', 'model.json'))), formatVersion: '1.7.4' });
    expect(m.featureSpec.features.map((f) => f.name).join(',')).toBe(F8);
    expect(m.metrics.validation.rows).toBe(800);
    expect(m.metrics.holdout!.rows).toBe(200);
    expect(m.thresholds.recall99).toBeLessThanOrEqual(m.thresholds.recall95);
    expect(m.parameters).toMatchObject({ sourceTool: 'xgboost', objective: 'binary:logistic', numTrees: 40 });
    expect(lines[0]).toBe('read xgboost model model.json (1.7.4): 40 trees, 8 features, objective binary:logistic');

    // Drift reference from the 200 newest rows, as a trained bundle has one.
    expect(Object.keys(m.reference!)).toEqual(F8.split(','));
    expect(m.scoreReference).toMatchObject({ source: 'holdout', rows: 200 });
    expect(m.calibration).toBeUndefined();

    // The bundle loads as the service loads any bundle, and scores rows as XGBoost did.
    const loaded = await LoadedModel.load(res.dir);
    try {
      const served = await loaded.scorer.score(Float32Array.from(rows.flat()), rows.length);
      expect(maxAbsDiff(served, expected)).toBeLessThanOrEqual(1e-6);
      // Live drift monitoring works on it: the same rows read as stable, not as "no reference".
      const monitor = new DriftMonitor();
      const model = { name: m.name, version: m.version };
      monitor.observe(m, rows.map((row, i) => ({ score: served[i], features: Float32Array.from(row), model })));
      const drift = monitor.report(m.name, m.version)!;
      expect(drift.windowSize).toBe(rows.length);
      expect(drift.features.map((f) => f.status)).toEqual(Array(8).fill('stable'));
      expect(drift.score?.status).toBe('stable');
    } finally {
      await loaded.scorer.release();
    }
    // `winnow evaluate --holdout` redoes the import's split and gets the recorded holdout metrics exactly.
    const again = await evaluateBundle({ model: res.dir, data, label: 'is_true_positive', holdout: true });
    expect(again.metrics).toEqual(m.metrics.holdout);
    const card = readFileSync(join(res.dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('Trained outside winnow with **xgboost**');
    expect(card).toContain(`sha256 \`${m.provenance!.sha256}\``);
  });

  it('XGBoost 3.1-style: feature names come from the file; --features that disagree are refused', async () => {
    const { header, rows, expected } = xgboostMissing();
    const data = join(dir, 'xgb3-alerts.csv');
    await writeLabelledCsv(data, header, rows, expected, 2);
    const file = localFixture('xgboost-3.1-style-missing.json');
    const res = await importBundle({ from: 'xgboost', file, data, label: 'is_true_positive', holdout: 0, out: join(dir, 'models/xgb3/1') });
    expect(res.manifest.featureSpec.features.map((f) => f.name).join(',')).toBe(F8);
    expect(res.manifest.metrics.holdout).toBeUndefined();
    expect(res.manifest.provenance!.formatVersion).toBe('3.1.0');
    await expect(importBundle({ from: 'xgboost', file, features: 'f1,f0,f2,f3,f4,f5,f6,f7', data, label: 'is_true_positive', out: join(dir, 'models/xgb3/2') }))
      .rejects.toThrow("xgboost-3.1-style-missing.json: feature 0 is 'f0' in the model file but 'f1' in --features; the order must match the model's inputs (leave --features out to use the file's names)");
  });

  it('LightGBM: names from feature_names=, or from --features, whose count must match', async () => {
    const { rows } = breastCancer();
    const header = Array.from({ length: 30 }, (_, i) => `Column_${i}`);
    const data = join(dir, 'lgb-alerts.csv');
    await writeLabelledCsv(data, header, rows, rows.map((r) => (r[0] > 15 ? 0.9 : 0.1)));
    const file = fixture('lightgbm-breast-cancer', 'lg_breast_cancer.txt');
    const res = await importBundle({ from: 'lightgbm', file, data, label: 'is_true_positive', out: join(dir, 'models/lgb/1') });
    expect(res.manifest.provenance).toMatchObject({ tool: 'lightgbm', formatVersion: 'v3' });
    expect(res.manifest.trees?.count).toBe(39);
    await expect(importBundle({ from: 'lightgbm', file, features: 'a,b,c', data, label: 'is_true_positive', out: join(dir, 'models/lgb/2') }))
      .rejects.toThrow('lg_breast_cancer.txt: the model reads 30 features but --features gives 3 (the file names Column_0, Column_1, Column_2, …)');
  });

  it('ONNX with string labels: --positive-label picks the class the score is for', async () => {
    const data = join(dir, 'onnx-alerts.csv');
    const rows = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7)]);
    await writeLabelledCsv(data, ['x1', 'x2'], rows, rows.map((r) => (r[0] > 0 ? 0.7 : 0.2)));
    const res = await importBundle({
      from: 'onnx', file: fixture('onnx-sklearn', 'skl2onnx_SklearnBinGBC_stringlabels_zipmap.onnx'), features: 'x1,x2', positiveLabel: 'B',
      data, label: 'is_true_positive', out: join(dir, 'models/gbc/1'),
    });
    expect(res.manifest.parameters).toMatchObject({ classLabels: 'A,B', positiveLabel: 'B' });
    expect(res.manifest.provenance!.formatVersion).toBe('OnnxMLTools 1.3.1, IR 3, ai.onnx.ml opset 1');
    expect(res.manifest.provenance!.notes).toContain("removed ZipMap 'ZipMap' (ai.onnx.ml.ZipMap) on 'probability_tensor'");
    // The graph's hit rates are placeholders (1 on every node); the import counted real cover over
    // the data, so reason codes weigh branches by how many alerts take them.
    const trees = onnxToTreeEnsemble(new Uint8Array(readFileSync(join(dir, 'models/gbc/1/model.onnx'))), { numFeatures: 2 }).model;
    expect(coverIsConsistent(trees)).toBe(true);
    expect(trees.trees[0].cover![0]).toBe(160); // the 80% of 200 rows that chose the thresholds
    const loaded = await LoadedModel.load(join(dir, 'models/gbc/1'));
    try {
      const state = loaded.explainer();
      expect(state.ok, state.ok ? '' : state.why).toBe(true);
      if (state.ok) {
        const phi = state.explainer.explain(Float32Array.from([0.5, -0.25]));
        expect(phi.some((v) => v !== 0)).toBe(true);
      }
    } finally {
      await loaded.retire();
    }
  });

  it('--features SPEC.json: the spec is used as given (here: f7 must never be missing)', async () => {
    const { header, rows, expected } = xgboostMissing();
    const data = join(dir, 'xgb-spec-alerts.csv');
    await writeLabelledCsv(data, header, rows.map((r) => [...r.slice(0, 7), Number.isNaN(r[7]) ? 0 : r[7]]), expected, 3);
    const spec = { version: 1, features: header.map((name, i) => ({ name, kind: 'numeric', source: name, missing: i === 7 ? 'reject' : 'nan' })) };
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const res = await importBundle({ from: 'xgboost', file: fixture('xgboost-missing', 'model.json'), features: specFile, data, label: 'is_true_positive', out: join(dir, 'models/xgb-spec/1') });
    expect(res.manifest.featureSpec.features[7].missing).toBe('reject');
  });

  it('refuses a model without feature names when --features is absent', async () => {
    await expect(importBundle({ from: 'xgboost', file: fixture('xgboost-missing', 'model.json'), data: 'unused.csv', label: 'y', out: join(dir, 'models/none/1') }))
      .rejects.toThrow('model.json: the model declares no feature names; give --features with 8 comma-separated names in model input order, or a feature spec JSON file');
  });
});
