/** @module Population stability index between a reference histogram and a current one, for drift checks. */
import { MetricInputError } from './input.ts';

/** Counts of values per bin plus the NaN (missing) count, which no bin can hold. */
export interface Histogram {
  /** `edges.length + 1` counts; see `histogram` for the bin boundaries. */
  counts: number[];
  missing: number;
}

/**
 * Count values into bins cut at ascending `edges`: bin 0 is v <= edges[0], bin i is
 * edges[i-1] < v <= edges[i], the last is v > every edge — the `<=` convention tree splits use,
 * so a split threshold taken as an edge separates bins exactly as it separates rows.
 */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): Histogram {
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i] > edges[i - 1])) throw new MetricInputError(`histogram: edges must be strictly ascending (edges[${i}] is ${edges[i]})`);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      missing++;
      continue;
    }
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  return { counts, missing };
}

/**
 * PSI = Σ (a − e) · ln(a / e) over bin shares of two histograms with the same bins.
 * Empty bins get share `epsilon` first, because one empty bin would otherwise make PSI infinite.
 * Common reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift.
 */
export function psi(expected: readonly number[], actual: readonly number[], { epsilon = 1e-4 }: { epsilon?: number } = {}): number {
  if (expected.length !== actual.length) {
    throw new MetricInputError(`psi: expected has ${expected.length} bins but actual has ${actual.length}`);
  }
  if (expected.length === 0) throw new MetricInputError('psi: histograms have no bins');
  const total = (h: readonly number[], which: string): number => {
    let s = 0;
    h.forEach((c, i) => {
      if (!(c >= 0 && c < Infinity)) throw new MetricInputError(`psi: ${which}[${i}] is ${c}; counts must be finite and >= 0`);
      s += c;
    });
    if (s === 0) throw new MetricInputError(`psi: ${which} histogram is empty (all counts are 0)`);
    return s;
  };
  const te = total(expected, 'expected');
  const ta = total(actual, 'actual');
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] / te, epsilon);
    const a = Math.max(actual[i] / ta, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
