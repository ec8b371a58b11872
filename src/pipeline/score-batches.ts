/** @module Score many rows through ONNX Runtime in batches, so long runs can report progress. */

/** Rows per ONNX Runtime call: ~10 ms each, many calls per second for a progress line. */
export const SCORE_BATCH_ROWS = 10_000;

/** What batch scoring needs of a scorer (OnnxScorer). */
export interface BatchScorer {
  readonly numFeatures: number;
  score(rows: Float32Array, numRows: number): Promise<Float32Array>;
}

/**
 * Score `numRows` row-major rows of `x`, `SCORE_BATCH_ROWS` at a time, calling `onProgress` after
 * each batch. Rows are scored independently, so the scores equal one call's over every row.
 */
export async function scoreInBatches(
  scorer: BatchScorer, x: Float32Array, numRows: number, onProgress?: (done: number, total: number) => void,
): Promise<Float32Array> {
  const nf = scorer.numFeatures;
  onProgress?.(0, numRows);
  if (numRows <= SCORE_BATCH_ROWS) {
    const scores = await scorer.score(x, numRows);
    onProgress?.(numRows, numRows);
    return scores;
  }
  const scores = new Float32Array(numRows);
  for (let begin = 0; begin < numRows; begin += SCORE_BATCH_ROWS) {
    const end = Math.min(numRows, begin + SCORE_BATCH_ROWS);
    scores.set(await scorer.score(x.subarray(begin * nf, end * nf), end - begin), begin);
    onProgress?.(end, numRows);
  }
  return scores;
}
