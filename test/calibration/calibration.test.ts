/** @module Calibration maps: PAV by hand, Platt recovering known coefficients, rank preservation, schema checks, before/after report. */
import { describe, expect, it } from 'vitest';
import { applyCalibration, calibrateOne, calibrationCheck, calibrationSchema, fitCalibration, fitIsotonic, fitPlatt, thresholdBands, bandExpectations } from '../../src/calibration/index.ts';
import { Random } from '../../src/synth/random.ts';

/** Labels drawn from p_true = σ(2·logit(raw) + 1): raw scores that are badly calibrated but rank well. */
function miscalibrated(n: number, seed: number) {
  const rng = new Random(seed);
  const raw = new Float32Array(n);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const z = rng.normal(-2.5, 1);
    raw[i] = 1 / (1 + Math.exp(-z));
    labels[i] = rng.float() < 1 / (1 + Math.exp(-(2 * z + 1))) ? 1 : 0;
  }
  return { raw, labels };
}

describe('fitIsotonic (pool adjacent violators)', () => {
  it('pools a violating pair into one block at their mean, shrunk by one pseudo-alert toward the base rate', () => {
    // Scores 0.1..0.4 with labels 0,1,0,1: groups of one row; (0.2→1, 0.3→0) violate and pool.
    const { x, y } = fitIsotonic([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], undefined, 4);
    expect(x).toEqual([0.1, 0.25, 0.4].map((v) => expect.closeTo(v, 12)) as unknown as number[]);
    // base rate 0.5: (0 + 0.5)/2, (1 + 0.5)/3, (1 + 0.5)/2
    expect(y).toEqual([0.25, 0.5, 0.75]);
  });
  it('never splits equal scores between groups', () => {
    const { x } = fitIsotonic([0, 0, 1, 1, 1, 1], [0.2, 0.2, 0.2, 0.2, 0.9, 0.9], undefined, 6);
    expect(x).toEqual([0.2, 0.9]);
  });
  it('is increasing, so ranks are kept, and mends a miscalibrated score', () => {
    const { raw, labels } = miscalibrated(20_000, 1);
    const map = fitCalibration('isotonic', labels, raw)!;
    const test = miscalibrated(20_000, 2);
    const cal = applyCalibration(map, test.raw);
    const order = Array.from(test.raw.keys()).sort((a, b) => test.raw[a] - test.raw[b]);
    for (let k = 1; k < order.length; k++) expect(cal[order[k]]).toBeGreaterThanOrEqual(cal[order[k - 1]]);
    const check = calibrationCheck(test.labels, test.raw, cal, { recall95: 0.1, recall99: 0.05 });
    expect(check.brierAfter).toBeLessThan(check.brierBefore);
    expect(check.eceAfter).toBeLessThan(check.eceBefore / 2);
  });
});

describe('fitPlatt', () => {
  it('recovers the slope and intercept on the log-odds that generated the labels', () => {
    const { raw, labels } = miscalibrated(50_000, 3);
    const { a, b } = fitPlatt(labels, raw);
    expect(a).toBeCloseTo(2, 1);
    expect(b).toBeCloseTo(1, 1);
  });
  it('refuses a set with one class only', () => {
    expect(() => fitPlatt([0, 0], [0.1, 0.2])).toThrow('fitPlatt: needs both positives and negatives');
  });
});

describe('calibrateOne', () => {
  const iso = { method: 'isotonic' as const, x: [0.2, 0.6], y: [0.1, 0.5] };
  it('interpolates between breakpoints and runs to (0, 0) and (1, 1) outside them', () => {
    expect(calibrateOne(iso, 0.4)).toBeCloseTo(0.3, 12);
    expect(calibrateOne(iso, 0.1)).toBeCloseTo(0.05, 12);
    expect(calibrateOne(iso, 0.8)).toBeCloseTo(0.75, 12);
    expect(calibrateOne(iso, 0)).toBe(0);
    expect(calibrateOne(iso, 1)).toBe(1);
  });
  it('applies Platt on the log-odds and leaves NaN alone', () => {
    expect(calibrateOne({ method: 'platt', a: 1, b: 0 }, 0.3)).toBeCloseTo(0.3, 6);
    expect(calibrateOne({ method: 'platt', a: 1, b: Math.log(3) }, 0.5)).toBeCloseTo(0.75, 12);
    expect(calibrateOne(iso, NaN)).toBeNaN();
  });
  it('returns the very same array when there is no map', () => {
    const s = new Float32Array([0.1]);
    expect(applyCalibration(undefined, s)).toBe(s);
  });
});

describe('calibrationSchema', () => {
  it('accepts a map with extra report keys and refuses broken breakpoints', () => {
    expect(calibrationSchema.safeParse({ method: 'platt', a: 1.2, b: -0.3, fittedOn: 'validation' }).success).toBe(true);
    const bad = calibrationSchema.safeParse({ method: 'isotonic', x: [0.2, 0.1], y: [0.1, 0.05] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.message)).toEqual(['breakpoints must be strictly ascending', 'calibrated values must not decrease']);
    expect(calibrationSchema.safeParse({ method: 'platt', a: -1, b: 0 }).success).toBe(false);
  });
});

describe('bandExpectations', () => {
  it('sums calibrated scores per threshold band as the expected true positives', () => {
    const bands = thresholdBands({ recall95: 0.5, recall99: 0.2 });
    const e = bandExpectations([0, 0, 1, 1], [0.1, 0.3, 0.3, 0.8], bands);
    expect(e.map((b) => b.alerts)).toEqual([1, 2, 1]);
    expect(e[1].expectedRate).toBeCloseTo(0.3, 12);
    expect(e[1].observedRate).toBe(0.5);
    expect(e[2].expectedShareOfPositives).toBeCloseTo(0.8 / 1.5, 12);
    expect(e[2].observedShareOfPositives).toBe(0.5);
  });
});
