/** @module Validation of the (labels, scores, weights) triple every metric takes, with errors that name the bad element. */

/** Raised when a metric is given input it cannot be computed on; the message names the argument and index. */
export class MetricInputError extends Error {
  override name = 'MetricInputError';
}

/** Totals gathered while validating, so callers need not loop again. */
export interface BinaryTotals {
  count: number;
  positiveCount: number;
  positiveWeight: number;
  negativeWeight: number;
}

/**
 * Check lengths, 0/1 labels, scores and weights in one pass.
 * `probabilities` demands scores in [0, 1] (Brier, log loss, calibration); ranking metrics accept
 * any non-NaN score, so monotone transforms of probabilities (logits, ranks) can be ranked too.
 */
export function checkBinaryInput(
  fn: string,
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  probabilities: boolean,
): BinaryTotals {
  const n = labels.length;
  if (scores.length !== n) throw new MetricInputError(`${fn}: labels has ${n} elements but scores has ${scores.length}`);
  if (weights && weights.length !== n) throw new MetricInputError(`${fn}: labels has ${n} elements but weights has ${weights.length}`);
  if (n === 0) throw new MetricInputError(`${fn}: no rows (labels and scores are empty)`);
  let positiveCount = 0;
  let positiveWeight = 0;
  let negativeWeight = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new MetricInputError(`${fn}: labels[${i}] is ${y}; labels must be 0 or 1`);
    const s = scores[i];
    if (s !== s) throw new MetricInputError(`${fn}: scores[${i}] is NaN`);
    if (probabilities && !(s >= 0 && s <= 1)) {
      throw new MetricInputError(`${fn}: scores[${i}] is ${s}; probabilities must lie in [0, 1]`);
    }
    let w = 1;
    if (weights) {
      w = weights[i];
      if (!(w >= 0 && w < Infinity)) throw new MetricInputError(`${fn}: weights[${i}] is ${w}; weights must be finite and >= 0`);
    }
    if (y === 1) {
      positiveCount++;
      positiveWeight += w;
    } else {
      negativeWeight += w;
    }
  }
  if (positiveWeight + negativeWeight === 0) throw new MetricInputError(`${fn}: all sample weights are 0`);
  return { count: n, positiveCount, positiveWeight, negativeWeight };
}

/** Refuse a ranking metric that needs both classes, naming which one is absent. */
export function requireBothClasses(fn: string, totals: BinaryTotals): void {
  if (totals.positiveWeight === 0) {
    throw new MetricInputError(`${fn}: no positive labels (all ${totals.count} rows are 0 or have weight 0); it is undefined`);
  }
  if (totals.negativeWeight === 0) {
    throw new MetricInputError(`${fn}: no negative labels (all ${totals.count} rows are 1 or have weight 0); it is undefined`);
  }
}
