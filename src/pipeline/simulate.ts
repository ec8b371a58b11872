/** @module The `simulate` use case: score a labelled file with a bundle and analyse every closing threshold on it. */
import type { Manifest } from '../model/index.ts';
import type { Selection } from '../thresholds/index.ts';
import { columnIndex } from './columns.ts';
import { scoreLabelled, type ScoredLabelled, type ScoreLabelledOptions } from './score-labelled.ts';
import { type Period, type ScoredSimulation, simulateScored } from './simulate-scored.ts';

export { PERIODS, type Period } from './simulate-scored.ts';

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
  /** Progress of reading (bytes) and scoring (rows); see `scoreLabelled`. */
  onProgress?: ScoreLabelledOptions['onProgress'];
}

/** The analysis and what it was run on. */
export interface SimulateResult extends ScoredSimulation {
  manifest: Manifest;
  labelledRows: number;
  weightColumn?: string;
  /** Time column the rows were ordered and timed by; absent when file order was taken as time order. */
  timeColumn?: string;
  groupColumn?: string;
}

/** Score `data` with `model` and choose thresholds on it (on its earlier part, with `checkFraction`). */
export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  const checkFraction = o.checkFraction ?? 0;
  if (!(checkFraction >= 0 && checkFraction < 1)) throw new Error(`--check-fraction must be in [0, 1), got ${checkFraction}`);
  const s = await scoreLabelled({ ...o, keepTimes: true });
  const neverSuppress = [...new Set(o.neverSuppress ?? [])];
  const rules = neverSuppress.length > 0 ? cellsOf(s, o.ruleColumn ?? 'rule_id', 'rule') : undefined;
  const groups = o.groupColumn ? cellsOf(s, o.groupColumn, 'group') : undefined;
  if (s.rows.length - Math.round(s.rows.length * checkFraction) === 0) throw new Error(`${o.data}: --check-fraction ${checkFraction} leaves no rows to choose thresholds on`);
  const result = simulateScored(
    { labels: s.labels, scores: s.scores, weights: s.weights, times: s.times, since: s.since, until: s.until, rules, groups },
    { selection: o.selection, period: o.period, minutesPerAlert: o.minutesPerAlert, minGroupPositives: o.minGroupPositives, minGroupRecall: o.minGroupRecall, neverSuppress, checkFraction },
  );
  return {
    manifest: s.manifest,
    labelledRows: s.labelledRows,
    weightColumn: s.weightColumn,
    timeColumn: s.timeColumn,
    groupColumn: o.groupColumn,
    ...result,
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
