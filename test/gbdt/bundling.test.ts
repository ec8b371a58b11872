import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleRows, planBundles } from '../../src/gbdt/bundling.ts';
import { accumulateHistogram, BINS, decodeHistogram, decodeRowCounts, FEATURE_STRIDE, packedHistogramSize, rowStride } from '../../src/gbdt/histogram.ts';
import { PACK_SHIFT } from '../../src/gbdt/quantize.ts';

describe('feature bundling', () => {
  it('packs few-bin features together and keeps wide ones alone', () => {
    // Sizes (value bins + missing): 256, 3, 3, 3, 3, 3, 16, 16, 2 → [256], [16·16], [3^5], [2].
    const b = planBundles(Int32Array.of(255, 2, 2, 2, 2, 2, 15, 15, 1));
    expect(b.numColumns).toBe(4);
    expect(Array.from(b.codes)).toEqual([256, 256, 243, 2]);
    for (let c = 0; c < b.numColumns; c++) expect(b.codes[c]).toBeLessThanOrEqual(256);
    expect(b.members[b.column[0]]).toEqual([0]);
  });

  it('recovers every feature histogram and row count exactly from bundled histograms', () => {
    const arb = fc.record({
      sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 9 }),
      rows: fc.integer({ min: 1, max: 60 }),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(fc.property(arb, ({ sizes, rows, seed }) => {
      const valueBins = Int32Array.from(sizes);
      const nf = sizes.length;
      let s = seed + 1;
      const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const stride = rowStride(nf);
      const bins = new Uint8Array(rows * stride);
      const g = new Float64Array(rows);
      const h = new Float64Array(rows);
      const packed = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        for (let f = 0; f < nf; f++) bins[r * stride + f] = Math.floor(rand() * (sizes[f] + 1));
        g[r] = Math.floor(rand() * 21) - 10;
        h[r] = Math.floor(rand() * 11);
        packed[r] = g[r] * PACK_SHIFT + h[r];
      }
      const bundles = planBundles(valueBins);
      const codeStride = rowStride(bundles.numColumns);
      const codes = bundleRows(bins, rows, stride, bundles, new Uint8Array(rows * codeStride), codeStride);
      const hist = new Float64Array(packedHistogramSize(bundles.numColumns, true));
      const rowIndex = Uint32Array.from({ length: rows }, (_, i) => i);
      accumulateHistogram({ bins: codes, numColumns: bundles.numColumns, packed, rowIndex, countRows: true }, 0, rows, hist);
      const out = new Float64Array(nf * FEATURE_STRIDE);
      decodeHistogram(hist, valueBins, bundles, { grad: 1, hess: 1 }, out);
      const counts = new Float64Array(nf * BINS);
      decodeRowCounts(hist, valueBins, bundles, counts);
      for (let f = 0; f < nf; f++) {
        for (let b = 0; b <= sizes[f]; b++) {
          let eg = 0;
          let eh = 0;
          let ec = 0;
          for (let r = 0; r < rows; r++) if (bins[r * stride + f] === b) { eg += g[r]; eh += h[r]; ec++; }
          expect(out[f * FEATURE_STRIDE + 2 * b]).toBe(eg);
          expect(out[f * FEATURE_STRIDE + 2 * b + 1]).toBe(eh);
          expect(counts[f * BINS + b]).toBe(ec);
        }
      }
    }));
  });
});
