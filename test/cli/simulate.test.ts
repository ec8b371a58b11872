/** @module `winnow simulate` end to end: help, a full run writing JSON and SVG, budgets, and clear errors. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkXml } from '../helpers/xml.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-simulate-'));
const MODEL = new URL('../../models/default/1', import.meta.url).pathname;
const BASE = ['simulate', '--model', MODEL, '--data', 'alerts.csv', '--label', 'is_true_positive'];

describe('winnow simulate', () => {
  beforeAll(() => {
    const gen = runCli(['generate', '--rows', '6000', '--seed', '11', '--out', 'alerts.csv'], dir);
    expect(gen.code, gen.stderr).toBe(0);
  }, 60_000);

  it('--help explains every option', () => {
    const res = runCli(['simulate', '--help'], dir);
    expect(res.code).toBe(0);
    for (const flag of ['--target-recall', '--alert-budget', '--review-share', '--period', '--minutes-per-alert', '--by ', '--by-column', '--min-group-positives', '--min-group-recall', '--never-suppress', '--check-fraction', '--json FILE', '--chart FILE.svg', '--weight', '--holdout']) {
      expect(res.stdout).toContain(flag);
    }
    expect(runCli(['--help'], dir).stdout).toMatch(/simulate\s+what every closing threshold would do/);
  });

  it('chooses a threshold and per-rule thresholds, prints the table, and writes JSON and a valid SVG', () => {
    const res = runCli([...BASE, '--by', 'rule', '--min-group-positives', '10', '--never-suppress', 'scr_sanctions', '--check-fraction', '0.3', '--json', 'out/sim.json', '--chart', 'out/sim.svg'], dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/thresholds chosen on the first 4,200 rows by 'occurred_at'; checked on the last 1,800/);
    expect(res.stdout).toMatch(/chosen: the highest threshold keeping ≥ 95\.0% of true positives/);
    expect(res.stdout).toMatch(/◀ chosen/);
    expect(res.stdout).toMatch(/per-rule_id thresholds close \d+\.\d% of alerts vs \d+\.\d% with one threshold/);
    expect(res.stdout).toMatch(/check on the last 1,800 rows, not used to choose:\n {2}one threshold \(0\.\d+\): recall \d+\.\d%/);

    const json = JSON.parse(readFileSync(join(dir, 'out/sim.json'), 'utf8'));
    expect(json.model).toEqual({ name: 'default', version: '1' });
    expect([json.fitRows, json.checkRows, json.period]).toEqual([4200, 1800, 'day']);
    expect(json.chosen.recall).toBeGreaterThanOrEqual(0.95);
    expect(json.chosen.workload.hours).toBeCloseTo((json.chosen.reviewed * 10) / 60, 9);
    expect(json.curve.threshold).toHaveLength(json.totals.distinctThresholds);
    expect(json.curve.recall).toHaveLength(json.totals.distinctThresholds);
    expect(json.curve.threshold).toContain(json.chosen.threshold);
    const sanctions = json.groups.groups.find((g: { key: string }) => g.key === 'scr_sanctions');
    expect([sanctions.threshold, sanctions.closed]).toEqual([null, 0]);
    expect(json.groups.perGroup.recall).toBeGreaterThanOrEqual(0.95);
    expect(json.groups.perGroup.closed).toBeGreaterThanOrEqual(json.groups.global.closed);
    expect(json.check.perGroup.recall).toBeGreaterThan(0.8);

    const svg = readFileSync(join(dir, 'out/sim.svg'), 'utf8');
    const root = checkXml(svg);
    expect(root.root).toBe('svg');
    expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg).toContain('chosen: close below');
    expect(svg).toContain('One threshold per rule_id, chosen together for 95.0% overall recall');
  });

  it('respects an alert budget per day, and one as a share of alerts', () => {
    const res = runCli([...BASE, '--alert-budget', '15', '--period', 'day', '--json', 'budget.json'], dir);
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'budget.json'), 'utf8'));
    expect(json.chosen.workload.reviewedPerPeriod).toBeLessThanOrEqual(15);
    expect(json.maxReviewed).toBeCloseTo(15 * json.fitPeriods, 6);
    const share = JSON.parse((runCli([...BASE, '--review-share', '0.4', '--json', 'share.json'], dir), readFileSync(join(dir, 'share.json'), 'utf8')));
    expect(share.chosen.reviewed).toBeLessThanOrEqual(0.4 * 6000);
  });

  it("never closes what 'winnow serve' never closes, unless told otherwise", () => {
    const byDefault = runCli(BASE, dir);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(byDefault.stdout).toMatch(/never suppressed \(always reviewed, whatever the score\): scr_sanctions: /);
    const none = runCli([...BASE, '--never-suppress', ''], dir);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).not.toContain('never suppressed');
  });

  it('names a label column the file does not have', () => {
    const res = runCli(['simulate', '--model', MODEL, '--data', 'alerts.csv', '--label', 'is_fraud'], dir);
    expect(res.code).toBe(1);
    // Reading progress comes first; the error starts a line of its own.
    expect(res.stderr).toMatch(/^winnow simulate: alerts\.csv: no label column 'is_fraud' \(columns: alert_id, occurred_at, entity_id, rule_id/m);
  });

  it('refuses data without true positives, clearly', () => {
    const lines = readFileSync(join(dir, 'alerts.csv'), 'utf8').trimEnd().split('\n');
    const label = lines[0].split(',').indexOf('is_true_positive');
    const negatives = lines.slice(0, 400).map((l, i) => (i === 0 ? l : l.split(',').map((c, j) => (j === label ? '0' : c)).join(',')));
    writeFileSync(join(dir, 'negatives.csv'), negatives.join('\n') + '\n');
    const res = runCli(['simulate', '--model', MODEL, '--data', 'negatives.csv', '--label', 'is_true_positive'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('winnow simulate: no true positives among the 399 alerts (all labels are 0, or their weights are 0): recall is undefined, so thresholds cannot be compared');
  });

  it.each([
    [['--target-recall', '0.95', '--alert-budget', '10'], 'give one of --target-recall, --alert-budget and --review-share'],
    [['--target-recall', '1.5'], "--target-recall must be a number in (0, 1], got '1.5'"],
    [['--by', 'customer'], "--by must be rule or segment, got 'customer' (any other column: --by-column COL)"],
    [['--period', 'year', '--alert-budget', '5'], "--period must be one of day, week, month, got 'year'"],
    [['--chart', 'out.png'], "--chart writes SVG: give a file ending in .svg, got 'out.png'"],
  ])('usage error for %j', (extra, message) => {
    const res = runCli([...BASE, ...extra], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`winnow simulate: ${message}`);
  });
});
