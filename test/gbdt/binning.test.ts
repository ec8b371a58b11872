import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBins, binOf, fitBins } from '../../src/gbdt/binning.ts';

describe('binning', () => {
  it('gives each distinct value its own bin when there are few', () => {
    const x = Float32Array.of(3, 1, 2, 2, NaN, 1);
    const m = fitBins(x, 6, 1);
    expect(Array.from(applyBins(x, 6, 1, m))).toEqual([3, 1, 2, 2, 0, 1]);
  });

  it('caps the number of bins and keeps heavy values whole', () => {
    const n = 10_000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = i < n / 2 ? 0 : i;
    const m = fitBins(x, n, 1, { maxBins: 16 });
    expect(m.upper[0].length).toBeLessThanOrEqual(16);
    expect(binOf(m.upper[0], 0)).toBe(1);
    expect(binOf(m.upper[0], Math.fround(0.5))).toBe(1);
    expect(binOf(m.upper[0], n / 2)).toBe(2);
  });

  it('rejects a bin count outside 2..255', () => {
    expect(() => fitBins(new Float32Array(4), 4, 1, { maxBins: 300 })).toThrow(/maxBins must be in 2..255, got 300/);
  });

  it('bins agree with float32 threshold comparisons (the ONNX split rule)', () => {
    fc.assert(fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 300 }), (values) => {
      const x = Float32Array.from(values);
      const m = fitBins(x, x.length, 1, { maxBins: 8 });
      const bins = applyBins(x, x.length, 1, m);
      const upper = m.upper[0];
      for (let i = 0; i < x.length; i++) {
        for (let b = 1; b < upper.length; b++) expect(bins[i] <= b).toBe(x[i] <= upper[b - 1]);
      }
    }));
  });
});
