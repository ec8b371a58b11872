/**
 * @module The threshold analysis of alerts already scored and labelled, wherever they come from: a
 * labelled file scored by `winnow simulate`, or the decisions and dispositions in the store that the
 * console's thresholds page reads. Both run this one function, so they choose the same thresholds.
 */
import { type Selection, type Simulation, type SimulationAlerts, simulateThresholds, ThresholdError } from '../thresholds/index.ts';
import { timeOrderedSplit } from './split.ts';

/** Periods a review budget and the workload can be stated in; a month is an average calendar month. */
export const PERIODS = { day: 86_400_000, week: 7 * 86_400_000, month: (365.25 / 12) * 86_400_000 } as const;
export type Period = keyof typeof PERIODS;

/** Scored, labelled alerts as parallel arrays (index i is one alert). */
export interface ScoredLabelledAlerts {
  labels: ArrayLike<number>;
  scores: ArrayLike<number>;
  weights?: ArrayLike<number>;
  /** Epoch ms per alert, for the out-of-time split and the span of per-period workload. */
  times?: Float64Array;
  /** The period the alerts were taken from, when it was stated (else the first to the last alert). */
  since?: number;
  until?: number;
  /** Rule id per alert; needed for `neverSuppress`. */
  rules?: readonly string[];
  /** Group value per alert (rule, segment…); per-group thresholds are chosen when given. */
  groups?: readonly string[];
}

export interface SimulateScoredOptions {
  selection: Selection;
  period?: Period;
  minutesPerAlert: number;
  minGroupPositives?: number;
  minGroupRecall?: number;
  /** Rule ids whose alerts are never closed, as the serving policy's neverSuppress. */
  neverSuppress?: readonly string[];
  /** Share of the latest alerts kept out of the choice, to check it on (0 = choose on every alert). */
  checkFraction?: number;
}

/** The analysis and the split it was run on. */
export interface ScoredSimulation {
  evaluatedRows: number;
  fitRows: number;
  checkRows: number;
  period: Period;
  /** Periods the fitted rows and the checked rows span, when times are known. */
  fitPeriods?: number;
  checkPeriods?: number;
  neverSuppress: string[];
  /** neverSuppress rule ids that no alert carries (probably misspelt). */
  unknownNeverSuppress: string[];
  simulation: Simulation;
}

/** Choose thresholds on `alerts` (on their earlier part, with `checkFraction`) and check them on the rest. */
export function simulateScored(alerts: ScoredLabelledAlerts, o: SimulateScoredOptions): ScoredSimulation {
  const checkFraction = o.checkFraction ?? 0;
  if (!(checkFraction >= 0 && checkFraction < 1)) throw new ThresholdError(`check fraction must be in [0, 1), got ${checkFraction}`);
  const period = o.period ?? 'day';
  const n = alerts.labels.length;
  const neverSuppress = [...new Set(o.neverSuppress ?? [])];
  const { rules, groups, times } = alerts;
  if (neverSuppress.length > 0 && !rules) throw new ThresholdError('never-suppressed rules need a rule id for every alert');
  const alwaysReview = neverSuppress.length > 0 ? Uint8Array.from(rules!, (r) => (neverSuppress.includes(r) ? 1 : 0)) : undefined;
  const groupNames = groups && [...new Set(groups)].sort();
  const groupIndex = groupNames && new Map(groupNames.map((g, i) => [g, i]));

  const { train: fitRows, holdout: checkRows } = timeOrderedSplit(Int32Array.from({ length: n }, (_, i) => i), times, { holdout: checkFraction, valid: 0 });
  if (fitRows.length === 0) throw new ThresholdError(`check fraction ${checkFraction} leaves no alerts to choose thresholds on`);
  const alertsOf = (rows: Int32Array, periods: number | undefined): SimulationAlerts => ({
    labels: Float32Array.from(rows, (r) => alerts.labels[r]),
    // Float64: a threshold is one of these scores, and a policy compares it with the score as recorded.
    scores: Float64Array.from(rows, (r) => alerts.scores[r]),
    weights: alerts.weights && Float32Array.from(rows, (r) => alerts.weights![r]),
    alwaysReview: alwaysReview && Uint8Array.from(rows, (r) => alwaysReview[r]),
    group: groups && Int32Array.from(rows, (r) => groupIndex!.get(groups[r])!),
    groupNames,
    periods,
  });
  const periodMs = PERIODS[period];
  const span = (rows: Int32Array, from?: number, to?: number) => {
    const ms = times && spanOf(rows, times, from, to);
    return ms === undefined ? undefined : ms / periodMs;
  };
  const checkStart = checkRows.length > 0 && times ? times[checkRows[0]] : undefined;
  const fitPeriods = span(fitRows, alerts.since, checkStart ?? alerts.until);
  const checkPeriods = checkRows.length > 0 ? span(checkRows, checkStart, alerts.until) : undefined;
  const simulation = simulateThresholds(
    alertsOf(fitRows, fitPeriods),
    { selection: o.selection, minutesPerAlert: o.minutesPerAlert, byGroup: Boolean(groups), minGroupPositives: o.minGroupPositives, minGroupRecall: o.minGroupRecall },
    checkRows.length > 0 ? alertsOf(checkRows, checkPeriods) : undefined,
  );
  return {
    evaluatedRows: n,
    fitRows: fitRows.length,
    checkRows: checkRows.length,
    period,
    fitPeriods,
    checkPeriods,
    neverSuppress,
    unknownNeverSuppress: rules ? neverSuppress.filter((r) => !rules.includes(r)) : [],
    simulation,
  };
}

/**
 * Milliseconds the rows cover: from `from` (else their earliest time) to `to` (else their latest). The
 * first-to-last span falls short of the true one by about one gap between alerts, negligible for the
 * thousands of alerts a threshold is chosen on; an instant (0) gives no span.
 */
function spanOf(rows: Int32Array, times: Float64Array, from?: number, to?: number): number | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    lo = Math.min(lo, times[r]);
    hi = Math.max(hi, times[r]);
  }
  const ms = (to ?? hi) - (from ?? lo);
  return ms > 0 ? ms : undefined;
}
