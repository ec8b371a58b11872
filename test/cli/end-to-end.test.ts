import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/io/read-table.ts';
import { readBundle } from '../../src/model/index.ts';
import { runCli } from './run-cli.ts';

// One small world for the whole file: generate → train once, then probe it.
const dir = mkdtempSync(join(tmpdir(), 'winnow-e2e-'));
const TRAIN = ['train', '--data', 'alerts.csv', '--label', 'is_true_positive', '--time-column', 'occurred_at', '--exclude', 'alert_id,entity_id', '--param', 'numTrees=60', '--param', 'minDataInLeaf=10', '--out', 'models/demo/1'];

describe('winnow generate → train → evaluate → score', () => {
  beforeAll(() => {
    const gen = runCli(['generate', '--rows', '12000', '--seed', '3', '--out', 'alerts.csv'], dir);
    expect(gen.code, gen.stderr).toBe(0);
    const train = runCli(TRAIN, dir);
    expect(train.code, train.stderr).toBe(0);
  }, 120_000);

  it('writes a bundle whose card states the holdout metrics', async () => {
    const { manifest } = await readBundle(join(dir, 'models/demo/1'));
    expect(manifest.name).toBe('demo');
    expect(manifest.version).toBe('1');
    expect(manifest.training.timeColumn).toBe('occurred_at');
    expect(manifest.metrics.holdout!.rows).toBe(2400);
    const card = readFileSync(join(dir, 'models/demo/1/MODEL_CARD.md'), 'utf8');
    expect(card).toContain(manifest.metrics.holdout!.auc.toFixed(4));
  });

  it('refits the served model on every row by default, and says where each figure comes from', async () => {
    const { manifest } = await readBundle(join(dir, 'models/demo/1'));
    expect(manifest.training.recipe).toBe('refit');
    expect(manifest.training.refit).toMatchObject({ rows: 12000, backtestRows: 9600 });
    expect(manifest.trees!.count).toBe((manifest.training.refit as { trees: number }).trees);
    const card = readFileSync(join(dir, 'models/demo/1/MODEL_CARD.md'), 'utf8');
    expect(card).toContain('Served model: refit on all 12000 labelled rows');
    expect(card).toMatch(/the split model, with the same thresholds, reached recall \d+\.\d% at the 95% threshold/);
    // The served model learned from the holdout: scoring it there would flatter it, so evaluate refuses and says what to do.
    const res = runCli(['evaluate', '--model', 'models/demo/1', '--data', 'alerts.csv', '--label', 'is_true_positive', '--holdout'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/was refit on every labelled row, the holdout included .*--since.*--recipe split/s);
  });

  it('evaluate --holdout reproduces the holdout metrics of a --recipe split bundle exactly', async () => {
    const train = runCli([...TRAIN.slice(0, -1), 'models/demo/split', '--recipe', 'split'], dir);
    expect(train.code, train.stderr).toBe(0);
    const res = runCli(['evaluate', '--model', 'models/demo/split', '--data', 'alerts.csv', '--label', 'is_true_positive', '--holdout', '--json'], dir);
    expect(res.code, res.stderr).toBe(0);
    const { manifest } = await readBundle(join(dir, 'models/demo/split'));
    expect(manifest.training.recipe).toBe('split');
    expect(JSON.parse(res.stdout).metrics).toEqual(manifest.metrics.holdout);
  });

  it('evaluate prints AUC, PR-AUC, Brier and FP reduction at 95% and 99% recall', () => {
    const res = runCli(['evaluate', '--model', 'models/demo/1', '--data', 'alerts.csv', '--label', 'is_true_positive'], dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/AUC 0\.\d{4} {3}PR-AUC 0\.\d{4} {3}Brier 0\.\d{5}/);
    expect(res.stdout).toMatch(/at 95% recall: closes \d+\.\d% of false positives \(threshold 0\.\d+\)/);
    expect(res.stdout).toMatch(/at 99% recall: closes \d+\.\d% of false positives/);
  });

  it('score keeps every row, adds score and rank, and fails open on a bad row', async () => {
    const csv = readFileSync(join(dir, 'alerts.csv'), 'utf8').split('\n');
    const header = csv[0].split(',');
    const amount = header.indexOf('amount_usd');
    // Row 3 gets an amount no one can read as a number.
    const bad = csv[3].split(',');
    bad[amount] = 'twelve';
    csv[3] = bad.join(',');
    writeFileSync(join(dir, 'some.csv'), csv.slice(0, 101).join('\n') + '\n');
    const res = runCli(['score', '--model', 'models/demo/1', '--data', 'some.csv', '--out', 'scored.jsonl'], dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('scored 99 of 100 alerts');
    const out = await readTable(join(dir, 'scored.jsonl'));
    expect(out.rowCount).toBe(100);
    const col = (n: string) => out.columns[out.names.indexOf(n)];
    expect(col('winnow_error')[2]).toMatch(/some\.csv row 3, column 'amount_usd': expected a number, got "twelve"/);
    expect(col('winnow_score')[2]).toBeNull();
    const ranks = col('winnow_rank').filter((r) => r !== null).map(Number).sort((a, b) => a - b);
    expect(ranks).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
    const scores = col('winnow_score');
    const top = col('winnow_rank').indexOf(1);
    expect(Math.max(...scores.filter((s) => s !== null).map(Number))).toBe(scores[top]);
  });

  it('training twice with the same seed gives the same model', async () => {
    const res = runCli([...TRAIN.slice(0, -1), 'models/demo/2'], dir);
    expect(res.code, res.stderr).toBe(0);
    const a = await readBundle(join(dir, 'models/demo/1'));
    const b = await readBundle(join(dir, 'models/demo/2'));
    expect(b.manifest.trees).toEqual(a.manifest.trees);
    expect(b.manifest.metrics).toEqual(a.manifest.metrics);
    expect(b.manifest.thresholds).toEqual(a.manifest.thresholds);
  });
});

describe('the CLI explains what went wrong', () => {
  it.each([
    [['train', '--data', 'missing.csv', '--label', 'y', '--out', 'm/1'], 1, /winnow train: missing\.csv: file not found/],
    [['train', '--data', 'alerts.csv', '--label', 'nope', '--out', 'm/1'], 1, /alerts\.csv: no label column 'nope' \(columns: alert_id, occurred_at/],
    [['train', '--data', 'alerts.csv', '--out', 'm/1'], 2, /winnow train: missing --label\n\(see 'winnow train --help'\)/],
    [['train', '--data', 'alerts.csv', '--label', 'y', '--out', 'm/1', '--param', 'trees=3'], 1, /training parameter trees: Unrecognized key/],
    [['evaluate', '--model', 'nowhere', '--data', 'alerts.csv', '--label', 'is_true_positive'], 1, /nowhere.*manifest\.json/],
    [['generate', '--rows', 'ten', '--out', 'x.csv'], 2, /--rows must be a whole number >= 1, got 'ten'/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['score', '--model', 'models/demo/1', '--data', 'alerts.csv', '--out', 'x.csv', '--bogus'], 2, /Unknown option '--bogus'/],
  ])('winnow %j → exit %i', (args, code, message) => {
    const res = runCli(args, dir);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
  });

  it.each(['generate', 'train', 'evaluate', 'score', 'serve', 'replay', 'export', 'retrain', 'promote', 'rollback', 'simulate', 'experiment', 'api-key'])('winnow %s --help shows usage and an example', (cmd) => {
    const res = runCli([cmd, '--help'], dir);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^Usage: winnow ${cmd} `));
    expect(res.stdout).toContain('Example:');
  });
});
