/** @module Time-ordered train / validation / holdout split: train on the past, test on the future. */

export interface SplitFractions {
  /** Share of labelled rows, latest in time, kept out of training to report honest metrics. */
  holdout: number;
  /** Share of labelled rows, just before the holdout, used for early stopping and thresholds. */
  valid: number;
}

export interface TimeSplit {
  train: Int32Array;
  valid: Int32Array;
  holdout: Int32Array;
}

/**
 * Split the rows `candidates` in time order. Rows with equal times keep file order (stable sort),
 * so the split is deterministic. Without times, file order is taken to be time order.
 */
export function timeOrderedSplit(candidates: Int32Array, times: Float64Array | undefined, f: SplitFractions): TimeSplit {
  for (const [name, v] of Object.entries(f)) {
    if (!(v >= 0 && v < 1)) throw new RangeError(`${name} fraction must be in [0, 1), got ${v}`);
  }
  if (f.holdout + f.valid >= 1) throw new RangeError(`holdout (${f.holdout}) + valid (${f.valid}) fractions leave no rows to train on`);
  const order = Int32Array.from(candidates);
  if (times) order.sort((a, b) => times[a] - times[b] || a - b);
  const n = order.length;
  const holdoutStart = n - Math.round(n * f.holdout);
  const validStart = holdoutStart - Math.round(n * f.valid);
  return {
    train: order.slice(0, validStart),
    valid: order.slice(validStart, holdoutStart),
    holdout: order.slice(holdoutStart),
  };
}
