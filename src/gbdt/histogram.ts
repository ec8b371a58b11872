/** @module Gradient histograms: the inner loop of training, where most of its time goes. */
import { type GradientScales, unpack } from './quantize.ts';

/** Bins per feature in a packed histogram (bin 0 = missing, 1..255 = values). */
export const BINS = 256;
/** Doubles per feature in a decoded histogram: 256 bins × (sum of gradients, sum of hessians). */
export const FEATURE_STRIDE = 2 * BINS;

/** Bytes per row of the binned matrix: the feature count rounded up to whole 32-bit words. */
export function rowStride(numFeatures: number): number {
  return Math.ceil(numFeatures / 4) * 4;
}

/** Shared, read-only inputs of every histogram build in one training run. */
export interface HistogramInputs {
  /** Row-major bins, `rowStride(numFeatures)` bytes per row (padding bytes are 0). */
  bins: Uint8Array;
  numFeatures: number;
  /** Quantized gradient and hessian of each row packed in one double (see quantize.ts). */
  packed: Float64Array;
  /** Row ids grouped by leaf; a leaf is a contiguous segment of this array. */
  rowIndex: Uint32Array;
}

/** Something that fills `out` with the packed histogram of rows `rowIndex[begin..end)`. */
export interface HistogramBuilder {
  build(begin: number, end: number, out: Float64Array): void;
  close(): Promise<void>;
}

/** Length of a packed histogram for `numFeatures` features. */
export function packedHistogramSize(numFeatures: number): number {
  return rowStride(numFeatures) * BINS;
}

/**
 * Add rows `rowIndex[begin..end)` into the packed histogram `out` (not cleared first).
 * Each row is read as 32-bit words, four bins at a time, and each bin costs one float64 add:
 * about half the work of separate gradient and hessian sums with byte reads.
 */
export function accumulateHistogram(inp: HistogramInputs, begin: number, end: number, out: Float64Array): void {
  const { packed, rowIndex } = inp;
  const words = new Uint32Array(inp.bins.buffer, inp.bins.byteOffset, inp.bins.byteLength >>> 2);
  const perRow = rowStride(inp.numFeatures) >>> 2;
  for (let i = begin; i < end; i++) {
    const r = rowIndex[i];
    const p = packed[r];
    const base = r * perRow;
    for (let q = 0; q < perRow; q++) {
      const w = words[base + q];
      const o = q << 10;
      out[o + (w & 255)] += p;
      out[o + 256 + ((w >>> 8) & 255)] += p;
      out[o + 512 + ((w >>> 16) & 255)] += p;
      out[o + 768 + (w >>> 24)] += p;
    }
  }
}

/** `parent -= child`, turning the parent's histogram into the sibling's without touching rows (exact: integers). */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}

/** Dequantize a packed histogram into interleaved (gradient, hessian) sums for split search. */
export function decodeHistogram(packed: Float64Array, valueBins: Int32Array, scales: GradientScales, out: Float64Array): void {
  for (let f = 0; f < valueBins.length; f++) {
    for (let b = 0; b <= valueBins[f]; b++) {
      const [g, h] = unpack(packed[f * BINS + b]);
      out[f * FEATURE_STRIDE + 2 * b] = g * scales.grad;
      out[f * FEATURE_STRIDE + 2 * b + 1] = h * scales.hess;
    }
  }
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
