/** @module `winnow score --explain N`: reason_k and reason_k_contribution columns, empty for a row that failed. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/io/read-table.ts';
import { runCli } from './run-cli.ts';

const MODEL = new URL('../../models/default/1', import.meta.url).pathname;

describe('winnow score --explain', () => {
  it('adds the top N features and their log-odds contributions to every scored row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-explain-'));
    expect(runCli(['generate', '--rows', '60', '--seed', '5', '--out', 'alerts.csv'], dir).code).toBe(0);
    const csv = readFileSync(join(dir, 'alerts.csv'), 'utf8').split('\n');
    const bad = csv[2].split(',');
    bad[csv[0].split(',').indexOf('amount_usd')] = 'lots';
    csv[2] = bad.join(',');
    writeFileSync(join(dir, 'alerts.csv'), csv.join('\n'));
    const res = runCli(['score', '--model', MODEL, '--data', 'alerts.csv', '--out', 'scored.csv', '--explain', '2'], dir);
    expect(res.code, res.stderr).toBe(0);
    const out = await readTable(join(dir, 'scored.csv'));
    expect(out.names.slice(-4)).toEqual(['reason_1', 'reason_1_contribution', 'reason_2', 'reason_2_contribution']);
    const col = (n: string) => out.columns[out.names.indexOf(n)];
    expect(col('reason_1')[1]).toBeNull();
    expect(col('winnow_error')[1]).toMatch(/amount_usd/);
    for (let r = 0; r < out.rowCount; r++) {
      if (r === 1) continue;
      expect(typeof col('reason_1')[r]).toBe('string');
      expect(Math.abs(Number(col('reason_1_contribution')[r]))).toBeGreaterThanOrEqual(Math.abs(Number(col('reason_2_contribution')[r])));
    }
  });

  it('writes the same file, byte for byte, whether the reason codes are computed on one thread or on two', () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-explain-threads-'));
    expect(runCli(['generate', '--rows', '1100', '--seed', '8', '--out', 'alerts.csv'], dir).code).toBe(0);
    const run = (threads: string) => runCli(['score', '--model', MODEL, '--data', 'alerts.csv', '--out', `scored-${threads}.csv`, '--explain', '3', '--threads', threads], dir);
    const one = run('1');
    const two = run('2');
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(one.stderr).toMatch(/; reason codes on 1 thread\n$/);
    expect(two.stderr).toMatch(/; reason codes on 2 threads\n$/);
    expect(two.stderr).toMatch(/^explaining 1100\/1100 rows /m);
    expect([one.stdout, two.stdout]).toEqual(['', '']);
    expect(readFileSync(join(dir, 'scored-2.csv')).equals(readFileSync(join(dir, 'scored-1.csv')))).toBe(true);
  }, 120_000);

  it('refuses more than 20 reason codes', () => {
    const res = runCli(['score', '--model', MODEL, '--data', 'x.csv', '--out', 'y.csv', '--explain', '21'], tmpdir());
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--explain must be at most 20, got 21');
  });

  it('refuses a thread count that is not a whole number from 0 to 64', () => {
    expect(runCli(['score', '--model', MODEL, '--data', 'x.csv', '--out', 'y.csv', '--threads', '65'], tmpdir()).stderr).toContain('--threads must be at most 64, got 65');
    expect(runCli(['score', '--model', MODEL, '--data', 'x.csv', '--out', 'y.csv', '--threads=-1'], tmpdir()).stderr).toContain("--threads must be a whole number >= 0, got '-1'");
  });
});
