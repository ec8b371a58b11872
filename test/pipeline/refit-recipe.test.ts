/**
 * @module The refit recipe (train's default): the served model learns from every labelled row, and
 * the card's holdout figures come from a model that never saw the holdout.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/io/read-table.ts';
import { writeAlerts, type TableRow } from '../../src/io/write-table.ts';
import { evaluationMetrics } from '../../src/model/evaluation.ts';
import { readBundle } from '../../src/model/index.ts';
import { gather, gatherRows } from '../../src/pipeline/columns.ts';
import { encodeLabelled, labelledRows } from '../../src/pipeline/load-labelled.ts';
import { timeOrderedSplit } from '../../src/pipeline/split.ts';
import { type TrainBundleResult, trainBundle } from '../../src/pipeline/train-bundle.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { ALERT_COLUMNS } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';

const tmp = mkdtempSync(join(tmpdir(), 'winnow-refit-'));
const data = join(tmp, 'alerts.csv');
const common = { data, label: 'is_true_positive', timeColumn: 'occurred_at', exclude: ['alert_id', 'entity_id'], params: { numTrees: 60, threads: 1 } };
let refit: TrainBundleResult;
let split: TrainBundleResult;

beforeAll(async () => {
  await writeAlerts(data, generateAlerts({ rows: 8000, seed: 5 }) as Iterable<unknown> as Iterable<TableRow>, ALERT_COLUMNS);
  refit = await trainBundle({ ...common, out: join(tmp, 'models', 'm', '1') });
  split = await trainBundle({ ...common, recipe: 'split', out: join(tmp, 'models', 'm', '2') });
}, 180_000);

/** Holdout rows of the bundle's own split, scored by `onnx`, measured at the bundle's thresholds. */
async function holdoutMetrics(result: TrainBundleResult, onnx: Uint8Array) {
  const { manifest } = result;
  const enc = encodeLabelled(await readTable(data), manifest.featureSpec, 'is_true_positive', 'occurred_at');
  const rows = timeOrderedSplit(labelledRows(enc.labels), enc.times, manifest.training.split as { holdout: number; valid: number }).holdout;
  const scorer = await OnnxScorer.load(onnx);
  try {
    const scores = await scorer.score(gatherRows(enc.x, enc.numFeatures, rows), rows.length);
    return evaluationMetrics(gather(enc.labels, rows), scores, manifest.thresholds);
  } finally {
    await scorer.release();
  }
}

describe('train --recipe refit (the default for gbdt)', () => {
  it('serves a model refit on every labelled row with the tree count early stopping chose', async () => {
    const m = refit.manifest;
    expect(m.training.recipe).toBe('refit');
    expect(m.training.refit).toMatchObject({ rows: 8000, backtestRows: 6400 });
    expect(m.trees!.count).toBe((m.training.refit as { trees: number }).trees);
    // The split model chose the trees and thresholds: the same under both recipes.
    expect(m.trees!.count).toBe(split.manifest.trees!.count);
    expect(m.thresholds).toEqual(split.manifest.thresholds);
    expect(m.metrics.validation).toEqual(split.manifest.metrics.validation);
    // …but the served model is another one.
    const served = (await readBundle(refit.dir)).onnxBytes;
    expect(Buffer.from(served).equals(Buffer.from((await readBundle(split.dir)).onnxBytes))).toBe(false);
    expect(Buffer.from(refit.holdoutModel).equals(Buffer.from(served))).toBe(false);
  });

  it('takes the holdout figures from the backtest, which never saw the holdout, and keeps the split model\'s beside them', async () => {
    const m = refit.manifest;
    expect(await holdoutMetrics(refit, refit.holdoutModel)).toEqual(m.metrics.holdout);
    // The split model's own holdout figures, at the same thresholds, are recorded for the threshold check.
    const splitHoldout = (m.training.refit as { splitModelHoldout: { auc: number; atRecommended: unknown } }).splitModelHoldout;
    expect(splitHoldout.auc).toBe(split.manifest.metrics.holdout!.auc);
    expect(splitHoldout.atRecommended).toEqual(split.manifest.metrics.holdout!.atRecommended);
    // Why the served model cannot be measured there: it learned those rows, and looks better on them than the backtest.
    const inSample = await holdoutMetrics(refit, (await readBundle(refit.dir)).onnxBytes);
    expect(inSample.auc).toBeGreaterThan(m.metrics.holdout!.auc);
  });

  it('under --recipe split, the holdout model is the served one, as before', async () => {
    expect(split.manifest.training.recipe).toBe('split');
    expect(split.manifest.training.refit).toBeUndefined();
    expect(Buffer.from(split.holdoutModel).equals(Buffer.from((await readBundle(split.dir)).onnxBytes))).toBe(true);
    expect(await holdoutMetrics(split, split.holdoutModel)).toEqual(split.manifest.metrics.holdout);
  });

  it('refuses --recipe refit for a network, which serves its split model', async () => {
    await expect(trainBundle({ ...common, params: {}, algo: 'logreg', recipe: 'refit', out: join(tmp, 'models', 'n', '1') })).rejects.toThrow(/--recipe refit is for gbdt/);
  });
});
