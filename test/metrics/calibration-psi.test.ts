/** @module Reliability table, ECE, histogram binning and PSI: worked examples plus invariants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibration, calibrationBinOf, histogram, psi } from '../../src/metrics/index.ts';

describe('calibration', () => {
  it('builds the reliability table and ECE by hand', () => {
    // bin 1 holds .15 twice (one positive): predicted .15 vs observed .5; bin 8 holds .85 twice, both positive.
    const c = calibration([0, 1, 1, 1], [0.15, 0.15, 0.85, 0.85], 10);
    expect(c.bins).toHaveLength(10);
    expect(c.bins[1]).toEqual({ lower: 0.1, upper: 0.2, count: 2, weight: 2, meanPredicted: 0.15, observedRate: 0.5 });
    expect(c.bins[8]).toMatchObject({ count: 2, meanPredicted: 0.85, observedRate: 1 });
    expect(c.bins[0]).toMatchObject({ count: 0, weight: 0, meanPredicted: null, observedRate: null });
    expect(c.ece).toBeCloseTo(0.5 * 0.35 + 0.5 * 0.15, 15);
    expect(c.maxError).toBeCloseTo(0.35, 15);
  });

  it('puts 1.0 in the last bin and an inner edge in the bin above it', () => {
    expect(calibrationBinOf(1, 10)).toBe(9);
    expect(calibrationBinOf(0, 10)).toBe(0);
    expect(calibrationBinOf(0.5, 10)).toBe(5);
    expect(calibrationBinOf(0.5, 4)).toBe(2);
  });

  it('weights rows and is 0 for a perfectly calibrated table', () => {
    const c = calibration([1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25], 4, [1, 1, 1, 1]);
    expect(c.ece).toBe(0);
    const w = calibration([1, 0], [0.3, 0.3], 5, [3, 1]);
    expect(w.bins[1]).toMatchObject({ count: 2, weight: 4, observedRate: 0.75 });
  });

  it('refuses a bad bin count and non-probabilities', () => {
    expect(() => calibration([0, 1], [0.1, 0.2], 0)).toThrow('calibration: bins is 0; it must be a positive integer');
    expect(() => calibration([0, 1], [0.1, 2], 10)).toThrow('calibration: scores[1] is 2; probabilities must lie in [0, 1]');
  });

  it('keeps every row in some bin and ECE within [0, maxError]', () => {
    const data = fc.array(fc.tuple(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 50 });
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 20 }), (rows, bins) => {
        const c = calibration(rows.map((r) => r[0]), rows.map((r) => r[1]), bins);
        expect(c.bins.reduce((s, b) => s + b.count, 0)).toBe(rows.length);
        expect(c.ece).toBeGreaterThanOrEqual(0);
        expect(c.ece).toBeLessThanOrEqual(c.maxError + 1e-12);
        expect(c.maxError).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('histogram', () => {
  it('uses the tree-split convention: a value equal to an edge falls in the bin below it', () => {
    expect(histogram([0, 1, 1.5, 2, 3, NaN, -5], [1, 2])).toEqual({ counts: [3, 2, 1], missing: 1 });
    expect(histogram([4], [])).toEqual({ counts: [1], missing: 0 });
  });

  it('refuses edges that do not ascend', () => {
    expect(() => histogram([1], [1, 1])).toThrow('histogram: edges must be strictly ascending (edges[1] is 1)');
  });
});

describe('psi', () => {
  it('computes Σ (a − e) ln(a / e) over bin shares', () => {
    const want = (0.4 - 0.5) * Math.log(0.4 / 0.5) + (0.6 - 0.5) * Math.log(0.6 / 0.5);
    expect(psi([50, 50], [40, 60])).toBeCloseTo(want, 15);
  });

  it('stays finite when a bin is empty on one side', () => {
    expect(Number.isFinite(psi([10, 0], [5, 5]))).toBe(true);
  });

  it('is 0 for identical shares, positive otherwise, and symmetric', () => {
    const hist = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }).filter((h) => h.some((c) => c > 0));
    fc.assert(
      fc.property(hist, hist, (a, b) => {
        expect(psi(a, a.map((c) => c * 3))).toBeCloseTo(0, 12);
        if (a.length !== b.length) return;
        expect(psi(a, b)).toBeGreaterThanOrEqual(0);
        expect(psi(a, b)).toBeCloseTo(psi(b, a), 12);
      }),
    );
  });

  it('refuses mismatched and empty histograms', () => {
    expect(() => psi([1, 2], [1])).toThrow('psi: expected has 2 bins but actual has 1');
    expect(() => psi([0, 0], [1, 1])).toThrow('psi: expected histogram is empty (all counts are 0)');
    expect(() => psi([1, -1], [1, 1])).toThrow('psi: expected[1] is -1; counts must be finite and >= 0');
  });
});
