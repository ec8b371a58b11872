/** @module Reference distributions for drift checks: quantile-edged histograms of each feature and of the score. */
import { histogram } from '../metrics/psi.ts';

/** One reference histogram as stored in a manifest (see metrics/psi.ts `histogram` for the bin convention). */
export type ReferenceBins = {
  edges: number[];
  counts: number[];
  /** Missing (NaN) values; absent in hand-written manifests means none. */
  missing?: number;
};

/** Default number of quantile bins per feature (deciles; fewer when a feature has fewer distinct values). */
export const DEFAULT_REFERENCE_BINS = 10;

/**
 * Bin edges at the 1/b … (b−1)/b quantiles of the non-missing values, de-duplicated, so a
 * feature with few distinct values (a flag, a category code) gets one bin per value instead of
 * empty bins. Values are taken as float32, as the model sees them.
 */
export function quantileEdges(values: ArrayLike<number>, bins = DEFAULT_REFERENCE_BINS): number[] {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) present.push(Math.fround(values[i]));
  if (present.length === 0) return [];
  present.sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const q = present[Math.min(present.length - 1, Math.floor((k * present.length) / bins))];
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  // An edge at the maximum would leave the last bin empty by construction.
  if (edges.length > 0 && edges[edges.length - 1] >= present[present.length - 1]) edges.pop();
  return edges;
}

/** Quantile edges and counts of one column of values. */
export function referenceBins(values: ArrayLike<number>, bins = DEFAULT_REFERENCE_BINS): ReferenceBins {
  const edges = quantileEdges(values, bins);
  const h = histogram(values, edges);
  return { edges, counts: h.counts, missing: h.missing };
}

/** Column `j` of a row-major matrix of `nf` columns. */
export function column(x: Float32Array, nf: number, j: number): Float32Array {
  const n = x.length / nf;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i * nf + j];
  return out;
}

/** Reference histograms of every feature (by name) of a row-major matrix, and of the scores. */
export function referenceDistributions(
  names: readonly string[],
  x: Float32Array,
  scores: ArrayLike<number>,
  bins = DEFAULT_REFERENCE_BINS,
): { features: Record<string, ReferenceBins>; score: ReferenceBins } {
  const features: Record<string, ReferenceBins> = {};
  names.forEach((name, j) => { features[name] = referenceBins(column(x, names.length, j), bins); });
  return { features, score: referenceBins(scores, bins) };
}
