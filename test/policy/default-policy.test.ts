/** @module policyFromThresholds: the ladder a bundle's recommended thresholds imply, its options and its refusals. */
import { describe, expect, it } from 'vitest';
import { compilePolicy, decide, policyFromThresholds } from '../../src/policy/index.ts';

// The default model's recommended thresholds (models/default/1/manifest.json), rounded.
const thresholds = { recall95: 0.0078, recall99: 0.0024 };

describe('policyFromThresholds', () => {
  it('closes below recall95, reviews up to 0.5, escalates above, samples 2% and names every choice in its version', () => {
    expect(policyFromThresholds(thresholds)).toEqual({
      version: 'default:recall95<0.0078:escalate>=0.5:sample=0.02:never=',
      bands: [
        { name: 'low', below: 0.0078, decision: 'auto_close' },
        { name: 'medium', below: 0.5, decision: 'review' },
        { name: 'high', decision: 'escalate' },
      ],
      overrides: { rules: {}, segments: {} },
      neverSuppress: [],
      belowTheLineSampleRate: 0.02,
    });
  });

  it('takes the closing recall, escalation threshold, never-suppress rules, sample rate and version as options', () => {
    const p = policyFromThresholds(thresholds, {
      closeBelow: 'recall99',
      escalateAt: 0.3,
      neverSuppress: ['scr_sanctions', 'scr_terrorist_financing'],
      belowTheLineSampleRate: 0.05,
    });
    expect(p.bands.map((b) => b.below)).toEqual([0.0024, 0.3, undefined]);
    expect(p.neverSuppress).toEqual(['scr_sanctions', 'scr_terrorist_financing']);
    expect(p.version).toBe('default:recall99<0.0024:escalate>=0.3:sample=0.05:never=scr_sanctions,scr_terrorist_financing');
    expect(policyFromThresholds(thresholds, { version: 'aml-default/1' }).version).toBe('aml-default/1');
  });

  it('decides the default model’s alerts as a compliance lead expects', () => {
    const policy = compilePolicy(policyFromThresholds(thresholds, { neverSuppress: ['scr_sanctions'], belowTheLineSampleRate: 0 }));
    const at = (ruleId: string, score: number) => decide(policy, { alertId: 'a', ruleId, score }).decision;
    expect([at('tm_structuring', 0.001), at('tm_structuring', 0.0078), at('tm_structuring', 0.5)]).toEqual(['auto_close', 'review', 'escalate']);
    expect(at('scr_sanctions', 0.001)).toBe('review');
  });

  it('leaves out the closing band when the threshold is 0, since no score is below it', () => {
    expect(policyFromThresholds({ recall95: 0, recall99: 0 }).bands.map((b) => b.name)).toEqual(['medium', 'high']);
  });

  it.each([
    { name: 'escalation at or below the closing threshold', args: { escalateAt: 0.0078 }, want: 'invalid default policy: escalateAt: must be above the recall95 threshold and at most 1 (0.0078 vs 0.0078)' },
    { name: 'escalation above 1', args: { escalateAt: 1.5 }, want: 'invalid default policy: escalateAt: must be above the recall95 threshold and at most 1 (1.5 vs 0.0078)' },
    { name: 'sample rate of 1', args: { belowTheLineSampleRate: 1 }, want: /^invalid default policy: belowTheLineSampleRate: must be less than 1 \(got 1\)/ },
    { name: 'empty never-suppress rule id', args: { neverSuppress: [''] }, want: 'invalid default policy: neverSuppress.0: must not be empty' },
  ])('refuses $name', ({ args, want }) => {
    expect(() => policyFromThresholds(thresholds, args)).toThrow(want);
  });

  it('refuses a threshold that is not a probability', () => {
    expect(() => policyFromThresholds({ recall95: NaN, recall99: 0 })).toThrow('invalid default policy: thresholds.recall95: must be a probability in [0, 1] (got NaN)');
  });
});
