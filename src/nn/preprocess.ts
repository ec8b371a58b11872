/** @module The network's input preprocessing, fitted on training rows: standardise, missing indicators, one-hot categories. */
import type { FeatureSpec } from '../features/index.ts';

/** Categorical features with more codes than this stay one standardised numeric code (one-hot would dwarf the rest). */
export const MAX_ONE_HOT = 64;

/**
 * Everything the network's first layer sees, in order: standardised numeric columns, one-hot blocks,
 * then missing indicators. The same plan drives the JS transform (training) and the ONNX graph (serving).
 */
export interface Preprocessing {
  numFeatures: number;
  /** Encoded columns standardised as numbers (numeric, boolean, and wide categoricals). */
  numeric: number[];
  /** Training mean of each `numeric` column (missing values left out); a missing value is imputed with it. */
  mean: number[];
  /** 1 / training std of each `numeric` column (1 when the std is 0, so a constant column maps to 0). */
  invStd: number[];
  /** One-hot blocks: column j gets width codes 0…width-1; the last code is "unseen"; missing is all zeros. */
  oneHot: { column: number; width: number }[];
  /** Columns that had a missing value in training: each gets an indicator (1 = missing). */
  indicators: number[];
  /** Width of the preprocessed row. */
  width: number;
}

/** Fit the preprocessing on training rows (row-major, NaN = missing). */
export function fitPreprocessing(spec: FeatureSpec, x: Float32Array, numRows: number): Preprocessing {
  const nf = spec.features.length;
  const numeric: number[] = [];
  const oneHot: { column: number; width: number }[] = [];
  spec.features.forEach((f, j) => {
    // Codes run 0…categories.length, the last being "unseen" (see features/encode.ts).
    const width = (f.categories?.length ?? 0) + 1;
    if (f.kind === 'categorical' && width <= MAX_ONE_HOT) oneHot.push({ column: j, width });
    else numeric.push(j);
  });
  const sum = new Float64Array(nf);
  const sq = new Float64Array(nf);
  const seen = new Float64Array(nf);
  for (let r = 0; r < numRows; r++) {
    for (let j = 0; j < nf; j++) {
      const v = x[r * nf + j];
      if (Number.isNaN(v)) continue;
      sum[j] += v;
      sq[j] += v * v;
      seen[j]++;
    }
  }
  const mean = numeric.map((j) => Math.fround(seen[j] > 0 ? sum[j] / seen[j] : 0));
  const invStd = numeric.map((j, k) => {
    const variance = seen[j] > 1 ? Math.max(0, sq[j] / seen[j] - mean[k] * mean[k]) : 0;
    const std = Math.sqrt(variance);
    return Math.fround(std > 1e-12 ? 1 / std : 1);
  });
  const indicators: number[] = [];
  for (let j = 0; j < nf; j++) if (seen[j] < numRows) indicators.push(j);
  const width = numeric.length + oneHot.reduce((a, b) => a + b.width, 0) + indicators.length;
  return { numFeatures: nf, numeric, mean, invStd, oneHot, indicators, width };
}

/** Apply the preprocessing in float32, step for step as the ONNX graph does (Where, Sub, Mul; Equal; IsNaN). */
export function preprocess(p: Preprocessing, x: Float32Array, numRows: number): Float32Array {
  const out = new Float32Array(numRows * p.width);
  const nf = p.numFeatures;
  const f32 = Math.fround;
  for (let r = 0; r < numRows; r++) {
    const row = r * nf;
    let o = r * p.width;
    for (let k = 0; k < p.numeric.length; k++) {
      const v = x[row + p.numeric[k]];
      out[o++] = Number.isNaN(v) ? 0 : f32(f32(v - p.mean[k]) * p.invStd[k]);
    }
    for (const { column, width } of p.oneHot) {
      const v = x[row + column];
      if (v >= 0 && v < width && Number.isInteger(v)) out[o + v] = 1;
      o += width;
    }
    for (const j of p.indicators) out[o++] = Number.isNaN(x[row + j]) ? 1 : 0;
  }
  return out;
}
