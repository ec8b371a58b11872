/** A serving policy with its closing threshold moved: what is closed below it, what is kept above it, and what never changes. */
import { describe, expect, it } from 'vitest';
import { closeBelow, policyClosingBelow } from '../../src/policy/close-below.ts';
import { type Band, compilePolicy, decide, parsePolicy, policyFromThresholds } from '../../src/policy/index.ts';

const ladder: Band[] = [
  { name: 'low', below: 0.05, decision: 'auto_close' },
  { name: 'medium', below: 0.5, decision: 'review' },
  { name: 'high', decision: 'escalate' },
];

describe('closeBelow', () => {
  it('moves the closing band and keeps the bands above it', () => {
    expect(closeBelow(ladder, 0.1)).toEqual([{ name: 'low', below: 0.1, decision: 'auto_close' }, ladder[1], ladder[2]]);
    expect(closeBelow(ladder, 0.01)).toEqual([{ name: 'low', below: 0.01, decision: 'auto_close' }, ladder[1], ladder[2]]);
  });

  it('drops bands that end at or below the threshold', () => {
    expect(closeBelow(ladder, 0.5)).toEqual([{ name: 'low', below: 0.5, decision: 'auto_close' }, ladder[2]]);
    expect(closeBelow(ladder, 1)).toEqual([{ name: 'low', below: 1, decision: 'auto_close' }, ladder[2]]);
  });

  it('closes nothing at 0, and merges several closing bands into one', () => {
    expect(closeBelow(ladder, 0)).toEqual([ladder[1], ladder[2]]);
    const two: Band[] = [{ name: 'none', below: 0.01, decision: 'auto_close' }, { name: 'low', below: 0.05, decision: 'auto_close' }, ...ladder.slice(1)];
    expect(closeBelow(two, 0.2)).toEqual([{ name: 'none', below: 0.2, decision: 'auto_close' }, ladder[1], ladder[2]]);
  });

  it('reviews what a close-everything ladder no longer closes, and never reuses a band name', () => {
    expect(closeBelow([{ name: 'all', decision: 'auto_close' }], 0.3)).toEqual([{ name: 'all', below: 0.3, decision: 'auto_close' }, { name: 'review', decision: 'review' }]);
    const noClosing: Band[] = [{ name: 'low', below: 0.4, decision: 'review' }, { name: 'high', decision: 'escalate' }];
    expect(closeBelow(noClosing, 0.1).map((b) => b.name)).toEqual(['low-closed', 'low', 'high']);
  });

  it('refuses a threshold that is not a score', () => {
    for (const t of [-0.1, 1.5, Number.NaN]) expect(() => closeBelow(ladder, t)).toThrow(/score in \[0, 1\]/);
  });
});

describe('policyClosingBelow', () => {
  const base = parsePolicy({
    version: 'base-1',
    bands: ladder,
    overrides: {
      rules: { tm_fast: { bands: [{ name: 'l', below: 0.02, decision: 'auto_close' }, { name: 'm', below: 0.3, decision: 'review' }, { name: 'h', decision: 'escalate' }] } },
      segments: { vip: { bands: [{ name: 'l', below: 0.01, decision: 'auto_close' }, { name: 'm', decision: 'review' }] } },
    },
    neverSuppress: ['scr_sanctions'],
    belowTheLineSampleRate: 0.03,
  });

  it('closes below the threshold everywhere, keeping never-suppress and the sample rate', () => {
    const p = policyClosingBelow(base, { threshold: 0.08, versionPrefix: 'thresholds:test' });
    expect(p.bands[0]).toEqual({ name: 'low', below: 0.08, decision: 'auto_close' });
    expect(p.overrides.rules.tm_fast.bands[0].below).toBe(0.08);
    expect(p.overrides.segments.vip.bands[0].below).toBe(0.08);
    expect(p.neverSuppress).toEqual(['scr_sanctions']);
    expect(p.belowTheLineSampleRate).toBe(0.03);
    expect(p.version).toMatch(/^thresholds:test:[0-9a-f]{12}$/);
    const compiled = compilePolicy({ ...p, belowTheLineSampleRate: 0 });
    expect(decide(compiled, { alertId: 'a', ruleId: 'tm_x', score: 0.079 }).decision).toBe('auto_close');
    expect(decide(compiled, { alertId: 'a', ruleId: 'tm_x', score: 0.08 }).decision).toBe('review');
    expect(decide(compiled, { alertId: 'a', ruleId: 'scr_sanctions', score: 0.001 }).decision).toBe('review');
  });

  it('gives rules with their own threshold an override built from their base ladder', () => {
    const p = policyClosingBelow(base, { threshold: 0.08, rules: { tm_fast: 0.2, tm_slow: 0.01 }, versionPrefix: 'x' });
    expect(p.overrides.rules.tm_fast.bands.map((b) => [b.name, b.below])).toEqual([['l', 0.2], ['m', 0.3], ['h', undefined]]);
    expect(p.overrides.rules.tm_slow.bands.map((b) => [b.name, b.below])).toEqual([['low', 0.01], ['medium', 0.5], ['high', undefined]]);
  });

  it('names different policies differently', () => {
    const a = policyClosingBelow(base, { threshold: 0.08, versionPrefix: 'x' });
    const b = policyClosingBelow(base, { threshold: 0.09, versionPrefix: 'x' });
    expect(a.version).not.toBe(b.version);
    expect(policyClosingBelow(base, { threshold: 0.08, versionPrefix: 'x' }).version).toBe(a.version);
  });

  it('builds on the default policy a bundle implies', () => {
    const p = policyClosingBelow(policyFromThresholds({ recall95: 0.04, recall99: 0.01 }, { neverSuppress: ['scr_sanctions'] }), { threshold: 0.03, versionPrefix: 'x' });
    expect(p.bands.map((b) => [b.decision, b.below])).toEqual([['auto_close', 0.03], ['review', 0.5], ['escalate', undefined]]);
  });
});
