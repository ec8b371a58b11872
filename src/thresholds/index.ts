/** @module Public surface of the pure thresholds package: closure curves, threshold choice, per-group optimisation. */
export { closureCurve, curveColumns, indexOfThreshold, pointAt, pointAtThreshold, pointFromCounts, ThresholdError, type ClosureCurve, type ScoredAlerts, type ThresholdPoint } from './closure-curve.ts';
export { checkRecallTarget, positivesAllowedToClose, RECALL_SLACK, thresholdForRecall, thresholdForReviewBudget } from './select.ts';
export { gridPoints, GRID_RECALLS, GRID_SHARES } from './grid.ts';
export { groupThresholds, MAX_LEVELS, POOLED_GROUP, type GroupedAlerts, type GroupThreshold, type GroupThresholdOptions, type GroupThresholdResult } from './group-thresholds.ts';
export { applyGroupThresholds, applyThreshold, outcomeOf } from './apply.ts';
export { simulateThresholds, workload, type Selection, type Simulation, type SimulationAlerts, type SimulationOptions, type Workload, type WorkedPoint } from './simulation.ts';
