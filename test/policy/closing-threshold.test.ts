import { describe, expect, it } from 'vitest';
import { closingThreshold } from '../../src/policy/closing-threshold.ts';
import { compilePolicy, decide } from '../../src/policy/index.ts';

const policy = compilePolicy({
  version: 't', neverSuppress: ['scr_sanctions'], belowTheLineSampleRate: 0,
  bands: [{ name: 'low', below: 0.1, decision: 'auto_close' }, { name: 'lower', below: 0.2, decision: 'auto_close' }, { name: 'mid', below: 0.6, decision: 'review' }, { name: 'high', decision: 'escalate' }],
  overrides: {
    rules: { strict: { bands: [{ name: 'all', decision: 'review' }] }, lax: { bands: [{ name: 'all', decision: 'auto_close' }] } },
    segments: { vip: { bands: [{ name: 'low', below: 0.05, decision: 'auto_close' }, { name: 'rest', decision: 'review' }] } },
  },
});

describe('closingThreshold', () => {
  it('is the top of the closing bands of the ladder that applies', () => {
    expect(closingThreshold(policy, 'tm', undefined)).toBe(0.2);
    expect(closingThreshold(policy, 'tm', 'vip')).toBe(0.05);
    expect(closingThreshold(policy, 'strict', 'vip')).toBe(0);
    expect(closingThreshold(policy, 'lax')).toBe(Infinity);
  });

  it('is 0 for a never-suppress rule', () => {
    expect(closingThreshold(policy, 'scr_sanctions')).toBe(0);
  });

  it('agrees with decide: below it closes, at it does not', () => {
    for (const [ruleId, segment] of [['tm', undefined], ['tm', 'vip']] as const) {
      const t = closingThreshold(policy, ruleId, segment);
      expect(decide(policy, { alertId: 'a', ruleId, segment, score: t - 1e-9 }).decision).toBe('auto_close');
      expect(decide(policy, { alertId: 'a', ruleId, segment, score: t }).decision).not.toBe('auto_close');
    }
  });
});
