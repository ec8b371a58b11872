/** @module `winnow experiment` from the command line: start, list, report, stop, and the errors a user meets. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type ServeProcess, startServe } from '../helpers/serve-process.ts';
import { runCli } from './run-cli.ts';

let dir: string;
let server: ServeProcess;
const store = ['--data-dir', 'data', '--models', 'models'];
const experiment = {
  id: 'cli-1',
  arms: [
    { name: 'A', thresholds: { closeBelow: 0.0078, belowTheLineSampleRate: 0.05 } },
    { name: 'B', thresholds: { closeBelow: 0.02, belowTheLineSampleRate: 0.05 } },
  ],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-exp-cli-'));
  cpSync(join(REPO_ROOT, 'models', 'default', '1'), join(dir, 'models', 'default', '1'), { recursive: true });
  writeFileSync(join(dir, 'exp.json'), JSON.stringify(experiment));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...experiment, arms: [{ name: 'A', weight: -1 }] }));
  expect(runCli(['generate', '--rows', '2000', '--seed', '3', '--out', 'live.csv'], dir).code).toBe(0);
  // The server creates the store; the CLI then starts the experiment in it, and the server follows.
  server = await startServe(['--models', join(dir, 'models'), '--data-dir', join(dir, 'data'), '--poll-activations-ms', '100']);
}, 60_000);
afterAll(async () => server?.stop());

describe('winnow experiment', () => {
  it('starts an experiment the running service follows, reports on it, and stops it', async () => {
    const start = runCli(['experiment', 'start', 'exp.json', ...store], dir);
    expect(start.code, start.stderr).toBe(0);
    // Poll until the service assigns arms (it reads the store every 100 ms).
    let arm: unknown;
    for (let i = 0; i < 100 && !arm; i++) {
      const res = await fetch(`${server.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: [{ id: `P-${i}`, ruleId: 'tm_structuring', attributes: {} }] }) });
      arm = ((await res.json()) as { results: { experiment?: { arm: string } }[] }).results[0].experiment?.arm;
      if (!arm) await new Promise((r) => setTimeout(r, 50));
    }
    expect(['A', 'B']).toContain(arm);
    const replay = runCli(['replay', '--data', 'live.csv', '--url', server.url, '--feedback', '--batch', '500'], dir);
    expect(replay.code, replay.stderr).toBe(0);

    const list = runCli(['experiment', 'list', ...store], dir);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('cli-1');
    const report = runCli(['experiment', 'report', 'cli-1', ...store, '--json'], dir);
    expect(report.code, report.stderr).toBe(0);
    const json = JSON.parse(report.stdout) as { arms: { arm: string; alerts: number }[] };
    expect(json.arms.map((a) => a.arm)).toEqual(['A', 'B']);
    // Every alert was assigned to exactly one arm (2,000 replayed plus the polling probes).
    expect(json.arms.reduce((s, a) => s + a.alerts, 0)).toBeGreaterThanOrEqual(2000);
    const text = runCli(['experiment', 'report', 'cli-1', ...store], dir);
    expect(text.stdout).toMatch(/Verdict: /);

    const stop = runCli(['experiment', 'stop', 'cli-1', '--reason', 'done', ...store], dir);
    expect(stop.code, stop.stderr).toBe(0);
  }, 120_000);

  it.each([
    [['experiment', 'start', 'bad.json'], /bad\.json.*arms/],
    [['experiment', 'start', 'nowhere.json'], /nowhere\.json/],
    [['experiment', 'report', 'no-such-experiment'], /no-such-experiment/],
    [['experiment', 'frobnicate'], /frobnicate/],
  ])('refuses %j with a message naming what is wrong', (args, message) => {
    const res = runCli([...args, ...store], dir);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(message);
  });
});
