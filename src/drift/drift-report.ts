/** @module PSI of current values against reference histograms, per feature and for the score, with a status per reading. */
import { type Histogram, histogram, psi } from '../metrics/psi.ts';
import { column, type ReferenceBins } from './reference.ts';

/** PSI readings: < 0.1 stable, 0.1–0.25 moderate, ≥ 0.25 major (the usual credit-risk convention). */
export const DRIFT_THRESHOLDS = { moderate: 0.1, major: 0.25 } as const;

export type DriftStatus = 'stable' | 'moderate' | 'major' | 'no_data';

/** One feature's (or the score's) drift: PSI and the bin shares it compares, missing share last. */
export interface DriftReading {
  name: string;
  psi: number | null;
  status: DriftStatus;
  /** Bin upper edges (the last bin is everything above the last edge, then "missing"). */
  edges: number[];
  reference: number[];
  current: number[];
}

export interface DriftReport {
  windowSize: number;
  thresholds: typeof DRIFT_THRESHOLDS;
  /** The worst status over features and score. */
  status: DriftStatus;
  score: DriftReading | null;
  features: DriftReading[];
}

/** The status of one PSI value. */
export function driftStatus(value: number | null): DriftStatus {
  if (value === null) return 'no_data';
  return value >= DRIFT_THRESHOLDS.major ? 'major' : value >= DRIFT_THRESHOLDS.moderate ? 'moderate' : 'stable';
}

const shares = (counts: number[]): number[] => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
};

/** PSI of `values` against one reference histogram; the missing share is one more bin. */
export function driftReading(name: string, ref: ReferenceBins, values: ArrayLike<number>): DriftReading {
  return readingFromHistogram(name, ref, histogram(values, ref.edges));
}

/** PSI of already counted values (bins cut at the reference's edges) against the reference. */
export function readingFromHistogram(name: string, ref: ReferenceBins, h: Histogram): DriftReading {
  const expected = [...ref.counts, ref.missing ?? 0];
  const actual = [...h.counts, h.missing];
  const filled = actual.some((c) => c > 0) && expected.some((c) => c > 0);
  const value = filled ? psi(expected, actual) : null;
  return { name, psi: value, status: driftStatus(value), edges: ref.edges, reference: shares(expected), current: shares(actual) };
}

const RANK: Record<DriftStatus, number> = { no_data: 0, stable: 1, moderate: 2, major: 3 };

/**
 * Drift of a window of scored rows (row-major `x` over `names`, and their scores) against
 * reference histograms. Features without a reference are left out.
 */
export function driftReport(
  reference: { features: Record<string, ReferenceBins>; score?: ReferenceBins },
  names: readonly string[],
  x: Float32Array,
  scores: ArrayLike<number>,
): DriftReport {
  const features: DriftReading[] = [];
  names.forEach((name, j) => {
    const ref = reference.features[name];
    if (ref) features.push(driftReading(name, ref, column(x, names.length, j)));
  });
  const score = reference.score ? driftReading('score', reference.score, scores) : null;
  return assembleReport(scores.length, score, features);
}

/** A report from its readings; the overall status is the worst one. */
export function assembleReport(windowSize: number, score: DriftReading | null, features: DriftReading[]): DriftReport {
  const all = score ? [score, ...features] : features;
  const status = all.reduce<DriftStatus>((worst, r) => (RANK[r.status] > RANK[worst] ? r.status : worst), 'no_data');
  return { windowSize, thresholds: DRIFT_THRESHOLDS, status, score, features };
}
