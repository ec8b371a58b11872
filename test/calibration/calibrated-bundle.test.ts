/** @module A bundle trained with --calibrate: every scoring path serves calibrated scores, thresholds and metrics agree with them. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCalibration } from '../../src/calibration/apply.ts';
import { writeAlerts, type TableRow } from '../../src/io/write-table.ts';
import { readBundle, type Manifest } from '../../src/model/index.ts';
import { evaluateBundle } from '../../src/pipeline/evaluate-bundle.ts';
import { trainBundle } from '../../src/pipeline/train-bundle.ts';
import { LoadedModel } from '../../src/registry/loaded-model.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { ALERT_COLUMNS } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';

const tmp = mkdtempSync(join(tmpdir(), 'winnow-cal-'));
const data = join(tmp, 'alerts.csv');
const dir = join(tmp, 'models', 'cal', '1');
let manifest: Manifest;

beforeAll(async () => {
  await writeAlerts(data, generateAlerts({ rows: 6000, seed: 11 }) as Iterable<unknown> as Iterable<TableRow>, ALERT_COLUMNS);
  ({ manifest } = await trainBundle({
    // The split recipe: evaluate --holdout below scores the served model on rows it never saw.
    recipe: 'split',
    data, label: 'is_true_positive', timeColumn: 'occurred_at', exclude: ['alert_id', 'entity_id'], out: dir,
    params: { numTrees: 40, threads: 1 }, calibrate: 'isotonic',
  }));
}, 120_000);

describe('a calibrated bundle', () => {
  it('records the map, what it was fitted on, and a before/after check on the holdout', () => {
    expect(manifest.calibration).toMatchObject({ method: 'isotonic', fittedOn: 'validation', fitRows: 900 });
    const check = manifest.calibration!.holdoutCheck as { rows: number; brierBefore: number; brierAfter: number; bands: unknown[] };
    expect(check.rows).toBe(1200);
    expect(check.bands).toHaveLength(3);
    expect(check.brierAfter).toBeCloseTo(manifest.metrics.holdout!.brier, 12);
  });

  it('serves calibrated scores through LoadedModel, the scorer every route uses', async () => {
    const { onnxBytes } = await readBundle(dir);
    const raw = await OnnxScorer.load(onnxBytes);
    const model = await LoadedModel.load(dir);
    try {
      const x = new Float32Array(manifest.featureSpec.features.length * 3).fill(NaN);
      x[0] = 1;
      const r = await raw.score(x, 3);
      expect(await model.scorer.score(x, 3)).toEqual(applyCalibration(manifest.calibration, r));
      expect(applyCalibration(manifest.calibration, r)).not.toEqual(r);
    } finally {
      await raw.release();
      await model.retire();
    }
  });

  it('evaluate --holdout reproduces the recorded holdout metrics and calibration check exactly', async () => {
    const res = await evaluateBundle({ model: dir, data, label: 'is_true_positive', holdout: true });
    expect(res.metrics).toEqual(manifest.metrics.holdout);
    expect(res.calibration).toEqual(manifest.calibration!.holdoutCheck);
    // Recommended thresholds are calibrated scores: the holdout keeps about 95% of positives above them.
    expect(res.metrics.atRecommended!.recall95.recall).toBeGreaterThan(0.8);
  }, 60_000);
});
