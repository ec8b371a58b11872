/** @module Public surface of the pure metrics package: import from here rather than from individual files. */
export { MetricInputError, type BinaryTotals } from './input.ts';
export { binaryCurve, type BinaryCurve } from './curve.ts';
export { rocAuc, prAuc, rocAucFromCurve, prAucFromCurve } from './ranking.ts';
export { fpReductionAtRecall, fpReductionFromCurve, thresholdOutcome, type FpReduction, type ThresholdOutcome } from './fp-reduction.ts';
export { brier, logLoss, LOG_LOSS_EPS } from './probability.ts';
export { calibration, calibrationBinOf, type Calibration, type CalibrationBin } from './calibration.ts';
export { evaluateBinary, type BinaryEvaluation } from './evaluate.ts';
export { histogram, psi, type Histogram } from './psi.ts';
