/** @module One-call evaluation of a binary scorer: every headline metric from a single sort. */
import { calibrationFromSums } from './calibration.ts';
import { buildCurve } from './curve.ts';
import { fpReductionFromCurve, type FpReduction } from './fp-reduction.ts';
import { checkBinaryInput, requireBothClasses } from './input.ts';
import { brierSum, logLossSum } from './probability.ts';
import { prAucFromCurve, rocAucFromCurve } from './ranking.ts';

/** The metrics winnow reports for a model on one labelled data set. */
export interface BinaryEvaluation {
  /** Rows evaluated. */
  count: number;
  /** Rows labelled 1. */
  positives: number;
  /** Weighted share of positives (the plain share without weights). */
  baseRate: number;
  auc: number;
  prAuc: number;
  brier: number;
  logLoss: number;
  /** Expected calibration error over 10 equal-width bins. */
  ece: number;
  fpAtRecall95: FpReduction;
  fpAtRecall99: FpReduction;
}

/**
 * AUC, average precision, Brier, log loss, ECE, base rate and FP reduction at 95% and 99% recall,
 * from one validation pass and one sort (O(n log n)). Needs both classes and probabilities in [0, 1].
 */
export function evaluateBinary(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): BinaryEvaluation {
  const fn = 'evaluateBinary';
  const totals = checkBinaryInput(fn, labels, scores, weights, true);
  requireBothClasses(fn, totals);
  const curve = buildCurve(labels, scores, weights, totals);
  const totalWeight = totals.positiveWeight + totals.negativeWeight;
  return {
    count: totals.count,
    positives: totals.positiveCount,
    baseRate: totals.positiveWeight / totalWeight,
    auc: rocAucFromCurve(curve, fn),
    prAuc: prAucFromCurve(curve, fn),
    brier: brierSum(labels, scores, weights) / totalWeight,
    logLoss: logLossSum(labels, scores, weights) / totalWeight,
    ece: calibrationFromSums(labels, scores, 10, weights).ece,
    fpAtRecall95: fpReductionFromCurve(curve, 0.95, fn),
    fpAtRecall99: fpReductionFromCurve(curve, 0.99, fn),
  };
}
