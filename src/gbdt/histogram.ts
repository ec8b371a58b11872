/** @module Gradient histograms: the inner loop of training, where most of its time goes. */
import type { FeatureBundles } from './bundling.ts';
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
  /** Row-major bundle codes, `rowStride(numColumns)` bytes per row (padding bytes are 0). */
  bins: Uint8Array;
  numColumns: number;
  /** Quantized gradient and hessian of each row packed in one double (see quantize.ts). */
  packed: Float64Array;
  /** Row ids grouped by leaf; a leaf is a contiguous segment of this array. */
  rowIndex: Uint32Array;
  /** Also count rows per bin, in a second half of the histogram (see `packedHistogramSize`). */
  countRows: boolean;
}

/** Something that fills `out` with the packed histogram of rows `rowIndex[begin..end)`. */
export interface HistogramBuilder {
  build(begin: number, end: number, out: Float64Array): void;
  close(): Promise<void>;
}

/**
 * Length of a packed histogram over `numColumns` bundle columns. With `countRows` a second half of
 * the same length holds rows per bin: with uneven sample weights the hessian share no longer tells
 * how many rows a child gets (one weight-50 row weighs like 50 rows), so minDataInLeaf needs counts.
 * Counts are integers too, so subtraction and merging treat both halves alike.
 */
export function packedHistogramSize(numColumns: number, countRows = false): number {
  return rowStride(numColumns) * BINS * (countRows ? 2 : 1);
}

/**
 * Add packed value `p` of one row to the histogram at offset `o0`. The row's codes are read as
 * 32-bit words, four bins a time; the last `tail` (0–3) codes sit in one more word, whose padding
 * bytes are skipped so no add is wasted on them. Shared by every kernel so V8 inlines one shape.
 */
export function addRow(out: Float64Array, o0: number, words: Uint32Array, base: number, fullWords: number, tail: number, p: number): void {
  let q = 0;
  for (; q < fullWords; q++) {
    const w = words[base + q];
    const o = o0 + (q << 10);
    out[o + (w & 255)] += p;
    out[o + 256 + ((w >>> 8) & 255)] += p;
    out[o + 512 + ((w >>> 16) & 255)] += p;
    out[o + 768 + (w >>> 24)] += p;
  }
  if (tail > 0) {
    const w = words[base + q];
    const o = o0 + (q << 10);
    out[o + (w & 255)] += p;
    if (tail > 1) out[o + 256 + ((w >>> 8) & 255)] += p;
    if (tail > 2) out[o + 512 + ((w >>> 16) & 255)] += p;
  }
}

/** Add rows `rowIndex[begin..end)` into the packed histogram `out` (not cleared first): one float64 add per bundle column. */
export function accumulateHistogram(inp: HistogramInputs, begin: number, end: number, out: Float64Array): void {
  const { packed, rowIndex, numColumns } = inp;
  const words = new Uint32Array(inp.bins.buffer, inp.bins.byteOffset, inp.bins.byteLength >>> 2);
  const perRow = rowStride(numColumns) >>> 2;
  const fullWords = numColumns >>> 2;
  const tail = numColumns & 3;
  for (let i = begin; i < end; i++) {
    const r = rowIndex[i];
    addRow(out, 0, words, r * perRow, fullWords, tail, packed[r]);
  }
  // Counts in a loop of their own, so the unweighted loop above is the same code as before.
  if (!inp.countRows) return;
  const counts = packedHistogramSize(numColumns);
  for (let i = begin; i < end; i++) addRow(out, counts, words, rowIndex[i] * perRow, fullWords, tail, 1);
}

/** `parent -= child`, turning the parent's histogram into the sibling's without touching rows (exact: integers). */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}

/**
 * Unbundle and dequantize a packed histogram into interleaved (gradient, hessian) sums per feature
 * for split search. Integer sums are gathered first and scaled once, so nothing is rounded twice.
 */
export function decodeHistogram(packed: Float64Array, valueBins: Int32Array, bundles: FeatureBundles, scales: GradientScales, out: Float64Array): void {
  for (let f = 0; f < valueBins.length; f++) out.fill(0, f * FEATURE_STRIDE, f * FEATURE_STRIDE + 2 * (valueBins[f] + 1));
  for (let c = 0; c < bundles.numColumns; c++) {
    const members = bundles.members[c];
    for (let code = 0; code < bundles.codes[c]; code++) {
      const v = packed[c * BINS + code];
      if (v === 0) continue;
      const [g, h] = unpack(v);
      for (const f of members) {
        const k = f * FEATURE_STRIDE + 2 * (Math.floor(code / bundles.multiplier[f]) % bundles.size[f]);
        out[k] += g;
        out[k + 1] += h;
      }
    }
  }
  for (let f = 0; f < valueBins.length; f++) {
    for (let k = f * FEATURE_STRIDE, end = k + 2 * (valueBins[f] + 1); k < end; k += 2) {
      out[k] *= scales.grad;
      out[k + 1] *= scales.hess;
    }
  }
}

/** Unbundle the row-count half of a histogram built with `countRows`: `out[f * BINS + bin]` = rows. */
export function decodeRowCounts(hist: Float64Array, valueBins: Int32Array, bundles: FeatureBundles, out: Float64Array): void {
  const half = packedHistogramSize(bundles.numColumns);
  for (let f = 0; f < valueBins.length; f++) out.fill(0, f * BINS, f * BINS + valueBins[f] + 1);
  for (let c = 0; c < bundles.numColumns; c++) {
    const members = bundles.members[c];
    for (let code = 0; code < bundles.codes[c]; code++) {
      const v = hist[half + c * BINS + code];
      if (v === 0) continue;
      for (const f of members) out[f * BINS + (Math.floor(code / bundles.multiplier[f]) % bundles.size[f])] += v;
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
