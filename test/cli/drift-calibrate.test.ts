/** @module CLI surface of calibration and drift: help, flag errors, and `winnow evaluate` printing the calibration check. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-cli-drift-'));

describe('winnow drift and --calibrate at the command line', () => {
  it('winnow drift --help shows usage, the thresholds and an example', () => {
    const res = runCli(['drift', '--help'], dir);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: winnow drift /);
    expect(res.stdout).toContain('stable below 0.1, moderate from 0.1, major from 0.25');
    expect(res.stdout).toContain('Example:');
  });

  it.each([
    [['train', '--data', 'a.csv', '--label', 'y', '--out', 'm/1', '--calibrate', 'beta'], /--calibrate must be one of isotonic, platt, none, got 'beta'/],
    [['generate', '--rows', '10', '--out', 'x.csv', '--shift', 'segment=2'], /--shift: shift 'segment=2': 'segment' is categorical; only numeric columns can be shifted/],
    [['drift', '--model', 'default', '--data-dir', dir], /--model must be NAME\/VERSION, e.g. default\/1, got 'default'/],
    [['drift', '--from', '2026-02-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z', '--data-dir', dir], /--from 2026-02-01T00:00:00.000Z is not before --to 2026-01-01T00:00:00.000Z/],
  ])('winnow %j → exit 2 with the reason', (args, message) => {
    const res = runCli(args, dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it('trains with --calibrate platt and evaluate prints the before/after check', () => {
    expect(runCli(['generate', '--rows', '4000', '--seed', '5', '--out', 'a.csv'], dir).code).toBe(0);
    const train = runCli(['train', '--data', 'a.csv', '--label', 'is_true_positive', '--time-column', 'occurred_at', '--exclude', 'alert_id,entity_id', '--recipe', 'split',
      '--param', 'numTrees=30', '--param', 'threads=1', '--calibrate', 'platt', '--out', 'models/p/1'], dir);
    expect(train.stderr).toContain('calibration: platt, fitted on 600 validation rows');
    expect(train.stdout).toMatch(/calibration on the holdout \(platt, 800 alerts\): Brier [0-9.]+ → [0-9.]+, ECE/);
    const evaluate = runCli(['evaluate', '--model', 'models/p/1', '--data', 'a.csv', '--label', 'is_true_positive', '--holdout'], dir);
    expect(evaluate.code).toBe(0);
    expect(evaluate.stdout).toMatch(/calibration \(platt, 800 alerts\): Brier/);
    expect(evaluate.stdout).toContain('at or above recall95 threshold');
    const json = JSON.parse(runCli(['evaluate', '--model', 'models/p/1', '--data', 'a.csv', '--label', 'is_true_positive', '--holdout', '--json'], dir).stdout);
    expect(json.calibration.method).toBe('platt');
    expect(json.calibration.bands).toHaveLength(3);
  }, 60_000);
});
