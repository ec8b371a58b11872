/** @module Gradient histograms: the inner loop of training, where nearly all of its time goes. */

/** Doubles per feature in a histogram: 256 bins × (sum of gradients, sum of hessians). */
export const FEATURE_STRIDE = 512;

/** Shared, read-only inputs of every histogram build in one training run. */
export interface HistogramInputs {
  /** Row-major binned features, `numFeatures` bytes per row. */
  bins: Uint8Array;
  numFeatures: number;
  grad: Float32Array;
  hess: Float32Array;
  /** Row ids grouped by leaf; a leaf is a contiguous segment of this array. */
  rowIndex: Uint32Array;
}

/** Something that fills `out` with the histogram of rows `rowIndex[begin..end)`. */
export interface HistogramBuilder {
  build(begin: number, end: number, out: Float64Array): void;
  close(): Promise<void>;
}

/**
 * Accumulate rows `rowIndex[begin..end)` into `out` (which is NOT cleared first).
 * Row-major bins make each row one contiguous read; the histogram (30 features × 4 KiB) stays in L2.
 */
export function accumulateHistogram(inp: HistogramInputs, begin: number, end: number, out: Float64Array): void {
  const { bins, numFeatures: nf, grad, hess, rowIndex } = inp;
  for (let i = begin; i < end; i++) {
    const r = rowIndex[i];
    const g = grad[r];
    const h = hess[r];
    const base = r * nf;
    for (let f = 0; f < nf; f++) {
      const k = f * FEATURE_STRIDE + (bins[base + f] << 1);
      out[k] += g;
      out[k + 1] += h;
    }
  }
}

/** `parent -= child`, turning the parent's histogram into the sibling's without touching rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}

/** A single-threaded builder. */
export function serialHistogramBuilder(inp: HistogramInputs): HistogramBuilder {
  return {
    build(begin, end, out) {
      out.fill(0);
      accumulateHistogram(inp, begin, end, out);
    },
    async close() {},
  };
}
