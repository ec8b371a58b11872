/** @module What the boosting loop needs from a tree-growing engine. */
import type { BinTree } from './bin-tree.ts';

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
