/** @module False-positive reduction at a fixed recall: the measure users of winnow care about most. */
import { binaryCurve, type BinaryCurve } from './curve.ts';
import { checkBinaryInput, MetricInputError } from './input.ts';

/** What closing every alert scored below `threshold` would do; counts are sample weights when weights are given. */
export interface ClosureAtThreshold {
  threshold: number;
  /** True positives that would be closed (score < threshold): the price of the reduction. */
  positivesBelow: number;
  /** False positives with score < threshold. */
  falsePositivesBelow: number;
  /** All false positives. */
  falsePositives: number;
  /** falsePositivesBelow / falsePositives; 0 when there are no false positives. */
  fpReduction: number;
  /** Alerts with score < threshold: what could be auto-closed. */
  alertsBelow: number;
  alerts: number;
  alertShareBelow: number;
}

/** The closure at the highest threshold that still keeps `recallTarget` of true positives. */
export interface FpReduction extends ClosureAtThreshold {
  recallTarget: number;
  /** Share of true positives with score >= threshold (>= recallTarget). */
  achievedRecall: number;
}

/**
 * Relative slack on the recall target, so that e.g. 0.95 × 20 computed as 19.000000000000004
 * still accepts 19 kept positives instead of demanding all 20.
 */
const RECALL_SLACK = 1e-12;

/** FP reduction at a recall target read off a prebuilt curve (see `fpReductionAtRecall`). */
export function fpReductionFromCurve(curve: BinaryCurve, recall: number, fn = 'fpReductionAtRecall'): FpReduction {
  if (!(recall > 0 && recall <= 1)) throw new MetricInputError(`${fn}: recall target ${recall} must be in (0, 1]`);
  const { thresholds, tps, fps, totals } = curve;
  if (totals.positiveWeight === 0) {
    throw new MetricInputError(`${fn}: no positive labels among ${totals.count} rows; recall, and so a threshold, is undefined`);
  }
  const m = tps.length;
  const totalPos = tps[m - 1];
  const totalNeg = fps[m - 1];
  const need = recall * totalPos * (1 - RECALL_SLACK);
  // tps is non-decreasing: binary-search the first (highest-score) group that reaches the target.
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tps[mid] >= need) hi = mid;
    else lo = mid + 1;
  }
  const alerts = totalPos + totalNeg;
  const falsePositivesBelow = totalNeg - fps[lo];
  const alertsBelow = alerts - tps[lo] - fps[lo];
  return {
    recallTarget: recall,
    threshold: thresholds[lo],
    achievedRecall: tps[lo] / totalPos,
    positivesBelow: totalPos - tps[lo],
    falsePositivesBelow,
    falsePositives: totalNeg,
    fpReduction: totalNeg > 0 ? falsePositivesBelow / totalNeg : 0,
    alertsBelow,
    alerts,
    alertShareBelow: alertsBelow / alerts,
  };
}

/**
 * The share of false positives that could be auto-closed while keeping at least `recall` of true
 * positives: the threshold is the highest t with recall(score >= t) >= target, and since tied scores
 * cannot be split, t is always one of the scores. Throws when there are no positives.
 */
export function fpReductionAtRecall(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  recall: number,
  weights?: ArrayLike<number>,
): FpReduction {
  const fn = 'fpReductionAtRecall';
  // Check the target before paying for the sort.
  if (!(recall > 0 && recall <= 1)) throw new MetricInputError(`${fn}: recall target ${recall} must be in (0, 1]`);
  return fpReductionFromCurve(binaryCurve(labels, scores, weights, { fn }), recall, fn);
}

/** The closure at a given threshold, and the recall it keeps. */
export interface ThresholdOutcome extends ClosureAtThreshold {
  /** Share of true positives with score >= threshold. */
  recall: number;
}

/**
 * Recall and FP reduction of a fixed threshold (score < threshold is closed), in one pass with no sort:
 * how a threshold chosen on validation data actually performs on a later holdout or on live traffic.
 */
export function thresholdOutcome(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
  weights?: ArrayLike<number>,
): ThresholdOutcome {
  const fn = 'thresholdOutcome';
  if (threshold !== threshold) throw new MetricInputError(`${fn}: threshold is NaN`);
  const totals = checkBinaryInput(fn, labels, scores, weights, false);
  if (totals.positiveWeight === 0) throw new MetricInputError(`${fn}: no positive labels among ${totals.count} rows; recall is undefined`);
  let positivesBelow = 0;
  let falsePositivesBelow = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!(scores[i] < threshold)) continue;
    const w = weights ? weights[i] : 1;
    if (labels[i] === 1) positivesBelow += w;
    else falsePositivesBelow += w;
  }
  const { positiveWeight: pos, negativeWeight: neg } = totals;
  const alerts = pos + neg;
  const alertsBelow = positivesBelow + falsePositivesBelow;
  return {
    threshold,
    recall: (pos - positivesBelow) / pos,
    positivesBelow,
    falsePositivesBelow,
    falsePositives: neg,
    fpReduction: neg > 0 ? falsePositivesBelow / neg : 0,
    alertsBelow,
    alerts,
    alertShareBelow: alertsBelow / alerts,
  };
}
