/** @module Quantile binning: each feature's float32 values map to at most 255 value bins, bin 0 being "missing". */

/** Per-feature bin boundaries learned from training data. */
export interface BinMapper {
  /**
   * `upper[f][b - 1]` is the inclusive float32 upper bound of value bin `b` of feature `f`
   * (bins are 1-based; bin 0 holds NaN). The last bin's bound is +Infinity. A split "bin <= b"
   * is exactly the ONNX split "x <= upper[f][b - 1]" because both sides are float32.
   */
  upper: Float32Array[];
}

export const MISSING_BIN = 0;
export const MAX_VALUE_BINS = 255;

/** Number of value bins (excluding the missing bin) of feature `f`. */
export function valueBinCount(mapper: BinMapper, f: number): number {
  return mapper.upper[f].length;
}

/**
 * Learn bin bounds from a row-major float32 matrix. Uses at most `sampleRows` evenly spaced rows,
 * so binning 1M rows costs a sort of 200k values per feature rather than 1M.
 */
export function fitBins(
  x: Float32Array,
  numRows: number,
  numFeatures: number,
  { maxBins = MAX_VALUE_BINS, sampleRows = 200_000 }: { maxBins?: number; sampleRows?: number } = {},
): BinMapper {
  if (maxBins < 2 || maxBins > MAX_VALUE_BINS) throw new RangeError(`maxBins must be in 2..${MAX_VALUE_BINS}, got ${maxBins}`);
  const step = Math.max(1, numRows / sampleRows);
  const picked: number[] = [];
  for (let i = 0; i < numRows; i += step) picked.push(Math.floor(i));
  const values = new Float32Array(picked.length);
  const upper: Float32Array[] = [];
  for (let f = 0; f < numFeatures; f++) {
    let n = 0;
    for (const r of picked) {
      const v = x[r * numFeatures + f];
      if (v === v) values[n++] = v;
    }
    upper.push(boundsFromSorted(values.subarray(0, n).sort(), maxBins));
  }
  return { upper };
}

/** Greedy equal-frequency bounds over sorted values; a heavy single value gets a bin of its own. */
function boundsFromSorted(sorted: Float32Array, maxBins: number): Float32Array {
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else { distinct.push(sorted[i]); counts.push(1); }
  }
  if (distinct.length <= 1) return Float32Array.of(Infinity);
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) cuts.push(midpoint(distinct[i], distinct[i + 1]));
  } else {
    let remaining = sorted.length;
    let binsLeft = maxBins;
    let inBin = 0;
    for (let i = 0; i + 1 < distinct.length && binsLeft > 1; i++) {
      inBin += counts[i];
      remaining -= counts[i];
      // Close the bin once it holds its fair share of what is left, or when the next value alone would.
      const target = (inBin + remaining) / binsLeft;
      if (inBin >= target || counts[i + 1] >= target) {
        cuts.push(midpoint(distinct[i], distinct[i + 1]));
        binsLeft--;
        inBin = 0;
      }
    }
  }
  cuts.push(Infinity);
  return Float32Array.from(cuts);
}

/** A float32 bound b with lo <= b < hi, so every training value lands on its own side. */
function midpoint(lo: number, hi: number): number {
  const mid = Math.fround(lo + (hi - lo) / 2);
  return mid >= lo && mid < hi ? mid : lo;
}

/**
 * Bin a row-major float32 matrix into a row-major Uint8 matrix with `stride` bytes per row
 * (≥ numFeatures; padding stays 0), written into `out` when given.
 */
export function applyBins(
  x: Float32Array,
  numRows: number,
  numFeatures: number,
  mapper: BinMapper,
  stride = numFeatures,
  out = new Uint8Array(numRows * stride),
): Uint8Array {
  for (let f = 0; f < numFeatures; f++) {
    const bounds = mapper.upper[f];
    for (let r = 0; r < numRows; r++) out[r * stride + f] = binOf(bounds, x[r * numFeatures + f]);
  }
  return out;
}

/** Bin index of one value: 0 for NaN, else the first bin whose upper bound is >= v. */
export function binOf(bounds: Float32Array, v: number): number {
  if (v !== v) return MISSING_BIN;
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= bounds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}
