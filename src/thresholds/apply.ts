/** @module Applying chosen thresholds to other alerts: how a choice made on past data does on later data. */
import { checkBinaryInput } from '../metrics/input.ts';
import { pointFromCounts, type ScoredAlerts, type ThresholdPoint } from './closure-curve.ts';
import type { GroupedAlerts } from './group-thresholds.ts';

/** What closing alert i when scores[i] < thresholdOf(i) does; always-reviewed alerts are never closed. */
export function outcomeOf(alerts: ScoredAlerts, thresholdOf: (i: number) => number, threshold = NaN): ThresholdPoint {
  const { labels, scores, weights, alwaysReview } = alerts;
  const totals = checkBinaryInput('outcomeOf', labels, scores, weights, false);
  let positivesClosed = 0;
  let falsePositivesClosed = 0;
  for (let i = 0; i < labels.length; i++) {
    if ((alwaysReview && alwaysReview[i]) || !(scores[i] < thresholdOf(i))) continue;
    const w = weights ? weights[i] : 1;
    if (labels[i] === 1) positivesClosed += w;
    else falsePositivesClosed += w;
  }
  return pointFromCounts(threshold, totals.positiveWeight, totals.negativeWeight, positivesClosed, falsePositivesClosed);
}

/** The outcome of one threshold for every alert. */
export function applyThreshold(alerts: ScoredAlerts, threshold: number): ThresholdPoint {
  return outcomeOf(alerts, () => threshold, threshold);
}

/**
 * The outcome of per-group thresholds (group value → threshold). A group value the thresholds do not
 * name, one never seen when they were chosen, closes nothing: an unknown group fails open, to review.
 */
export function applyGroupThresholds(alerts: GroupedAlerts, thresholds: Readonly<Record<string, number>>): ThresholdPoint {
  const byIndex = alerts.groupNames.map((name) => (Object.hasOwn(thresholds, name) ? thresholds[name] : -Infinity));
  return outcomeOf(alerts, (i) => byIndex[alerts.group[i]]);
}
