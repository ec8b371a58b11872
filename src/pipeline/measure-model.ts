/**
 * @module What `train` and `import` both measure on the model they are about to write: scores
 * through ONNX Runtime (what will be served), an optional calibration fitted on validation,
 * metrics and recommended thresholds on the calibrated scores, the holdout check, and the drift
 * reference. One place, so a trained and an imported bundle carry the same manifest sections.
 */
import { applyCalibration, calibrationCheck, type CalibrationMethod, fitCalibration } from '../calibration/index.ts';
import { referenceDistributions } from '../drift/reference.ts';
import type { TrainingSet } from '../gbdt/train.ts';
import type { Manifest } from '../model/index.ts';
import { evaluationMetrics, recommendThresholds } from '../model/evaluation.ts';
import type { OnnxScorer } from '../runtime/onnx-scorer.ts';

/** The labelled rows a measurement reads (a training set without the need for `numFeatures`). */
export type LabelledSet = Pick<TrainingSet, 'x' | 'labels' | 'numRows' | 'weights'>;

export interface ModelMeasurement {
  /** Raw (uncalibrated) scores of the validation rows, for checks against another evaluator. */
  validRaw: Float32Array;
  /** Calibrated holdout scores, when there is a holdout (per-family metrics read them). */
  holdoutScores?: Float32Array;
  /** The manifest sections this measurement fills. */
  manifest: Pick<Manifest, 'metrics' | 'thresholds' | 'reference' | 'scoreReference' | 'calibration'>;
}

/**
 * Scores `valid` and `holdout` with `scorer` (loaded without calibration), fits `calibrate` on
 * validation, and measures everything on calibrated scores, as they will be served. The drift
 * reference is the holdout (newest rows, scored out of sample, as serving will see them), else
 * validation.
 */
export async function measureModel(
  scorer: OnnxScorer,
  featureNames: readonly string[],
  valid: LabelledSet,
  holdout: LabelledSet,
  calibrate: CalibrationMethod,
  log: (line: string) => void,
): Promise<ModelMeasurement> {
  const validRaw = await scorer.score(valid.x, valid.numRows);
  const calibration = fitCalibration(calibrate, valid.labels, validRaw, valid.weights);
  if (calibration) log(`calibration: ${calibration.method}, fitted on ${valid.numRows} validation rows`);
  const validScores = applyCalibration(calibration, validRaw);
  const validation = evaluationMetrics(valid.labels, validScores, undefined, valid.weights);
  const thresholds = recommendThresholds(validation);
  const holdoutRaw = holdout.numRows > 0 ? await scorer.score(holdout.x, holdout.numRows) : undefined;
  const holdoutScores = holdoutRaw && applyCalibration(calibration, holdoutRaw);
  const holdoutMetrics = holdoutScores && evaluationMetrics(holdout.labels, holdoutScores, thresholds, holdout.weights);
  const check = calibration && holdoutRaw && holdoutScores ? calibrationCheck(holdout.labels, holdoutRaw, holdoutScores, thresholds, holdout.weights) : undefined;
  const refSet = holdoutScores ? { set: holdout, scores: holdoutScores, source: 'holdout' } : { set: valid, scores: validScores, source: 'validation' };
  const ref = referenceDistributions(featureNames, refSet.set.x, refSet.scores);
  return {
    validRaw,
    holdoutScores,
    manifest: {
      metrics: { validation, holdout: holdoutMetrics },
      thresholds,
      reference: ref.features,
      scoreReference: { ...ref.score, source: refSet.source, rows: refSet.set.numRows },
      ...(calibration ? { calibration: { ...calibration, fittedOn: 'validation', fitRows: valid.numRows, ...(check ? { holdoutCheck: check } : {}) } } : {}),
    },
  };
}
