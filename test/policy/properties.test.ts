/** @module Properties of decide over random policies and alerts: monotone in score, never-suppress holds, deterministic. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECISIONS, DECISION_PRIORITY, compilePolicy, decide } from '../../src/policy/index.ts';
import type { Band, CompiledPolicy, Decision, PolicyInput } from '../../src/policy/index.ts';

const RULES = ['r_a', 'r_b', 'r_c', 'scr_sanctions'];
const SEGMENTS = ['s_a', 's_b'];

/** A valid ladder: 1–5 bands, strictly increasing thresholds in (0, 1], decisions non-decreasing. */
const ladderArb = fc
  .tuple(
    fc.uniqueArray(fc.double({ min: 1e-6, max: 1, noNaN: true }), { maxLength: 4 }),
    fc.array(fc.constantFrom(...DECISIONS), { minLength: 5, maxLength: 5 }),
  )
  .map(([cuts, picks]): Band[] => {
    const below = [...cuts].sort((a, b) => a - b);
    const decisions = picks.slice(0, below.length + 1).sort((a, b) => DECISION_PRIORITY[a] - DECISION_PRIORITY[b]);
    return decisions.map((decision, i) => (i < below.length ? { name: `b${i}`, below: below[i], decision } : { name: `b${i}`, decision }));
  });

const policyArb: fc.Arbitrary<CompiledPolicy> = fc
  .record({
    version: fc.string({ minLength: 1, maxLength: 8 }),
    bands: ladderArb,
    rules: fc.dictionary(fc.constantFrom(...RULES), ladderArb.map((bands) => ({ bands }))),
    segments: fc.dictionary(fc.constantFrom(...SEGMENTS), ladderArb.map((bands) => ({ bands }))),
    neverSuppress: fc.subarray(RULES),
    belowTheLineSampleRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.999, noNaN: true })),
  })
  .map(({ rules, segments, ...rest }): PolicyInput => ({ ...rest, overrides: { rules, segments } }))
  .map((p) => compilePolicy(p));

const alertArb = fc.record({
  alertId: fc.string({ maxLength: 12 }),
  ruleId: fc.constantFrom(...RULES, 'r_unlisted'),
  segment: fc.option(fc.constantFrom(...SEGMENTS, 's_unlisted'), { nil: undefined }),
});
const scoreArb = fc.double({ min: 0, max: 1, noNaN: true });

const rank = (d: Decision): number => DECISION_PRIORITY[d];

describe('decide properties', () => {
  it('is monotone non-decreasing in score for a fixed alert (a sample only lifts auto_close to review)', () => {
    fc.assert(
      fc.property(policyArb, alertArb, scoreArb, scoreArb, (policy, alert, s1, s2) => {
        const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const a = decide(policy, { ...alert, score: lo });
        const b = decide(policy, { ...alert, score: hi });
        expect(rank(a.decision)).toBeLessThanOrEqual(rank(b.decision));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives a never-suppress rule at least review, and never turns an escalate down', () => {
    fc.assert(
      fc.property(policyArb, alertArb, scoreArb, (policy, alert, score) => {
        const d = decide(policy, { ...alert, score });
        if (policy.neverSuppress.has(alert.ruleId)) expect(d.decision).not.toBe('auto_close');
        const unguarded = decide(compilePolicy({ ...policy.policy, neverSuppress: [], belowTheLineSampleRate: 0 }), { ...alert, score });
        expect(rank(d.decision)).toBeGreaterThanOrEqual(rank(unguarded.decision));
        expect(d.band).toBe(unguarded.band);
        // Guardrails only ever turn auto_close into review.
        if (d.decision !== unguarded.decision) expect([unguarded.decision, d.decision]).toEqual(['auto_close', 'review']);
      }),
      { numRuns: 500 },
    );
  });

  it('flags a sample only on a review the score alone would have closed', () => {
    fc.assert(
      fc.property(policyArb, alertArb, scoreArb, (policy, alert, score) => {
        const d = decide(policy, { ...alert, score });
        expect(d.sample).toBe(d.reason === 'below_the_line_sample');
        if (d.sample) expect(d.decision).toBe('review');
        if (d.sample) expect(policy.neverSuppress.has(alert.ruleId)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic: the same policy and alert give the same decision, even from a recompiled policy', () => {
    fc.assert(
      fc.property(policyArb, alertArb, scoreArb, (policy, alert, score) => {
        const first = decide(policy, { ...alert, score });
        expect(decide(policy, { ...alert, score })).toEqual(first);
        expect(decide(compilePolicy(policy.policy), { ...alert, score })).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });
});
