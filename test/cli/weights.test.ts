/** @module `--weight COL` on train and evaluate: read, validated, never a feature, and in every metric. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../src/model/index.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-weights-'));
const TRAIN = ['train', '--data', 'weighted.csv', '--label', 'is_true_positive', '--time-column', 'occurred_at', '--exclude', 'alert_id,entity_id', '--param', 'numTrees=40', '--param', 'minDataInLeaf=10',
  // The split recipe, so evaluate --holdout can score the served model on rows it never saw.
  '--recipe', 'split'];
const EVALUATE = ['evaluate', '--model', 'models/w/1', '--data', 'weighted.csv', '--label', 'is_true_positive'];

/** Rewrite `from` as `to` with a `sample_weight` column: every 13th row weighs 50, as a 2% below-the-line sample would. */
function addWeights(from: string, to: string, edit: (weight: string, row: number) => string = (w) => w): void {
  const lines = readFileSync(join(dir, from), 'utf8').trimEnd().split('\n');
  const out = lines.map((line, i) => (i === 0 ? `${line},sample_weight` : `${line},${edit(i % 13 === 0 ? '50' : '1', i)}`));
  writeFileSync(join(dir, to), out.join('\n') + '\n');
}

describe('winnow train and evaluate --weight', () => {
  beforeAll(() => {
    const gen = runCli(['generate', '--rows', '8000', '--seed', '5', '--out', 'alerts.csv'], dir);
    expect(gen.code, gen.stderr).toBe(0);
    addWeights('alerts.csv', 'weighted.csv');
    const train = runCli([...TRAIN, '--weight', 'sample_weight', '--out', 'models/w/1'], dir);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/weights from 'sample_weight': the \d+ training rows stand for \d+\.\d alerts/);
  }, 120_000);

  it('records the weight column and weighted metrics in the bundle, and never makes it a feature', async () => {
    const { manifest } = await readBundle(join(dir, 'models/w/1'));
    expect(manifest.training.weightColumn).toBe('sample_weight');
    expect(manifest.training.weighted!.rows).toBeGreaterThan(manifest.training.rows);
    expect(manifest.featureSpec.features.map((f) => f.source)).not.toContain('sample_weight');
    expect(manifest.metrics.validation.weighted!.rows).toBeGreaterThan(manifest.metrics.validation.rows);
    expect(manifest.metrics.holdout!.weighted!.rows).toBeGreaterThan(manifest.metrics.holdout!.rows);
    const card = readFileSync(join(dir, 'models/w/1/MODEL_CARD.md'), 'utf8');
    expect(card).toContain('- Sample weights: column `sample_weight`');
  });

  it('evaluate --holdout reproduces the weighted holdout metrics, with or without naming the column', async () => {
    const { manifest } = await readBundle(join(dir, 'models/w/1'));
    for (const extra of [[], ['--weight', 'sample_weight']]) {
      const res = runCli([...EVALUATE, ...extra, '--holdout', '--json'], dir);
      expect(res.code, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout);
      expect(out.weightColumn).toBe('sample_weight');
      expect(out.metrics).toEqual(manifest.metrics.holdout);
    }
  });

  it('evaluate --weight weighs every metric; without it the same rows count once each', () => {
    const weighted = runCli([...EVALUATE, '--weight', 'sample_weight', '--json'], dir);
    const plain = runCli([...EVALUATE, '--json'], dir);
    expect(weighted.code, weighted.stderr).toBe(0);
    expect(plain.code, plain.stderr).toBe(0);
    const w = JSON.parse(weighted.stdout).metrics;
    const p = JSON.parse(plain.stdout).metrics;
    expect(w.rows).toBe(p.rows);
    expect(w.weighted.rows).toBeGreaterThan(w.rows);
    expect(p.weighted).toBeUndefined();
    expect(w.auc).not.toBe(p.auc);
    expect(w.brier).not.toBe(p.brier);
    const text = runCli([...EVALUATE, '--weight', 'sample_weight'], dir);
    expect(text.stdout).toContain("labelled rows, weighted by 'sample_weight')");
    expect(text.stdout).toMatch(/sample-weighted: they stand for \d+\.\d alerts, \d+\.\d true positives \(\d+\.\d%\); every metric below is weighted/);
  });

  it.each([
    ['-3', '-3'],
    ['abc', '"abc"'],
    ['', 'an empty cell'],
  ])('names file, row and column of a bad weight (%j)', (bad, shown) => {
    addWeights('alerts.csv', 'bad.csv', (w, row) => (row === 5 ? bad : w));
    const message = `bad.csv row 5, column 'sample_weight': weight must be a finite number >= 0, got ${shown}`;
    const train = runCli([...TRAIN.map((a) => (a === 'weighted.csv' ? 'bad.csv' : a)), '--weight', 'sample_weight', '--out', 'models/bad/1'], dir);
    expect(train.code).toBe(1);
    expect(train.stderr).toContain(`winnow train: ${message}`);
    const evaluate = runCli(['evaluate', '--model', 'models/w/1', '--data', 'bad.csv', '--label', 'is_true_positive', '--weight', 'sample_weight'], dir);
    expect(evaluate.code).toBe(1);
    expect(evaluate.stderr).toContain(`winnow evaluate: ${message}`);
  });

  it('names a weight column the file does not have', () => {
    const train = runCli([...TRAIN, '--weight', 'nope', '--out', 'models/bad/1'], dir);
    expect(train.code).toBe(1);
    expect(train.stderr).toMatch(/weighted\.csv: no weight column 'nope' \(columns: alert_id,/);
    const evaluate = runCli([...EVALUATE, '--weight', 'nope'], dir);
    expect(evaluate.code).toBe(1);
    expect(evaluate.stderr).toMatch(/weighted\.csv: no weight column 'nope'/);
  });

  it.each(['train', 'evaluate'])('winnow %s --help documents --weight', (cmd) => {
    const res = runCli([cmd, '--help'], dir);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/--weight COL +per-row sample weight column/);
  });
});
