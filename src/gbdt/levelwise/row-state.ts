/** @module The per-row state of level-synchronous training, in shared memory so every thread can pass over its rows. */
import { packedHistogramSize, rowStride } from '../histogram.ts';

/** rowNode value bit for rows outside this tree's bag: routed down the tree, never counted. */
export const OUT_OF_BAG = 0x8000;
export const NODE_MASK = 0x7fff;
/** Rows per chunk: leaf sums are reduced chunk by chunk, in order, whatever the thread count. */
export const CHUNK_ROWS = 1 << 12;

/**
 * The split plan of the level being grown: `PLAN_FIELDS` ints per node, side by side so one cache
 * line holds a node's whole plan. `column` is the split feature's bundle column. `missingBin` is the bin missing values act as: 0 (≤ any
 * threshold, so left) or 256 (> any threshold, so right), which lets rows be routed without branches.
 */
export const Plan = { feature: 0, bin: 1, missingBin: 2, left: 3, right: 4, slot: 5, column: 6 } as const;
export const PLAN_FIELDS = 8;

/** Scalars shared with workers for the current pass. */
export const Scalar = { gradScale: 0, hessScale: 1, bagRate: 2, seed: 3, tree: 4, applyLeaves: 5 } as const;

/** Buffers every lane reads; each lane also has its own histogram slots and counts (see `LaneBuffers`). */
export interface RowStateBuffers {
  numRows: number;
  numFeatures: number;
  /** Bundle columns of `bins` (see bundling.ts); `columns` holds the unbundled features. */
  numColumns: number;
  maxNodes: number;
  maxSlots: number;
  /** Histograms also count rows per bin, in a second half (see histogram.ts `packedHistogramSize`). */
  countRows: boolean;
  bins: SharedArrayBuffer;
  /** `digits[f * 256 + code]`: feature f's bin inside bundle code `code` (routing reads bins through it). */
  digits: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  margins: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  hess: SharedArrayBuffer;
  packed: SharedArrayBuffer;
  rowNode: SharedArrayBuffer;
  plan: SharedArrayBuffer;
  leafValue: SharedArrayBuffer;
  scalars: SharedArrayBuffer;
  chunkSums: SharedArrayBuffer;
}

/** Typed views over `RowStateBuffers`. */
export interface RowState {
  n: number;
  nf: number;
  perRow: number;
  /** Whole 32-bit words of codes per row, and codes in the last, partly padded word. */
  fullWords: number;
  tail: number;
  histSize: number;
  /** Offset of the row-count half inside a histogram slot, or -1 when rows are not counted. */
  countOffset: number;
  maxNodes: number;
  words: Uint32Array;
  bins: Uint8Array;
  digits: Uint8Array;
  labels: Float32Array;
  weights: Float32Array;
  margins: Float64Array;
  grad: Float32Array;
  hess: Float32Array;
  packed: Float64Array;
  rowNode: Uint16Array;
  plan: Int32Array;
  leafValue: Float64Array;
  scalars: Float64Array;
  chunkSums: Float64Array;
}

/** Output buffers of one lane (thread). */
export interface LaneBuffers {
  hist: SharedArrayBuffer;
  counts: SharedArrayBuffer;
}

export interface LaneViews {
  hist: Float64Array;
  counts: Int32Array;
}

const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

/** Allocate the shared state for `n` rows around `codes`, the already shared bundle-code matrix. */
export function allocateRowState(
  n: number, nf: number, numColumns: number, codes: SharedArrayBuffer, maxNodes: number, maxSlots: number, countRows: boolean,
): RowStateBuffers {
  const chunks = Math.ceil(n / CHUNK_ROWS);
  return {
    numRows: n, numFeatures: nf, numColumns, maxNodes, maxSlots, countRows,
    bins: codes, digits: sab(256 * nf), labels: sab(4 * n), weights: sab(4 * n), margins: sab(8 * n),
    grad: sab(4 * n), hess: sab(4 * n), packed: sab(8 * n), rowNode: sab(2 * n),
    plan: sab(4 * PLAN_FIELDS * maxNodes), leafValue: sab(8 * maxNodes), scalars: sab(8 * 8),
    chunkSums: sab(8 * 2 * chunks * maxNodes),
  };
}

export function allocateLane(b: RowStateBuffers): LaneBuffers {
  return { hist: sab(8 * b.maxSlots * packedHistogramSize(b.numColumns, b.countRows)), counts: sab(4 * b.maxNodes) };
}

export function rowStateViews(b: RowStateBuffers): RowState {
  const stride = rowStride(b.numColumns);
  return {
    n: b.numRows, nf: b.numFeatures, perRow: stride >>> 2, fullWords: b.numColumns >>> 2, tail: b.numColumns & 3,
    histSize: packedHistogramSize(b.numColumns, b.countRows), countOffset: b.countRows ? packedHistogramSize(b.numColumns) : -1, maxNodes: b.maxNodes,
    words: new Uint32Array(b.bins), bins: new Uint8Array(b.bins), digits: new Uint8Array(b.digits),
    labels: new Float32Array(b.labels), weights: new Float32Array(b.weights), margins: new Float64Array(b.margins),
    grad: new Float32Array(b.grad), hess: new Float32Array(b.hess), packed: new Float64Array(b.packed),
    rowNode: new Uint16Array(b.rowNode), plan: new Int32Array(b.plan), leafValue: new Float64Array(b.leafValue),
    scalars: new Float64Array(b.scalars), chunkSums: new Float64Array(b.chunkSums),
  };
}

export function laneViews(l: LaneBuffers): LaneViews {
  return { hist: new Float64Array(l.hist), counts: new Int32Array(l.counts) };
}
