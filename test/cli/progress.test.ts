/** @module Progress of `winnow score`, `evaluate` and `simulate` goes to stderr, phase by phase; stdout carries exactly the results. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatSimulation } from '../../src/cli/commands/format-simulation.ts';
import { evaluateBundle } from '../../src/pipeline/evaluate-bundle.ts';
import { simulate } from '../../src/pipeline/simulate.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-progress-'));
const MODEL = new URL('../../models/default/1', import.meta.url).pathname;
const LABELLED = ['--model', MODEL, '--data', 'alerts.csv', '--label', 'is_true_positive'];
/** A line of the (non-terminal) reporter: label, done/total, unit, time. */
const line = (phase: string, unit = 'rows') => new RegExp(`^${phase} [\\d.]+/[\\d.]+ ${unit} \\d+\\.\\ds elapsed, ~\\d+s left$`, 'm');

describe('progress on stderr', () => {
  beforeAll(() => {
    const gen = runCli(['generate', '--rows', '25000', '--seed', '3', '--out', 'alerts.csv'], dir);
    expect(gen.code, gen.stderr).toBe(0);
  }, 60_000);

  it('score reports reading, scoring and writing, and prints nothing on stdout', () => {
    const res = runCli(['score', '--model', MODEL, '--data', 'alerts.csv', '--out', 'scored.csv'], dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(line('reading', 'MB'));
    expect(res.stderr).toMatch(/^scoring 10000\/25000 rows /m);
    expect(res.stderr).toMatch(line('scoring'));
    expect(res.stderr).toMatch(/^writing 25000\/25000 rows /m);
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe('scored 25000 of 25000 alerts into scored.csv');
  });

  it('evaluate reports reading and scoring on stderr; stdout is the report alone', async () => {
    const res = runCli(['evaluate', ...LABELLED, '--json'], dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(line('reading', 'MB'));
    expect(res.stderr).toMatch(/^scoring 25000\/25000 rows /m);
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe('evaluated 25000 rows');
    const direct = await evaluateBundle({ model: MODEL, data: join(dir, 'alerts.csv'), label: 'is_true_positive' });
    expect(JSON.parse(res.stdout).metrics).toEqual(JSON.parse(JSON.stringify(direct.metrics)));
  });

  it('simulate reports reading and scoring on stderr; stdout is the report alone', async () => {
    const res = runCli(['simulate', ...LABELLED, '--never-suppress', 'scr_sanctions'], dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(line('reading', 'MB'));
    expect(res.stderr).toMatch(/^scoring 25000\/25000 rows /m);
    const direct = await simulate({
      model: MODEL, data: join(dir, 'alerts.csv'), label: 'is_true_positive', selection: { kind: 'recall', target: 0.95 },
      period: 'day', minutesPerAlert: 10, minGroupPositives: 20, minGroupRecall: 0, neverSuppress: ['scr_sanctions'],
    });
    expect(res.stdout).toBe(`${formatSimulation(direct, 'alerts.csv', 10)}\n`);
  });
});
