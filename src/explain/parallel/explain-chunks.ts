/**
 * @module The work every reason-code thread does, the calling one included: claim the next chunk
 * of rows from a shared counter, run TreeSHAP on each row, and write its top reasons at the row's
 * own place. Which thread takes which chunk never changes a row's result, so output is in row order.
 */
import type { TreeExplainer } from '../tree-shap.ts';
import { topFeatures } from '../reason-codes.ts';

/** Rows per claim: small enough to keep threads busy to the end, large enough that claims cost nothing. */
export const CHUNK_ROWS = 128;

/** Int32 slots of the shared work counter. */
export const Work = { nextChunk: 0, rowsDone: 1 } as const;

/** Inputs and outputs shared by every thread (plain or shared buffers alike). */
export interface ChunkViews {
  /** Row-major encoded features. */
  x: Float32Array;
  numRows: number;
  numFeatures: number;
  /** Reasons kept per row. */
  n: number;
  /** 1 for rows to explain; absent = every row. */
  explain?: Uint8Array;
  /** [nextChunk, rowsDone], claimed and counted with Atomics. */
  work: Int32Array;
  /** Row r's k-th reason is feature[r * n + k] (-1: none) with contribution[r * n + k]. */
  feature: Int32Array;
  contribution: Float64Array;
}

/** The same arrays as SharedArrayBuffers, for worker threads. */
export interface ChunkBuffers {
  x: SharedArrayBuffer;
  numRows: number;
  numFeatures: number;
  n: number;
  explain?: SharedArrayBuffer;
  work: SharedArrayBuffer;
  feature: SharedArrayBuffer;
  contribution: SharedArrayBuffer;
}

/** Views over shared buffers. */
export function chunkViews(b: ChunkBuffers): ChunkViews {
  return {
    x: new Float32Array(b.x), numRows: b.numRows, numFeatures: b.numFeatures, n: b.n,
    explain: b.explain && new Uint8Array(b.explain), work: new Int32Array(b.work),
    feature: new Int32Array(b.feature), contribution: new Float64Array(b.contribution),
  };
}

/** Explain chunks until none is left; `afterChunk` runs after each (progress, early stop). Returns false if stopped early. */
export function explainChunks(explainer: TreeExplainer, v: ChunkViews, afterChunk: () => boolean = () => true): boolean {
  const phi = new Float64Array(v.numFeatures);
  for (;;) {
    const begin = Atomics.add(v.work, Work.nextChunk, 1) * CHUNK_ROWS;
    if (begin >= v.numRows) return true;
    const end = Math.min(v.numRows, begin + CHUNK_ROWS);
    for (let r = begin; r < end; r++) {
      if (v.explain && v.explain[r] === 0) continue;
      explainer.explain(v.x, phi, r * v.numFeatures);
      const top = topFeatures(phi, v.n, v.numFeatures);
      for (let k = 0; k < top.length; k++) {
        v.feature[r * v.n + k] = top[k];
        v.contribution[r * v.n + k] = phi[top[k]];
      }
    }
    Atomics.add(v.work, Work.rowsDone, end - begin);
    if (!afterChunk()) return false;
  }
}

/** Claim every remaining chunk, so the other threads stop after the chunk they are on. */
export function stopClaims(v: ChunkViews): void {
  Atomics.store(v.work, Work.nextChunk, Math.ceil(v.numRows / CHUNK_ROWS));
}
