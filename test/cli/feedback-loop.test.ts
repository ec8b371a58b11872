/** @module The feedback loop from the command line, as the README walks it: replay → export → retrain. */
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/io/read-table.ts';
import { REPO_ROOT, type ServeProcess, startServe } from '../helpers/serve-process.ts';
import { runCli } from './run-cli.ts';

let dir: string;
let server: ServeProcess;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-loop-'));
  cpSync(join(REPO_ROOT, 'models', 'default', '1'), join(dir, 'models', 'default', '1'), { recursive: true });
  expect(runCli(['generate', '--rows', '3000', '--seed', '5', '--out', 'live.csv'], dir).code).toBe(0);
  server = await startServe(['--models', join(dir, 'models'), '--data-dir', join(dir, 'data')]);
}, 60_000);
afterAll(async () => server?.stop());

describe('replay, export and retrain from the command line', () => {
  it('scores through the service, posts the labels of reviewed alerts, exports them and retrains', () => {
    const replay = runCli(['replay', '--data', 'live.csv', '--url', server.url, '--feedback', '--batch', '250'], dir);
    expect(replay.code, replay.stderr).toBe(0);
    const summary = JSON.parse(replay.stdout) as { alerts: number; decisions: Record<string, number>; models: Record<string, number>; feedbackPosted: number };
    expect(summary.alerts).toBe(3000);
    expect(summary.models).toEqual({ 'default/1': 3000 });
    expect(summary.feedbackPosted).toBe(3000 - (summary.decisions.auto_close ?? 0));

    const exported = runCli(['export', '--data-dir', 'data', '--models', 'models', '--out', 'train.jsonl'], dir);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(new RegExp(`wrote ${summary.feedbackPosted} rows to train.jsonl: ${summary.feedbackPosted} labelled`));

    const retrain = runCli(['retrain', '--data-dir', 'data', '--models', 'models', '--out', 'run', '--param', 'numTrees=20', '--max-recall-loss', '0.5'], dir);
    expect(retrain.code, retrain.stderr).toBe(0);
    expect(retrain.stdout).toContain('**Gate: PASS**');
    expect(existsSync(join(dir, 'models', 'default', '2', 'model.onnx'))).toBe(true);
    expect(readFileSync(join(dir, 'run', 'report.md'), 'utf8')).toContain('| ROC AUC |');
  }, 120_000);

  it('exports labels as of a date: nothing is labelled before the analysts decided', async () => {
    const res = runCli(['export', '--data-dir', 'data', '--models', 'models', '--as-of', '2020-01-01T00:00:00Z', '--include-unlabelled', '--out', 'then.csv'], dir);
    expect(res.code, res.stderr).toBe(0);
    const t = await readTable(join(dir, 'then.csv'));
    expect(t.rowCount).toBe(0); // every alert was scored after 2020, so none is in a 2020 backtest
  });

  it.each([
    [['export', '--out', 'x.csv', '--as-of', 'yesterday'], "--as-of must be an ISO 8601 instant such as 2026-06-30T00:00:00Z, got 'yesterday'"],
    [['export', '--out', 'x.csv', '--positive', 'maybe'], "--positive: unknown disposition 'maybe'"],
    [['retrain', '--out', 'r', '--max-recall-loss', '2'], "--max-recall-loss must be in [0, 1), got '2'"],
    [['retrain', '--out', 'r', '--active', 'default'], "--active must be NAME/VERSION, got 'default'"],
    [['retrain', '--out', 'r', '--calibrate', 'sigmoid'], "--calibrate must be one of isotonic, platt, none, got 'sigmoid'"],
    [['replay', '--data', 'live.csv', '--url', 'http://127.0.0.1:9', '--limit', '5'], "cannot reach http://127.0.0.1:9/v1/score"],
  ])('refuses %j with a clear message', (args, message) => {
    const res = runCli(args, dir);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(message);
  });
});
