/** @module Choosing one closing threshold: for a recall target, or for an analyst budget. */
import { type ClosureCurve, pointAt, type ThresholdPoint, ThresholdError } from './closure-curve.ts';

/**
 * Relative slack on the recall target (as in metrics' fpReductionAtRecall), so that 0.95 × 20 computed
 * as 19.000000000000004 still accepts 19 kept positives.
 */
export const RECALL_SLACK = 1e-12;

/** Weight of true positives that may be closed while keeping `target` of `positives`. */
export function positivesAllowedToClose(positives: number, target: number): number {
  return positives - target * positives * (1 - RECALL_SLACK);
}

/** Refuse a recall target outside (0, 1] and a curve without true positives, where recall means nothing. */
export function checkRecallTarget(curve: ClosureCurve, target: number): void {
  if (!(target > 0 && target <= 1)) throw new ThresholdError(`recall target must be in (0, 1], got ${target}`);
  if (!(curve.positives > 0)) {
    const alerts = curve.positives + curve.negatives;
    throw new ThresholdError(`no true positives among the ${alerts} alerts (all labels are 0, or their weights are 0): recall is undefined, so no threshold can be chosen for a recall target`);
  }
}

/** Refuse a curve with nothing to close. */
function checkClosable(curve: ClosureCurve): void {
  if (curve.thresholds.length === 0) {
    throw new ThresholdError(`no alert can be closed: all ${curve.positives + curve.negatives} alerts belong to never-suppressed rules`);
  }
}

/** Largest j with values[j] <= limit, for non-empty non-decreasing values with values[0] = 0. */
export function lastAtMost(values: Float64Array, limit: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (values[mid] <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The highest threshold that keeps at least `target` of true positives for review, and what it does.
 * Tied scores cannot be split, so the recall reached may exceed the target; at target 1 the threshold is the
 * lowest score of any (closable) true positive.
 */
export function thresholdForRecall(curve: ClosureCurve, target: number): ThresholdPoint {
  checkRecallTarget(curve, target);
  checkClosable(curve);
  return pointAt(curve, lastAtMost(curve.closedPositives, positivesAllowedToClose(curve.positives, target)));
}

/**
 * The lowest threshold that leaves at most `maxReviewed` alerts for review (always-reviewed ones included):
 * the budget is met while closing as few alerts, and so keeping as many true positives, as it allows.
 */
export function thresholdForReviewBudget(curve: ClosureCurve, maxReviewed: number): ThresholdPoint {
  if (!(maxReviewed >= 0)) throw new ThresholdError(`review budget must be a number >= 0, got ${maxReviewed}`);
  checkClosable(curve);
  const alerts = curve.positives + curve.negatives;
  const { closedPositives: cp, closedNegatives: cn } = curve;
  const m = cp.length;
  const mustClose = alerts - maxReviewed;
  if (cp[m - 1] + cn[m - 1] < mustClose) {
    const top = pointAt(curve, m - 1);
    const always = curve.alwaysReviewedPositives + curve.alwaysReviewedNegatives;
    const why = always > 0 ? ` (${fmt(always)} of them from never-suppressed rules)` : '';
    throw new ThresholdError(`a budget of ${fmt(maxReviewed)} reviewed alerts cannot be met: even the highest threshold (${top.threshold}) leaves ${fmt(top.reviewed)} alerts to review${why}`);
  }
  // closed = cp + cn is non-decreasing in j: find the first j that closes enough.
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cp[mid] + cn[mid] >= mustClose) hi = mid;
    else lo = mid + 1;
  }
  return pointAt(curve, lo);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}
