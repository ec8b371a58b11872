/** @module What the boosting loop needs from a tree-growing engine. */
import type { BinTree } from './bin-tree.ts';
import type { FeatureBundles } from './bundling.ts';
import type { GradientScales } from './quantize.ts';

/**
 * Grows one tree per call on the current margins and then adds it to them. Two engines implement
 * it and give bit-identical models where both apply (see train.ts for which one runs).
 */
export interface Booster {
  /** Grow tree `t` using only `features` for splits. */
  grow(t: number, features: Int32Array): BinTree;
  /** Training-row margins (log-odds) including every tree grown so far. */
  currentMargins(): Float64Array;
  close(): Promise<void>;
}

/** What both engines start from: the binned training data and its labels. */
export interface EngineInputs {
  /** Row-major bins, `stride` bytes per row (for routing rows). */
  bins: Uint8Array;
  stride: number;
  /** Row-major bundle codes in a SharedArrayBuffer (for histograms; see bundling.ts). */
  codes: Uint8Array;
  bundles: FeatureBundles;
  numRows: number;
  numFeatures: number;
  labels: Float32Array;
  /** Row weights with scalePosWeight applied. */
  weights: Float32Array;
  /** Quantization scales sized for these weights (see quantize.ts), the same for both engines. */
  scales: GradientScales;
  /** Count rows per histogram bin, for an exact minDataInLeaf under uneven sample weights. */
  countRows: boolean;
  baseMargin: number;
  valueBins: Int32Array;
  threads: number;
  /** Monotone direction per feature (-1, 0, +1; see monotone.ts), or null when nothing is constrained. */
  monotone: Int8Array | null;
}
