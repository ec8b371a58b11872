/** @module The `simulate` use case: score a labelled file with a bundle and analyse every closing threshold on it. */
import type { Manifest } from '../model/index.ts';
import { type Selection, type Simulation, type SimulationAlerts, simulateThresholds } from '../thresholds/index.ts';
import { columnIndex } from './columns.ts';
import { scoreLabelled, type ScoredLabelled } from './score-labelled.ts';
import { timeOrderedSplit } from './split.ts';

/** Periods a review budget and the workload can be stated in; a month is an average calendar month. */
export const PERIODS = { day: 86_400_000, week: 7 * 86_400_000, month: (365.25 / 12) * 86_400_000 } as const;
export type Period = keyof typeof PERIODS;

/** Group value of an alert whose group cell is empty. */
export const MISSING_GROUP = '(missing)';

export interface SimulateOptions {
  model: string;
  data: string;
  label: string;
  weightColumn?: string;
  holdout?: boolean;
  since?: string;
  until?: string;
  /** Time column for --since/--until/--holdout and the time span; defaults to the model's, if the file has it. */
  timeColumn?: string;
  selection: Selection;
  period?: Period;
  minutesPerAlert: number;
  /** Column whose values get a threshold each (e.g. rule_id, segment). */
  groupColumn?: string;
  minGroupPositives?: number;
  minGroupRecall?: number;
  /** Rule ids whose alerts are never closed, read from `ruleColumn`. */
  neverSuppress?: readonly string[];
  ruleColumn?: string;
  /** Share of the latest rows kept out of the choice, to check it on (0 = choose on every row). */
  checkFraction?: number;
}

/** The analysis and what it was run on. */
export interface SimulateResult {
  manifest: Manifest;
  labelledRows: number;
  evaluatedRows: number;
  fitRows: number;
  checkRows: number;
  weightColumn?: string;
  /** Time column the rows were ordered and timed by; absent when file order was taken as time order. */
  timeColumn?: string;
  period: Period;
  /** Periods the fitted rows and the checked rows span, when times are known. */
  fitPeriods?: number;
  checkPeriods?: number;
  groupColumn?: string;
  neverSuppress: string[];
  /** --never-suppress rule ids that no evaluated alert carries (probably misspelt). */
  unknownNeverSuppress: string[];
  simulation: Simulation;
}

/** Score `data` with `model` and choose thresholds on it (on its earlier part, with `checkFraction`). */
export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  const checkFraction = o.checkFraction ?? 0;
  if (!(checkFraction >= 0 && checkFraction < 1)) throw new Error(`--check-fraction must be in [0, 1), got ${checkFraction}`);
  const s = await scoreLabelled({ ...o, keepTimes: true });
  const period = o.period ?? 'day';
  const n = s.rows.length;
  const neverSuppress = [...new Set(o.neverSuppress ?? [])];
  const rules = neverSuppress.length > 0 ? cellsOf(s, o.ruleColumn ?? 'rule_id', 'rule') : undefined;
  const alwaysReview = rules && Uint8Array.from(rules, (r) => (neverSuppress.includes(r) ? 1 : 0));
  const groupValues = o.groupColumn ? cellsOf(s, o.groupColumn, 'group') : undefined;
  const groupNames = groupValues && [...new Set(groupValues)].sort();
  const groupIndex = groupNames && new Map(groupNames.map((g, i) => [g, i]));

  const { train: fitRows, holdout: checkRows } = timeOrderedSplit(Int32Array.from({ length: n }, (_, i) => i), s.times, { holdout: checkFraction, valid: 0 });
  if (fitRows.length === 0) throw new Error(`${o.data}: --check-fraction ${checkFraction} leaves no rows to choose thresholds on`);
  const alertsOf = (rows: Int32Array, periods: number | undefined): SimulationAlerts => ({
    labels: Float32Array.from(rows, (r) => s.labels[r]),
    scores: Float32Array.from(rows, (r) => s.scores[r]),
    weights: s.weights && Float32Array.from(rows, (r) => s.weights![r]),
    alwaysReview: alwaysReview && Uint8Array.from(rows, (r) => alwaysReview[r]),
    group: groupValues && Int32Array.from(rows, (r) => groupIndex!.get(groupValues[r])!),
    groupNames,
    periods,
  });
  const periodMs = PERIODS[period];
  const times = s.times;
  const span = (rows: Int32Array, from?: number, to?: number) => {
    const ms = times && spanOf(rows, times, from, to);
    return ms === undefined ? undefined : ms / periodMs;
  };
  const checkStart = checkRows.length > 0 && times ? times[checkRows[0]] : undefined;
  const fitPeriods = span(fitRows, s.since, checkStart ?? s.until);
  const checkPeriods = checkRows.length > 0 ? span(checkRows, checkStart, s.until) : undefined;
  const simulation = simulateThresholds(
    alertsOf(fitRows, fitPeriods),
    { selection: o.selection, minutesPerAlert: o.minutesPerAlert, byGroup: Boolean(o.groupColumn), minGroupPositives: o.minGroupPositives, minGroupRecall: o.minGroupRecall },
    checkRows.length > 0 ? alertsOf(checkRows, checkPeriods) : undefined,
  );
  return {
    manifest: s.manifest,
    labelledRows: s.labelledRows,
    evaluatedRows: n,
    fitRows: fitRows.length,
    checkRows: checkRows.length,
    weightColumn: s.weightColumn,
    timeColumn: s.timeColumn,
    period,
    fitPeriods,
    checkPeriods,
    groupColumn: o.groupColumn,
    neverSuppress,
    unknownNeverSuppress: rules ? neverSuppress.filter((r) => !rules.includes(r)) : [],
    simulation,
  };
}

/** A column's cells for the scored rows, as text; empty cells become MISSING_GROUP. */
function cellsOf(s: ScoredLabelled, column: string, role: string): string[] {
  const values = s.table.columns[columnIndex(s.table, column, role)];
  return Array.from(s.rows, (r) => {
    const v = values[r];
    return v === null || v === undefined || v === '' ? MISSING_GROUP : String(v);
  });
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
