/** @module The `evaluate` use case: score a labelled file with a bundle through ONNX Runtime and measure it. */
import type { Manifest } from '../model/index.ts';
import { evaluationMetrics } from '../model/evaluation.ts';
import type { EvaluationMetrics } from '../model/manifest.ts';
import { calibrationCheck, type CalibrationCheck } from '../calibration/calibration-check.ts';
import { scoreLabelled, type ScoreLabelledOptions } from './score-labelled.ts';

/**
 * What to evaluate: the rows `scoreLabelled` picks. With `weightColumn` every metric, and the
 * outcome at the recommended thresholds, is weighted; with `holdout` it defaults to the column the
 * model was trained with, so the manifest's holdout metrics are reproduced as recorded.
 */
export type EvaluateBundleOptions = Omit<ScoreLabelledOptions, 'keepTimes'>;

export interface EvaluateBundleResult {
  manifest: Manifest;
  metrics: EvaluationMetrics;
  /** Labelled rows in the file, and how many of them were evaluated. */
  labelledRows: number;
  evaluatedRows: number;
  /** The weight column the metrics were weighted by, if any. */
  weightColumn?: string;
  /** Brier, reliability and per-band expected true positives before and after calibration, for a calibrated bundle. */
  calibration?: CalibrationCheck;
}

/** Evaluate a bundle on a labelled file; metrics include the outcome at the bundle's recommended thresholds. */
export async function evaluateBundle(o: EvaluateBundleOptions): Promise<EvaluateBundleResult> {
  const s = await scoreLabelled(o);
  const metrics = evaluationMetrics(s.labels, s.scores, s.manifest.thresholds, s.weights);
  const calibration = s.manifest.calibration && calibrationCheck(s.labels, s.rawScores, s.scores, s.manifest.thresholds, s.weights);
  return { manifest: s.manifest, metrics, labelledRows: s.labelledRows, evaluatedRows: s.rows.length, weightColumn: s.weightColumn, ...(calibration ? { calibration } : {}) };
}
