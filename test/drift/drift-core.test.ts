/** @module Pure drift pieces: quantile edges, PSI readings and statuses, the rolling window, page-by-page accumulation. */
import { describe, expect, it } from 'vitest';
import { DriftAccumulator } from '../../src/drift/drift-accumulator.ts';
import { driftReading, driftReport, driftStatus } from '../../src/drift/drift-report.ts';
import { quantileEdges, referenceBins, referenceDistributions } from '../../src/drift/reference.ts';
import { RollingWindow } from '../../src/drift/rolling-window.ts';
import { Random } from '../../src/synth/random.ts';

const normals = (n: number, seed: number, mean = 0) => {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.normal(mean));
};

describe('quantileEdges', () => {
  it('cuts deciles of continuous values', () => {
    const edges = quantileEdges(Float32Array.from({ length: 1000 }, (_, i) => i), 10);
    expect(edges).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });
  it('gives a flag one bin per value, ignores NaN, and no edge at the maximum', () => {
    expect(quantileEdges([0, 0, 0, 1, NaN, 1, 0, 0, 0, 0], 10)).toEqual([0]);
    expect(quantileEdges([NaN, NaN])).toEqual([]);
    expect(quantileEdges([5, 5, 5])).toEqual([]);
  });
  it('keeps the missing count beside the bins', () => {
    expect(referenceBins([1, 2, NaN, 3, NaN], 2)).toEqual({ edges: [2], counts: [2, 1], missing: 2 });
  });
});

describe('PSI readings', () => {
  const ref = referenceBins(normals(5000, 1));
  it('is stable for a fresh sample of the same distribution and major for a shifted one', () => {
    const same = driftReading('x', ref, normals(5000, 2));
    expect(same.psi).toBeLessThan(0.02);
    expect(same.status).toBe('stable');
    const moved = driftReading('x', ref, normals(5000, 3, 1));
    expect(moved.psi).toBeGreaterThan(0.25);
    expect(moved.status).toBe('major');
  });
  it('counts a change in the missing share as drift', () => {
    const values = normals(2000, 4);
    const withGaps = values.map((v, i) => (i % 2 === 0 ? NaN : v));
    const r = driftReading('x', ref, withGaps);
    expect(r.current[r.current.length - 1]).toBeCloseTo(0.5, 10);
    expect(r.reference[r.reference.length - 1]).toBe(0);
    expect(r.status).toBe('major');
  });
  it('maps PSI to statuses at 0.1 and 0.25, and no data to no_data', () => {
    expect([0, 0.0999, 0.1, 0.2499, 0.25, 3].map(driftStatus)).toEqual(['stable', 'stable', 'moderate', 'moderate', 'major', 'major']);
    expect(driftStatus(null)).toBe('no_data');
    expect(driftReading('x', ref, []).status).toBe('no_data');
  });
});

describe('RollingWindow', () => {
  it('keeps the newest rows, oldest first', () => {
    const w = new RollingWindow(2, 3);
    for (let i = 0; i < 5; i++) w.push([i, -i], i / 10);
    const { x, scores } = w.snapshot();
    expect(w.size).toBe(3);
    expect(Array.from(x)).toEqual([2, -2, 3, -3, 4, -4]);
    expect(Array.from(scores)).toEqual([0.2, 0.3, 0.4].map(Math.fround));
  });
  it('refuses a row of the wrong width', () => {
    expect(() => new RollingWindow(2, 3).push([1], 0)).toThrow('RollingWindow.push: expected 2 features, got 1');
  });
});

describe('DriftAccumulator', () => {
  it('gives the report driftReport gives on all rows at once, however the rows are paged', () => {
    const n = 3000;
    const a = normals(n, 5);
    const b = normals(n, 6, 0.45);
    const x = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = a[i];
      x[2 * i + 1] = b[i];
    }
    const scores = normals(n, 7).map((v) => 1 / (1 + Math.exp(-v)));
    const reference = referenceDistributions(['a', 'b'], x.map((v, i) => (i % 2 === 0 ? v : v - 0.45)), scores);
    const acc = new DriftAccumulator(reference, ['a', 'b']);
    for (let start = 0; start < n; start += 700) {
      const end = Math.min(n, start + 700);
      acc.add(x.subarray(2 * start, 2 * end), scores.subarray(start, end));
    }
    const whole = driftReport(reference, ['a', 'b'], x, scores);
    expect(acc.report()).toEqual(whole);
    expect(whole.features.map((f) => f.status)).toEqual(['stable', 'moderate']);
    expect(whole.status).toBe('moderate');
  });
});
