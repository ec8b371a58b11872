/** @module Turns labelled scores into the metrics and recommended thresholds a manifest records. */
import { evaluateBinary, thresholdOutcome, type BinaryEvaluation } from '../metrics/index.ts';
import type { EvaluationMetrics, Manifest } from './manifest.ts';

/** The recommended thresholds section of a manifest. */
export type RecommendedThresholds = Manifest['thresholds'];

/** Manifest metrics from an already computed evaluation (no recommended-threshold outcomes). */
export function metricsFromEvaluation(e: BinaryEvaluation): EvaluationMetrics {
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
  };
}

/**
 * Evaluate scores on one labelled set for the manifest; with `recommended` thresholds (chosen on
 * validation) it also records the recall and FP reduction this set actually gets at them.
 */
export function evaluationMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  recommended?: RecommendedThresholds,
): EvaluationMetrics {
  const metrics = metricsFromEvaluation(evaluateBinary(labels, scores));
  if (!recommended) return metrics;
  const at = (t: number) => {
    const o = thresholdOutcome(labels, scores, t);
    return { recall: o.recall, fpReduction: o.fpReduction };
  };
  return { ...metrics, atRecommended: { recall95: at(recommended.recall95), recall99: at(recommended.recall99) } };
}

/** Recommended thresholds are the validation set's 95%- and 99%-recall thresholds. */
export function recommendThresholds(validation: EvaluationMetrics): RecommendedThresholds {
  return { recall95: validation.threshold95, recall99: validation.threshold99 };
}
