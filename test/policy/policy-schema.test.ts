/** @module The policy schema: what a policy file may hold, its defaults, and the exact error for each broken rule. */
import { describe, expect, it } from 'vitest';
import { PolicyError, compilePolicy, decisionResultSchema, parsePolicy, policySchema } from '../../src/policy/index.ts';
import { samplePolicy } from './fixtures.ts';

/** Message of the error parsePolicy throws after an edit of the sample policy, or 'valid'. */
function errorAfter(edit: (p: any) => void): string {
  try {
    parsePolicy(samplePolicy(edit));
    return 'valid';
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
}

describe('policySchema', () => {
  it('accepts the sample policy as it is', () => {
    const p = parsePolicy(samplePolicy());
    expect(p.bands.map((b) => b.name)).toEqual(['low', 'medium', 'high']);
    expect(Object.keys(p.overrides.rules)).toEqual(['tm_structuring']);
  });

  it('round-trips through JSON, as a policy file does', () => {
    const p = parsePolicy(samplePolicy());
    expect(parsePolicy(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('fills empty overrides when a file leaves them out', () => {
    const p = parsePolicy(samplePolicy((p) => delete p.overrides));
    expect(p.overrides).toEqual({ rules: {}, segments: {} });
    expect(parsePolicy(samplePolicy((p) => (p.overrides = { rules: {} }))).overrides.segments).toEqual({});
  });

  it('accepts a single open-ended band and a ladder that repeats a decision', () => {
    expect(errorAfter((p) => (p.bands = [{ name: 'all', decision: 'review' }]))).toBe('valid');
    expect(errorAfter((p) => p.bands.splice(2, 0, { name: 'elevated', below: 0.8, decision: 'review' }))).toBe('valid');
    expect(errorAfter((p) => (p.bands[1].below = 1))).toBe('valid');
  });

  it.each([
    { name: 'non-increasing thresholds', edit: (p: any) => (p.bands[1].below = 0.01), want: 'invalid policy: bands.1.below: must be greater than bands.0.below (0.01 <= 0.01)' },
    { name: 'decreasing thresholds', edit: (p: any) => ((p.bands[0].below = 0.3), (p.bands[1].below = 0.2)), want: 'invalid policy: bands.1.below: must be greater than bands.0.below (0.2 <= 0.3)' },
    { name: 'two open-ended bands', edit: (p: any) => delete p.bands[0].below, want: 'invalid policy: bands.0.below: is required: only the last band (bands.2) is open-ended' },
    { name: 'closed last band', edit: (p: any) => (p.bands[2].below = 1), want: 'invalid policy: bands.2.below: must be absent: the last band is open-ended and takes every higher score' },
    { name: 'unknown decision', edit: (p: any) => (p.bands[0].decision = 'close'), want: 'invalid policy: bands.0.decision: must be one of auto_close, review, escalate (got "close")' },
    { name: 'sample rate of 1', edit: (p: any) => (p.belowTheLineSampleRate = 1), want: 'invalid policy: belowTheLineSampleRate: must be less than 1 (got 1): a rate of 1 would review every would-be closure; use a ladder without auto_close instead' },
    { name: 'sample rate above 1', edit: (p: any) => (p.belowTheLineSampleRate = 1.5), want: /^invalid policy: belowTheLineSampleRate: must be less than 1 \(got 1\.5\)/ },
    { name: 'negative sample rate', edit: (p: any) => (p.belowTheLineSampleRate = -0.1), want: 'invalid policy: belowTheLineSampleRate: must be at least 0 (got -0.1)' },
    { name: 'duplicate band names', edit: (p: any) => (p.bands[2].name = 'low'), want: 'invalid policy: bands.2.name: duplicate band name "low" (also bands.0.name)' },
    { name: 'threshold of 0', edit: (p: any) => (p.bands[0].below = 0), want: 'invalid policy: bands.0.below: must be greater than 0 (got 0)' },
    { name: 'threshold above 1', edit: (p: any) => (p.bands[1].below = 1.2), want: 'invalid policy: bands.1.below: must be at most 1 (got 1.2)' },
    { name: 'threshold as a string', edit: (p: any) => (p.bands[0].below = '0.01'), want: 'invalid policy: bands.0.below: must be a number (got "0.01")' },
    { name: 'milder decision above a harsher one', edit: (p: any) => (p.bands[2].decision = 'auto_close'), want: 'invalid policy: bands.2.decision: must not be lower than bands.1.decision (auto_close < review)' },
    { name: 'empty ladder', edit: (p: any) => (p.bands = []), want: 'invalid policy: bands: must have at least one band' },
    { name: 'empty band name', edit: (p: any) => (p.bands[1].name = ''), want: 'invalid policy: bands.1.name: must not be empty' },
    { name: 'empty version', edit: (p: any) => (p.version = ''), want: 'invalid policy: version: must not be empty' },
    { name: 'missing neverSuppress', edit: (p: any) => delete p.neverSuppress, want: 'invalid policy: neverSuppress: Invalid input: expected array, received undefined' },
    { name: 'misspelt key', edit: (p: any) => (p.neverSupress = []), want: "invalid policy: neverSupress: unknown key; did you mean 'neverSuppress'? (allowed here: version, bands, overrides, neverSuppress, belowTheLineSampleRate)" },
    { name: 'empty never-suppress rule id', edit: (p: any) => (p.neverSuppress = ['']), want: 'invalid policy: neverSuppress.0: must not be empty' },
    {
      name: 'broken rule override, with its full path',
      edit: (p: any) => (p.overrides.rules.tm_structuring.bands[1].below = 0.05),
      want: 'invalid policy: overrides.rules.tm_structuring.bands.1.below: must be greater than bands.0.below (0.05 <= 0.05)',
    },
    {
      name: 'broken segment override, with its full path',
      edit: (p: any) => (p.overrides.segments.vip.bands[1].name = 's_medium'),
      want: 'invalid policy: overrides.segments.vip.bands.1.name: duplicate band name "s_medium" (also bands.0.name)',
    },
    { name: 'unknown override kind', edit: (p: any) => (p.overrides.entities = {}), want: 'invalid policy: overrides.entities: unknown key (allowed here: rules, segments)' },
  ])('rejects $name', ({ edit, want }) => {
    if (typeof want === 'string') expect(errorAfter(edit)).toBe(want);
    else expect(errorAfter(edit)).toMatch(want);
  });

  it('counts further issues in the message and keeps them all', () => {
    const err = (() => {
      try {
        parsePolicy(samplePolicy((p) => ((p.version = ''), (p.belowTheLineSampleRate = 2))), 'policies/strict.json');
      } catch (e) {
        return e as PolicyError;
      }
    })();
    expect(err?.name).toBe('PolicyError');
    expect(err?.message).toBe('invalid policies/strict.json: version: must not be empty (and 1 more issue)');
    expect(err?.issues.map((i) => i.path)).toEqual(['version', 'belowTheLineSampleRate']);
  });

  it('gives the same issue paths through safeParse, for callers that collect issues themselves', () => {
    const res = policySchema.safeParse(samplePolicy((p) => (p.bands[1].below = 0.001)));
    expect(res.success).toBe(false);
    expect(res.error?.issues.map((i) => i.path.join('.'))).toEqual(['bands.1.below']);
  });

  it('compilePolicy validates a policy built in code as strictly as a file', () => {
    expect(() => compilePolicy(samplePolicy((p) => (p.bands[0].decision = 'close')), 'built policy')).toThrow(
      'invalid built policy: bands.0.decision: must be one of auto_close, review, escalate (got "close")',
    );
  });
});

describe('decisionResultSchema', () => {
  it('accepts scored and degraded decisions and rejects an unknown reason', () => {
    const scored = { band: 'low', decision: 'auto_close', reason: 'score', sample: false, degraded: false, policyVersion: 'v' };
    expect(decisionResultSchema.parse(scored)).toEqual(scored);
    expect(decisionResultSchema.safeParse({ ...scored, band: null, reason: 'not_scored', degraded: true, why: 'timeout' }).success).toBe(true);
    expect(decisionResultSchema.safeParse({ ...scored, reason: 'hunch' }).success).toBe(false);
  });
});
