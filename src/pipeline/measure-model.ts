/**
 * @module What `train` and `import` both measure on the model they are about to write: scores
 * through ONNX Runtime (what will be served), an optional calibration fitted on validation,
 * metrics and recommended thresholds on the calibrated scores, the holdout check, and the drift
 * reference. One place, so a trained and an imported bundle carry the same manifest sections.
 */
import { applyCalibration, calibrationCheck, type CalibrationMethod, fitCalibration } from '../calibration/index.ts';
import { referenceDistributions } from '../drift/reference.ts';
import type { TrainingSet } from '../gbdt/train.ts';
import type { EvaluationMetrics, Manifest } from '../model/index.ts';
import { evaluationMetrics, recommendThresholds } from '../model/evaluation.ts';
import type { OnnxScorer } from '../runtime/onnx-scorer.ts';

/** The labelled rows a measurement reads (a training set without the need for `numFeatures`). */
export type LabelledSet = Pick<TrainingSet, 'x' | 'labels' | 'numRows' | 'weights'>;

export interface ModelMeasurement {
  /** Raw (uncalibrated) scores of the validation rows, for checks against another evaluator. */
  validRaw: Float32Array;
  /** Calibrated holdout scores, when there is a holdout (per-family metrics read them). */
  holdoutScores?: Float32Array;
  /**
   * With a separate holdout scorer (the refit recipe's backtest): the split model's own holdout
   * metrics at the same thresholds, so the card can show what refitting changed.
   */
  splitHoldout?: EvaluationMetrics;
  /** The manifest sections this measurement fills. */
  manifest: Pick<Manifest, 'metrics' | 'thresholds' | 'reference' | 'scoreReference' | 'calibration'>;
}

/**
 * Scores `valid` with `scorer` (loaded without calibration), fits `calibrate` and chooses the
 * thresholds on validation, and measures everything on calibrated scores, as they will be served.
 * The holdout is scored by `holdoutScorer` (default `scorer`): under the refit recipe, the backtest
 * model, so the holdout figures describe the recipe that is served. The drift reference is the
 * holdout (newest rows, scored out of sample, as serving will see them), else validation.
 */
export async function measureModel(
  scorer: OnnxScorer,
  featureNames: readonly string[],
  valid: LabelledSet,
  holdout: LabelledSet,
  calibrate: CalibrationMethod,
  log: (line: string) => void,
  holdoutScorer: OnnxScorer = scorer,
): Promise<ModelMeasurement> {
  const validRaw = await scorer.score(valid.x, valid.numRows);
  const calibration = fitCalibration(calibrate, valid.labels, validRaw, valid.weights);
  if (calibration) log(`calibration: ${calibration.method}, fitted on ${valid.numRows} validation rows`);
  const validScores = applyCalibration(calibration, validRaw);
  const validation = evaluationMetrics(valid.labels, validScores, undefined, valid.weights);
  const thresholds = recommendThresholds(validation);
  const holdoutRaw = holdout.numRows > 0 ? await holdoutScorer.score(holdout.x, holdout.numRows) : undefined;
  const splitHoldout = holdout.numRows > 0 && holdoutScorer !== scorer
    ? evaluationMetrics(holdout.labels, applyCalibration(calibration, await scorer.score(holdout.x, holdout.numRows)), thresholds, holdout.weights)
    : undefined;
  const holdoutScores = holdoutRaw && applyCalibration(calibration, holdoutRaw);
  const holdoutMetrics = holdoutScores && evaluationMetrics(holdout.labels, holdoutScores, thresholds, holdout.weights);
  const check = calibration && holdoutRaw && holdoutScores ? calibrationCheck(holdout.labels, holdoutRaw, holdoutScores, thresholds, holdout.weights) : undefined;
  const refSet = holdoutScores ? { set: holdout, scores: holdoutScores, source: 'holdout' } : { set: valid, scores: validScores, source: 'validation' };
  const ref = referenceDistributions(featureNames, refSet.set.x, refSet.scores);
  return {
    validRaw,
    holdoutScores,
    splitHoldout,
    manifest: {
      metrics: { validation, holdout: holdoutMetrics },
      thresholds,
      reference: ref.features,
      scoreReference: { ...ref.score, source: refSet.source, rows: refSet.set.numRows },
      ...(calibration ? { calibration: { ...calibration, fittedOn: 'validation', fitRows: valid.numRows, ...(check ? { holdoutCheck: check } : {}) } } : {}),
    },
  };
}
