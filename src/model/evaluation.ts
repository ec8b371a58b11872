/** @module Turns labelled scores into the metrics and recommended thresholds a manifest records. */
import { evaluateBinary, thresholdOutcome, type BinaryEvaluation } from '../metrics/index.ts';
import type { EvaluationMetrics, Manifest, WeightedTotals } from './manifest.ts';

/** The recommended thresholds section of a manifest. */
export type RecommendedThresholds = Manifest['thresholds'];

/** Manifest metrics from an already computed evaluation (no recommended-threshold outcomes). */
export function metricsFromEvaluation(e: BinaryEvaluation, weighted?: WeightedTotals): EvaluationMetrics {
  return {
    rows: e.count,
    positives: e.positives,
    auc: e.auc,
    prAuc: e.prAuc,
    brier: e.brier,
    logLoss: e.logLoss,
    ece: e.ece,
    fpReduction95: e.fpAtRecall95.fpReduction,
    threshold95: e.fpAtRecall95.threshold,
    fpReduction99: e.fpAtRecall99.fpReduction,
    threshold99: e.fpAtRecall99.threshold,
    // Only weighted metrics say so: unweighted ones keep exactly the keys they always had.
    ...(weighted ? { weighted } : {}),
  };
}

/** Sums of sample weights over all rows and over positives: the alerts a weighted set stands for. */
export function weightedTotals(labels: ArrayLike<number>, weights: ArrayLike<number>): WeightedTotals {
  let rows = 0;
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    rows += weights[i];
    if (labels[i] === 1) positives += weights[i];
  }
  return { rows, positives };
}

/**
 * Evaluate scores on one labelled set for the manifest; with `recommended` thresholds (chosen on
 * validation) it also records the recall and FP reduction this set actually gets at them. With
 * sample `weights` every metric is weighted (a row of weight w counts as w alerts) and the
 * weighted totals are recorded beside the row counts.
 */
export function evaluationMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  recommended?: RecommendedThresholds,
  weights?: ArrayLike<number>,
): EvaluationMetrics {
  const metrics = metricsFromEvaluation(evaluateBinary(labels, scores, weights), weights && weightedTotals(labels, weights));
  if (!recommended) return metrics;
  const at = (t: number) => {
    const o = thresholdOutcome(labels, scores, t, weights);
    return { recall: o.recall, fpReduction: o.fpReduction };
  };
  return { ...metrics, atRecommended: { recall95: at(recommended.recall95), recall99: at(recommended.recall99) } };
}

/** Recommended thresholds are the validation set's 95%- and 99%-recall thresholds. */
export function recommendThresholds(validation: EvaluationMetrics): RecommendedThresholds {
  return { recall95: validation.threshold95, recall99: validation.threshold99 };
}
