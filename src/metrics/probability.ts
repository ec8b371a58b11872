/** @module Proper scoring rules for predicted probabilities: Brier score and log loss. */
import { checkBinaryInput } from './input.ts';

/** Clip for log loss, as sklearn's `eps='auto'` for float64 inputs, so a confident miss costs ~36 nats, not Infinity. */
export const LOG_LOSS_EPS = Number.EPSILON;

/** Sum of weighted squared errors and of weights, without validation; shared with `evaluateBinary`. */
export function brierSum(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = scores[i] - labels[i];
    sum += (weights ? weights[i] : 1) * d * d;
  }
  return sum;
}

/** Sum of weighted per-row log losses, without validation; shared with `evaluateBinary`. */
export function logLossSum(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(scores[i], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    // log1p keeps precision for the tiny probabilities a well-separated model gives negatives.
    const loss = labels[i] === 1 ? -Math.log(p) : -Math.log1p(-p);
    sum += (weights ? weights[i] : 1) * loss;
  }
  return sum;
}

/** Mean squared difference between probability and 0/1 label (optionally weighted), as sklearn's brier_score_loss. */
export function brier(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const t = checkBinaryInput('brier', labels, scores, weights, true);
  return brierSum(labels, scores, weights) / (t.positiveWeight + t.negativeWeight);
}

/** Mean negative log-likelihood (natural log, probabilities clipped to [eps, 1 − eps]), as sklearn's log_loss. */
export function logLoss(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const t = checkBinaryInput('logLoss', labels, scores, weights, true);
  return logLossSum(labels, scores, weights) / (t.positiveWeight + t.negativeWeight);
}
