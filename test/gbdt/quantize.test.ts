/** @module The quantization bit budget: packed gradient sums must stay exact integers for any weights. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logLossScales, PACK_SHIFT, packRow, quantLevels, unpack } from '../../src/gbdt/quantize.ts';

/** The largest rounding noise unitHash can draw: (2^32 − 1) / 2^32. */
const MAX_NOISE = 1 - 2 ** -32;

describe('logLossScales', () => {
  it.each([1, 1000, 528_416, 528_417, 1_000_000, 3_000_000])('keeps the unweighted scales for %i rows of equal weight', (n) => {
    const q = Math.max(1, Math.min(127, Math.floor((PACK_SHIFT - 1) / n)));
    expect(quantLevels(n)).toBe(q);
    expect(logLossScales(new Float32Array(n).fill(1), 1)).toEqual({ grad: 1 / q, hess: 1 / 4 / q });
    // scalePosWeight makes the heaviest row the unit, as before sample weights existed.
    const classWeighted = Float32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 5 : 1));
    expect(logLossScales(classWeighted, 5)).toEqual({ grad: 5 / q, hess: 5 / 4 / q });
  });

  it('gives weight-1 rows their full 127 levels beside weight-50 rows while the budget allows', () => {
    const w = Float32Array.from({ length: 100_000 }, (_, i) => (i % 33 === 0 ? 50 : 1));
    expect(logLossScales(w, 1)).toEqual({ grad: 1 / 127, hess: 1 / 4 / 127 });
  });

  it('shrinks the levels when heavy rows would overflow the budget, and every sum stays exact', () => {
    const arb = fc.array(fc.constantFrom(0, 1, 1, 1, 2.5, 1e3, 1e6, 3e7), { minLength: 1, maxLength: 300 });
    fc.assert(fc.property(arb, fc.boolean(), (ws, negative) => {
      const w = Float32Array.from(ws);
      const positive = ws.filter((v) => v > 0);
      if (positive.length === 0) return;
      const scales = logLossScales(w, Math.min(...positive));
      // Every row at its most extreme gradient, same sign, largest noise: the worst sum there is.
      let sum = 0;
      let g = 0;
      let h = 0;
      for (const wr of w) {
        const grad = negative ? -wr : wr;
        const noise = negative ? 0 : MAX_NOISE;
        sum += packRow(grad, wr / 4, scales, noise);
        g += Math.floor(grad / scales.grad + noise);
        h += Math.floor(wr / 4 / scales.hess + noise);
      }
      expect(Math.abs(g)).toBeLessThan(PACK_SHIFT);
      expect(h).toBeLessThan(PACK_SHIFT);
      expect(Math.abs(sum)).toBeLessThan(2 ** 52);
      expect(unpack(sum)).toEqual([g, h]);
    }));
  });
});
