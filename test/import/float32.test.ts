/** @module Threshold conversions: exact for every float32 input, ties, signed zeros, subnormals and overflow included. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32AtMost, float32Below, nextFloat32Below } from '../../src/import/float32.ts';

const f32 = Math.fround;
const MIN_SUB = 1.401298464324817e-45;
const FLT_MAX = 3.4028234663852886e38;
const step = (c: number, up: boolean) => (up ? -nextFloat32Below(-c) : nextFloat32Below(c));

/** The shortest decimal that names float32 `c`, as XGBoost's JSON writer spells it (e.g. "12.37"). */
function shortestSpelling(c: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const s = c.toPrecision(digits);
    if (f32(Number(s)) === c) return s;
  }
  return String(c);
}

/** A float32 and its neighbours: the values that decide a threshold. */
const near = (c: number) => [c, step(c, true), step(c, false)].filter((v) => !Number.isNaN(v));

describe('float32Below: XGBoost keeps the condition as float32 c and tests float32(x) < c', () => {
  it.each([
    { name: '0: only negatives are below; -0 is not', t: 0, want: -MIN_SUB },
    { name: '-0 is the same condition as 0', t: -0, want: -MIN_SUB },
    { name: 'a negative condition steps away from zero', t: -2, want: f32(-2.0000002) },
    { name: 'the smallest subnormal: x < it only for x <= 0', t: MIN_SUB, want: 0 },
    { name: 'a subnormal condition', t: 1e-40, want: nextFloat32Below(f32(1e-40)) },
    { name: 'FLT_MAX', t: FLT_MAX, want: nextFloat32Below(FLT_MAX) },
    { name: 'beyond float32 (c = +Infinity): every finite x is below', t: 1e39, want: FLT_MAX },
    { name: '12.37 as a double lies above its float32: x = float32(12.37) must not be below', t: 12.37, want: nextFloat32Below(f32(12.37)) },
    { name: '0.7 as a double lies below its float32: the same rule', t: 0.7, want: nextFloat32Below(f32(0.7)) },
  ])('$name', ({ t, want }) => {
    expect(Object.is(float32Below(t), want)).toBe(true);
  });

  it('refuses a condition of -Infinity, which no `x <= u` can express', () => {
    expect(() => float32Below(-1e39)).toThrow(RangeError);
  });

  it('for every float32 condition c and every float32 x near it: x < c ⇔ x <= float32Below(c)', () => {
    fc.assert(fc.property(fc.float({ noNaN: true }).filter((c) => c !== -Infinity), fc.float({ noNaN: true }), (c, other) => {
      const u = float32Below(c);
      for (const x of [...near(c), other, 0, -0]) expect(x < c).toBe(x <= u);
    }), { numRuns: 5000 });
  });

  it("reading the JSON's shortest decimal gives the same threshold as the float32 itself (where the double reading did not)", () => {
    fc.assert(fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (c) => {
      expect(float32Below(Number(shortestSpelling(c)))).toBe(float32Below(c));
    }), { numRuns: 5000 });
  });
});

describe('float32AtMost: LightGBM tests the double x <= t; winnow feeds float32 x', () => {
  it.each([
    { name: '0.1 rounds up to float32: the threshold is the float32 below it', t: 0.1, want: nextFloat32Below(f32(0.1)) },
    { name: '0.7 rounds down: that float32 is the threshold', t: 0.7, want: f32(0.7) },
    { name: 'a float32 is its own threshold (a tie goes left)', t: 0.5, want: 0.5 },
    { name: '1e-50 rounds to 0: threshold 0 (so -0 and 0 go left)', t: 1e-50, want: 0 },
    { name: '-1e-50 rounds to -0, above it: the largest negative subnormal', t: -1e-50, want: -MIN_SUB },
    { name: '1e300: every finite float32 goes left, +Infinity right', t: 1e300, want: FLT_MAX },
    { name: '-1e300: only -Infinity goes left', t: -1e300, want: -Infinity },
  ])('$name', ({ t, want }) => {
    expect(Object.is(float32AtMost(t), want)).toBe(true);
  });

  it('for every double t and every float32 x near it: x <= t ⇔ x <= float32AtMost(t)', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), fc.float({ noNaN: true }), (t, other) => {
      const u = float32AtMost(t);
      const c = f32(t);
      const around = Number.isFinite(c) ? near(c) : [FLT_MAX, -FLT_MAX, c];
      for (const x of [...around, other, 0, -0]) expect(x <= t).toBe(x <= u);
    }), { numRuns: 5000 });
  });
});
