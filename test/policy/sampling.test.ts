/** @module Below-the-line sampling: the hash against published vectors and a reference, determinism, rate and independence. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { belowTheLineDraw, decide, fnv1a64Hex } from '../../src/policy/index.ts';
import type { CompiledPolicy } from '../../src/policy/index.ts';
import { compiled } from './fixtures.ts';

const N = 100_000;
const ids = Array.from({ length: N }, (_, i) => `alert-${String(i).padStart(6, '0')}`);

/** FNV-1a 64 the slow, obvious way (BigInt over TextEncoder bytes), to check the allocation-free one. */
function referenceFnv(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

/** Share of would-be closures (score 0, an ordinary rule) that the policy samples. */
function sampledShare(policy: CompiledPolicy): number {
  let sampled = 0;
  for (const alertId of ids) if (decide(policy, { alertId, ruleId: 'tm_rapid_in_out', score: 0 }).sample) sampled++;
  return sampled / N;
}

describe('fnv1a64Hex', () => {
  it.each([
    { name: 'empty string', args: '', want: 'cbf29ce484222325' },
    { name: '"a"', args: 'a', want: 'af63dc4c8601ec8c' },
    { name: '"foobar"', args: 'foobar', want: '85944171f73967e8' },
  ])('matches the published FNV-1a 64 vector of the $name', ({ args, want }) => {
    expect(fnv1a64Hex(args)).toBe(want);
  });

  it('equals a BigInt reference over the UTF-8 bytes of any string, lone surrogates included', () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: codeUnit }));
    fc.assert(fc.property(text, (t) => fnv1a64Hex(t) === referenceFnv(t)), { numRuns: 2000 });
  });
});

describe('belowTheLineSampleRate', () => {
  it('draws the same number for the same (version, alert id), and another under another version', () => {
    expect(belowTheLineDraw('test-1', 'alert-1')).toBe(belowTheLineDraw('test-1', 'alert-1'));
    expect(belowTheLineDraw('test-1', 'alert-1')).not.toBe(belowTheLineDraw('test-2', 'alert-1'));
    // Version and id are separated by a 0x00 byte, so moving characters across the boundary changes the draw.
    expect(belowTheLineDraw('test-1', 'a')).not.toBe(belowTheLineDraw('test-1a', ''));
  });

  it('samples exactly the alerts whose draw is below the rate, identically in two compiled copies', () => {
    const a = compiled((p) => (p.belowTheLineSampleRate = 0.3));
    const b = compiled((p) => (p.belowTheLineSampleRate = 0.3));
    for (const alertId of ids.slice(0, 2000)) {
      const d = decide(a, { alertId, ruleId: 'acc_tor', score: 0 });
      expect(d).toEqual(decide(b, { alertId, ruleId: 'acc_tor', score: 0 }));
      expect(d.sample).toBe(belowTheLineDraw('test-1', alertId) < 0.3);
    }
  });

  it.each([{ rate: 0.02 }, { rate: 0.1 }, { rate: 0.001 }])('honours a rate of $rate within 0.003 over 100k ids', ({ rate }) => {
    expect(Math.abs(sampledShare(compiled((p) => (p.belowTheLineSampleRate = rate))) - rate)).toBeLessThan(0.003);
  });

  it('never samples at rate 0', () => {
    expect(sampledShare(compiled((p) => (p.belowTheLineSampleRate = 0)))).toBe(0);
  });

  it('marks a sample as a review of a would-be closure, keeping its band', () => {
    const p = compiled((p) => (p.belowTheLineSampleRate = 0.5));
    const alertId = ids.find((id) => belowTheLineDraw('test-1', id) < 0.5) as string;
    expect(decide(p, { alertId, ruleId: 'acc_tor', score: 0.001 })).toEqual({
      band: 'low',
      decision: 'review',
      reason: 'below_the_line_sample',
      sample: true,
      degraded: false,
      policyVersion: 'test-1',
    });
    expect(decide(p, { alertId, ruleId: 'acc_tor', score: 0.2 })).toMatchObject({ decision: 'review', reason: 'score', sample: false });
  });

  it('draws uniformly, with neighbouring ids uncorrelated and versions independent', () => {
    const draws = ids.map((id) => belowTheLineDraw('test-1', id));
    const bins = new Array<number>(20).fill(0);
    for (const u of draws) bins[Math.floor(u * 20)]++;
    // Each bin expects 5000 ± 69 (one standard deviation); 350 is five of them.
    for (const count of bins) expect(Math.abs(count - N / 20)).toBeLessThan(350);
    let lag = 0;
    for (let i = 1; i < N; i++) lag += (draws[i] - 0.5) * (draws[i - 1] - 0.5);
    // Correlation of consecutive draws: its standard error is 1/sqrt(N) ≈ 0.003.
    expect(Math.abs(lag / (N - 1) / (1 / 12))).toBeLessThan(0.015);
    // Under two versions, the share sampled by both should be the product of the rates (0.1 × 0.2 = 2,000 of 100k).
    const both = ids.filter((id, i) => draws[i] < 0.1 && belowTheLineDraw('test-2', id) < 0.2).length;
    expect(Math.abs(both / N - 0.02)).toBeLessThan(0.003);
  });
});
