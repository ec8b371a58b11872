import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_COLUMNS } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { writeAlerts } from '../../src/io/write-table.ts';
import type { TableRow } from '../../src/io/write-table.ts';
import { readBundle } from '../../src/model/index.ts';
import { onnxToTreeEnsemble } from '../../src/onnx/onnx-to-tree-ensemble.ts';
import { evaluateBundle } from '../../src/pipeline/evaluate-bundle.ts';
import { readTable } from '../../src/io/read-table.ts';
import { encodeLabelled } from '../../src/pipeline/load-labelled.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { predictProba } from '../../src/trees/evaluate.ts';

const DEFAULT = new URL('../../models/default/1', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'winnow-default-'));

/** Write synthetic alerts exactly as `winnow generate` does. */
async function generate(path: string, rows: number, seed: number) {
  await writeAlerts(path, generateAlerts({ rows, seed }) as Iterable<unknown> as Iterable<TableRow>, ALERT_COLUMNS);
}

describe('the default model (models/default/1)', () => {
  it('loads with its integrity checks and scores alerts through ONNX Runtime', async () => {
    const { manifest, onnxBytes } = await readBundle(DEFAULT);
    await generate(join(tmp, 'fresh.csv'), 2000, 99);
    const data = encodeLabelled(await readTable(join(tmp, 'fresh.csv')), manifest.featureSpec, 'is_true_positive');
    const scorer = await OnnxScorer.load(onnxBytes);
    try {
      const scores = await scorer.score(data.x, 2000);
      expect(scores.every((p) => p > 0 && p < 1)).toBe(true);
      // The model ranks: true positives score higher on average than false positives.
      const mean = (label: number) => {
        const s = Array.from(scores).filter((_, i) => data.labels[i] === label);
        return s.reduce((a, b) => a + b, 0) / s.length;
      };
      expect(mean(1)).toBeGreaterThan(3 * mean(0));
      const ts = predictProba(onnxToTreeEnsemble(onnxBytes).model, data.x);
      expect(Math.max(...Array.from(ts, (p, i) => Math.abs(p - scores[i])))).toBeLessThanOrEqual(1e-6);
    } finally {
      await scorer.release();
    }
  });

  it('states its holdout metrics on its card, and evaluating the documented data reproduces them', async () => {
    const { manifest } = await readBundle(DEFAULT);
    const holdout = manifest.metrics.holdout!;
    const card = await readFile(join(DEFAULT, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain(holdout.auc.toFixed(4));
    expect(card).toContain('--holdout');
    // The data of `npm run train:default`: 200,000 alerts, seed 1.
    await generate(join(tmp, manifest.training.source), 200_000, 1);
    const res = await evaluateBundle({ model: DEFAULT, data: join(tmp, manifest.training.source), label: 'is_true_positive', holdout: true });
    expect(res.metrics).toEqual(holdout);
  }, 120_000);
});
