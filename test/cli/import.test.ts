/** @module `winnow import` from the command line: help, a real import, and refusals with exit codes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../src/model/index.ts';
import { breastCancer, fixture, writeLabelledCsv } from '../import/fixtures.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-import-cli-'));
const names = Array.from({ length: 30 }, (_, i) => `m${i}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const { rows } = breastCancer();
  await writeLabelledCsv(join(dir, 'alerts.csv'), names, rows, rows.map((r) => (r[0] > 15 ? 0.9 : 0.1)));
});

describe('winnow import', () => {
  it('--help explains the formats and options', () => {
    const res = runCli(['import', '--help'], dir);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage: winnow import --from xgboost|lightgbm|onnx FILE');
    expect(res.stdout).toContain('--positive-label');
  });

  it('imports a LightGBM model under the user\'s feature names and prints its metrics', async () => {
    const res = runCli(['import', '--from', 'lightgbm', fixture('lightgbm-breast-cancer', 'lg_breast_cancer.txt'), '--features', names.join(','),
      '--data', 'alerts.csv', '--label', 'is_true_positive', '--time-column', 'occurred_at', '--out', 'models/lgb/1'], dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('read lightgbm model lg_breast_cancer.txt (v3): 39 trees, 30 features, objective binary sigmoid:1');
    expect(res.stdout).toMatch(/^validation: 46 alerts/);
    expect(res.stdout).toContain('recommended thresholds:');
    const { manifest } = await readBundle(join(dir, 'models/lgb/1'));
    expect(manifest.featureSpec.features[29].name).toBe('m29');
    expect(manifest.provenance!.tool).toBe('lightgbm');
  });

  it('--calibrate fits a calibration map on the threshold rows and prints its check on the holdout', async () => {
    const lgb = (method: string, out: string) => runCli(['import', '--from', 'lightgbm', fixture('lightgbm-breast-cancer', 'lg_breast_cancer.txt'), '--features', names.join(','),
      '--data', 'alerts.csv', '--label', 'is_true_positive', '--time-column', 'occurred_at', '--calibrate', method, '--out', out], dir);
    const res = lgb('isotonic', 'models/lgb-iso/1');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('calibration: isotonic, fitted on 46 validation rows');
    expect(res.stdout).toContain('calibration on the holdout (isotonic, 11 alerts)');
    const { manifest } = await readBundle(join(dir, 'models/lgb-iso/1'));
    expect(manifest.calibration).toMatchObject({ method: 'isotonic', fittedOn: 'validation', fitRows: 46 });
    expect(manifest.scoreReference).toMatchObject({ source: 'holdout', rows: 11 });
    // These labels were drawn so that the model ranks them backwards: Platt scaling cannot fit, and says why.
    const platt = lgb('platt', 'models/lgb-platt/1');
    expect(platt.code).toBe(1);
    expect(platt.stderr).toContain('is not positive; the scores do not rank the labels');
  });

  it('refuses the multi-class ONNX model with exit 1 and says why', () => {
    const res = runCli(['import', '--from', 'onnx', fixture('onnx-sklearn', 'skl2onnx_pipeline_lightgbm_multiclass_zipmap.onnx'), '--features', 'a,b',
      '--data', 'alerts.csv', '--label', 'is_true_positive', '--out', 'models/multi/1'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('winnow import: skl2onnx_pipeline_lightgbm_multiclass_zipmap.onnx node \'LightGbmLGBMClassifier\' (ai.onnx.ml.TreeEnsembleClassifier): multi-class model (3 classes: 0, 1, 2)');
  });

  it.each([
    { args: ['--from', 'catboost', 'm.cbm'], want: "--from must be one of xgboost, lightgbm, onnx, got 'catboost'" },
    { args: ['--from', 'xgboost', '--data', 'a.csv', '--label', 'y', '--out', 'o'], want: 'missing the model FILE' },
    { args: ['--from', 'xgboost', 'm.json', '--calibrate', 'beta', '--data', 'a.csv', '--label', 'y', '--out', 'o'], want: "--calibrate must be one of isotonic, platt, none, got 'beta'" },
    { args: ['--from', 'xgboost', 'm.json', '--positive-label', 'B', '--data', 'a.csv', '--label', 'y', '--out', 'o'], want: '--positive-label applies to --from onnx only' },
  ])('usage error (exit 2): $want', ({ args, want }) => {
    const res = runCli(['import', ...args], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(want);
  });
});
