/** @module decide and failOpen on table-driven cases: ladder boundaries, override precedence, never-suppress, failing open. */
import { describe, expect, it } from 'vitest';
import { decide, failOpen } from '../../src/policy/index.ts';
import type { DecideInput } from '../../src/policy/index.ts';
import { compiled } from './fixtures.ts';

const policy = compiled();

/** Band, decision and reason of one decision as a short string, so a table row reads at a glance. */
function outcome(args: Partial<DecideInput> & { score: number }): string {
  const d = decide(policy, { alertId: 'a-1', ruleId: 'tm_rapid_in_out', ...args });
  return `${d.band}/${d.decision}/${d.reason}`;
}

describe('decide: ladder boundaries (below is exclusive)', () => {
  it.each([
    { name: 'zero', args: { score: 0 }, want: 'low/auto_close/score' },
    { name: 'just under the first threshold', args: { score: 0.009999999 }, want: 'low/auto_close/score' },
    { name: 'exactly at the first threshold', args: { score: 0.01 }, want: 'medium/review/score' },
    { name: 'just under the second threshold', args: { score: 0.4999999 }, want: 'medium/review/score' },
    { name: 'exactly at the second threshold', args: { score: 0.5 }, want: 'high/escalate/score' },
    { name: 'one', args: { score: 1 }, want: 'high/escalate/score' },
  ])('$name', ({ args, want }) => {
    expect(outcome(args)).toBe(want);
  });
});

describe('decide: overrides (rule over segment over default)', () => {
  it.each([
    { name: 'no override: default ladder', args: { ruleId: 'tm_rapid_in_out', score: 0.03 }, want: 'medium/review/score' },
    { name: 'rule override', args: { ruleId: 'tm_structuring', score: 0.03 }, want: 'r_low/auto_close/score' },
    { name: 'rule override at its own threshold', args: { ruleId: 'tm_structuring', score: 0.3 }, want: 'r_high/escalate/score' },
    { name: 'segment override', args: { segment: 'vip', score: 0.001 }, want: 's_medium/review/score' },
    { name: 'segment override at its threshold', args: { segment: 'vip', score: 0.2 }, want: 's_high/escalate/score' },
    { name: 'rule override beats segment override', args: { ruleId: 'tm_structuring', segment: 'vip', score: 0.001 }, want: 'r_low/auto_close/score' },
    { name: 'unknown segment: default ladder', args: { segment: 'retail', score: 0.001 }, want: 'low/auto_close/score' },
    { name: 'null segment: default ladder', args: { segment: null, score: 0.001 }, want: 'low/auto_close/score' },
  ])('$name', ({ args, want }) => {
    expect(outcome(args)).toBe(want);
  });
});

describe('decide: never-suppress rules', () => {
  it.each([
    { name: 'lifts a would-be closure to review', args: { ruleId: 'scr_sanctions', score: 0 }, want: 'low/review/never_suppress' },
    { name: 'applies to every listed rule', args: { ruleId: 'scr_terrorist_financing', score: 0.005 }, want: 'low/review/never_suppress' },
    { name: 'leaves a review from the score alone', args: { ruleId: 'scr_sanctions', score: 0.2 }, want: 'medium/review/score' },
    { name: 'never lowers an escalate', args: { ruleId: 'scr_sanctions', score: 0.9 }, want: 'high/escalate/score' },
    { name: 'still applies inside a segment override', args: { ruleId: 'scr_sanctions', segment: 'vip', score: 0.9 }, want: 's_high/escalate/score' },
  ])('$name', ({ args, want }) => {
    expect(outcome(args)).toBe(want);
  });

  it('beats a rule override that would close', () => {
    const p = compiled((p) => p.neverSuppress.push('tm_structuring'));
    expect(decide(p, { alertId: 'x', ruleId: 'tm_structuring', score: 0.02 })).toMatchObject({ band: 'r_low', decision: 'review', reason: 'never_suppress', sample: false });
  });

  it('wins over a sample: a never-suppress alert is not counted as a below-the-line sample', () => {
    const p = compiled((p) => (p.belowTheLineSampleRate = 0.999));
    expect(decide(p, { alertId: 'x', ruleId: 'scr_sanctions', score: 0 })).toMatchObject({ reason: 'never_suppress', sample: false });
  });
});

describe('decide: the result', () => {
  it('carries the policy version and says it was not degraded', () => {
    expect(decide(policy, { alertId: 'a-9', ruleId: 'acc_tor', score: 0.7 })).toEqual({
      band: 'high',
      decision: 'escalate',
      reason: 'score',
      sample: false,
      degraded: false,
      policyVersion: 'test-1',
    });
  });

  it.each([
    { name: 'NaN', score: NaN },
    { name: 'a negative score', score: -0.01 },
    { name: 'a score above 1', score: 1.5 },
    { name: 'infinity', score: Infinity },
  ])('fails open on $name, which no model should output', ({ score }) => {
    expect(decide(policy, { alertId: 'a-1', ruleId: 'tm_structuring', score })).toEqual({
      band: null,
      decision: 'review',
      reason: 'not_scored',
      sample: false,
      degraded: true,
      policyVersion: 'test-1',
      why: 'score is not a probability in [0, 1]',
    });
  });
});

describe('failOpen', () => {
  it('reviews an unscored alert, flagged as degraded, with the reason given', () => {
    expect(failOpen(policy, 'a-1', 'model timeout after 50 ms')).toEqual({
      band: null,
      decision: 'review',
      reason: 'not_scored',
      sample: false,
      degraded: true,
      policyVersion: 'test-1',
      why: 'model timeout after 50 ms',
    });
  });

  it('works from the uncompiled policy too, since it needs only the version', () => {
    expect(failOpen({ version: 'v7' }, 'a-1', 'bad item').policyVersion).toBe('v7');
  });
});
