/** @module The whole threshold analysis of one labelled, scored data set: curve, chosen threshold, groups, out-of-time check. */
import { applyGroupThresholds, applyThreshold } from './apply.ts';
import { type ClosureCurve, closureCurve, type ScoredAlerts, type ThresholdPoint, ThresholdError } from './closure-curve.ts';
import { gridPoints } from './grid.ts';
import { type GroupThresholdResult, groupThresholds } from './group-thresholds.ts';
import { thresholdForRecall, thresholdForReviewBudget } from './select.ts';

/** Scored alerts with what the analysis may need besides: groups and the time they span. */
export interface SimulationAlerts extends ScoredAlerts {
  group?: ArrayLike<number>;
  groupNames?: readonly string[];
  /** How many periods (days, weeks…) the alerts span, for workload per period. */
  periods?: number;
}

/** How the threshold is chosen: a recall to keep, or a review budget per period or as a share of alerts. */
export type Selection =
  | { kind: 'recall'; target: number }
  | { kind: 'budget'; perPeriod: number }
  | { kind: 'share'; share: number };

export interface SimulationOptions {
  selection: Selection;
  /** Analyst minutes per reviewed alert. */
  minutesPerAlert: number;
  /** Choose per-group thresholds too (the alerts must carry groups). */
  byGroup?: boolean;
  minGroupPositives?: number;
  minGroupRecall?: number;
}

/** Analyst load of a review queue. */
export interface Workload {
  reviewed: number;
  hours: number;
  /** Per period, when the alerts' time span is known. */
  reviewedPerPeriod?: number;
  hoursPerPeriod?: number;
}

export type WorkedPoint = ThresholdPoint & { workload: Workload };

export interface Simulation {
  selection: Selection;
  /** The review budget the selection came to, in alerts of the fitted data (budget selections only). */
  maxReviewed?: number;
  curve: ClosureCurve;
  /** Workload with no alert closed. */
  reviewAll: Workload;
  chosen: WorkedPoint;
  /** Rows for a printed table, the chosen one included. */
  table: ThresholdPoint[];
  /** Per-group thresholds for the chosen point's recall (the target, or what the budget reaches). */
  groups?: GroupThresholdResult & { perGroupWorkload: Workload; globalWorkload: Workload };
  /** The same thresholds applied to later alerts they were not chosen on. */
  check?: { global: WorkedPoint; perGroup?: WorkedPoint };
}

/** Workload of `reviewed` alerts. */
export function workload(reviewed: number, minutesPerAlert: number, periods?: number): Workload {
  const hours = (reviewed * minutesPerAlert) / 60;
  if (!(periods && periods > 0)) return { reviewed, hours };
  return { reviewed, hours, reviewedPerPeriod: reviewed / periods, hoursPerPeriod: hours / periods };
}

function worked(p: ThresholdPoint, minutesPerAlert: number, periods?: number): WorkedPoint {
  return { ...p, workload: workload(p.reviewed, minutesPerAlert, periods) };
}

/** The review budget of a selection on alerts of `curve`, or undefined for a recall selection. */
function maxReviewedOf(selection: Selection, curve: ClosureCurve, periods?: number): number | undefined {
  if (selection.kind === 'share') {
    if (!(selection.share > 0 && selection.share <= 1)) throw new ThresholdError(`review share must be in (0, 1], got ${selection.share}`);
    return selection.share * (curve.positives + curve.negatives);
  }
  if (selection.kind === 'budget') {
    if (!(periods && periods > 0)) throw new ThresholdError('a review budget per period needs the time span of the alerts (a time column)');
    if (!(selection.perPeriod > 0)) throw new ThresholdError(`review budget must be a number > 0, got ${selection.perPeriod}`);
    return selection.perPeriod * periods;
  }
  return undefined;
}

/** Choose a threshold on `fit` (and per-group ones if asked), and measure both on `check` when given. */
export function simulateThresholds(fit: SimulationAlerts, options: SimulationOptions, check?: SimulationAlerts): Simulation {
  const { selection, minutesPerAlert } = options;
  if (!(minutesPerAlert >= 0 && minutesPerAlert < Infinity)) throw new ThresholdError(`minutes per alert must be a number >= 0, got ${minutesPerAlert}`);
  const curve = closureCurve(fit);
  if (!(curve.positives > 0)) {
    throw new ThresholdError(`no true positives among the ${curve.positives + curve.negatives} alerts (all labels are 0, or their weights are 0): recall is undefined, so thresholds cannot be compared`);
  }
  const maxReviewed = maxReviewedOf(selection, curve, fit.periods);
  const point = selection.kind === 'recall' ? thresholdForRecall(curve, selection.target) : thresholdForReviewBudget(curve, maxReviewed!);
  const chosen = worked(point, minutesPerAlert, fit.periods);
  const sim: Simulation = {
    selection,
    ...(maxReviewed === undefined ? {} : { maxReviewed }),
    curve,
    reviewAll: workload(curve.positives + curve.negatives, minutesPerAlert, fit.periods),
    chosen,
    table: gridPoints(curve, [chosen.threshold]),
  };
  if (options.byGroup) {
    if (!fit.group || !fit.groupNames) throw new ThresholdError('per-group thresholds need a group for every alert');
    const target = selection.kind === 'recall' ? selection.target : chosen.recall;
    const g = groupThresholds({ ...fit, group: fit.group, groupNames: fit.groupNames }, { target, minGroupPositives: options.minGroupPositives, minGroupRecall: options.minGroupRecall });
    sim.groups = { ...g, perGroupWorkload: workload(g.perGroup.reviewed, minutesPerAlert, fit.periods), globalWorkload: workload(g.global.reviewed, minutesPerAlert, fit.periods) };
  }
  if (check) {
    const global = worked(applyThreshold(check, chosen.threshold), minutesPerAlert, check.periods);
    sim.check = { global };
    if (sim.groups) {
      if (!check.group || !check.groupNames) throw new ThresholdError('checking per-group thresholds needs a group for every alert');
      const perGroup = applyGroupThresholds({ ...check, group: check.group, groupNames: check.groupNames }, sim.groups.thresholds);
      sim.check.perGroup = worked(perGroup, minutesPerAlert, check.periods);
    }
  }
  return sim;
}
