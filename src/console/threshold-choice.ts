/**
 * @module What the thresholds page computes: `winnow simulate`'s analysis (simulateScored) run over the
 * labelled live decisions of a period, the outcome per rule, and the policy that closes below the
 * chosen thresholds. The query string is validated here, so the page and the policy download agree.
 */
import { z } from 'zod';
import { PERIODS, type ScoredSimulation, simulateScored } from '../pipeline/simulate-scored.ts';
import { policyClosingBelow } from '../policy/close-below.ts';
import type { Policy } from '../policy/index.ts';
import type { LabelledScore } from '../store/console-queries.ts';
import { applyThreshold, POOLED_GROUP, type Selection, ThresholdError } from '../thresholds/index.ts';

/** Fewer labelled true positives than this and the page chooses nothing: a threshold fitted to a handful would not hold (as `--min-group-positives`). */
export const MIN_LABELLED_POSITIVES = 20;
/** The period the page looks at unless told: the last 30 days. */
export const DEFAULT_DAYS = 30;
/** Analyst minutes per reviewed alert, for hours (`winnow simulate`'s default). */
export const MINUTES_PER_ALERT = 10;
export const DEFAULT_RECALL = 0.95;

const DAY_MS = 86_400_000;

const date = z.string()
  .max(10, 'expected a date (YYYY-MM-DD)')
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date (YYYY-MM-DD)')
  .refine((s) => {
    const ms = Date.parse(`${s}T00:00:00.000Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(s);
  }, 'is not a calendar date');

/** A number in text, checked before it is converted, so 'NaN', '' and '1e999' are refused by name. */
const numberIn = (ok: (n: number) => boolean, expected: string) =>
  z.string().max(32, `must be ${expected}`).refine((s) => s.trim() !== '' && ok(Number(s)), { error: (iss) => `must be ${expected} (got '${String(iss.input)}')` }).transform(Number);

/** The page's query string; empty fields mean "the default". */
export const thresholdQuery = z.object({
  from: date.optional(),
  to: date.optional(),
  choose: z.enum(['recall', 'budget'], { error: () => "must be 'recall' or 'budget'" }).optional(),
  recall: numberIn((n) => n > 0 && n <= 1, 'a recall target in (0, 1], e.g. 0.95').optional(),
  budget: numberIn((n) => n > 0 && n <= 1e9, 'a number of alerts > 0').optional(),
  per: z.enum(['day', 'week'], { error: () => "must be 'day' or 'week'" }).optional(),
  by: z.enum(['all', 'rule'], { error: () => "must be 'all' or 'rule'" }).optional(),
});

/** A validated choice: the period (dates, `to` included), how to choose, and whether per rule. */
export interface ThresholdParams {
  from: string;
  to: string;
  choose: 'recall' | 'budget';
  recall: number;
  budget?: number;
  per: 'day' | 'week';
  byRule: boolean;
}

export type ParamsResult = { ok: true; params: ThresholdParams } | { ok: false; field: string; message: string };

/** Validates the query string; the refusal names the field. */
export function thresholdParams(query: Record<string, string>, now: Date): ParamsResult {
  const raw = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
  const parsed = thresholdQuery.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, field: issue.path.join('.') || '(query)', message: issue.message };
  }
  const q = parsed.data;
  const to = q.to ?? now.toISOString().slice(0, 10);
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00.000Z`) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  if (from > to) return { ok: false, field: q.to ? 'to' : 'from', message: `the period must not end (${to}) before it starts (${from})` };
  const choose = q.choose ?? 'recall';
  if (choose === 'budget' && q.budget === undefined) return { ok: false, field: 'budget', message: 'is required when choosing by review budget: how many alerts analysts can review per day or week' };
  return { ok: true, params: { from, to, choose, recall: q.recall ?? DEFAULT_RECALL, budget: q.budget, per: q.per ?? 'day', byRule: q.by === 'rule' } };
}

/** The query string of `p`, for links (the policy download, the form's defaults). */
export function queryOf(p: ThresholdParams): string {
  const q: Record<string, string> = { from: p.from, to: p.to, choose: p.choose, recall: String(p.recall), per: p.per, by: p.byRule ? 'rule' : 'all' };
  if (p.budget !== undefined) q.budget = String(p.budget);
  return new URLSearchParams(q).toString();
}

/** The instants [from, to) of the period: `to` is a date, so its whole day is in. */
export function periodInstants(p: Pick<ThresholdParams, 'from' | 'to'>): { from: string; to: string } {
  return { from: `${p.from}T00:00:00.000Z`, to: new Date(Date.parse(`${p.to}T00:00:00.000Z`) + DAY_MS).toISOString() };
}

function selectionOf(p: ThresholdParams): Selection {
  return p.choose === 'budget' ? { kind: 'budget', perPeriod: p.budget! } : { kind: 'recall', target: p.recall };
}

/** One rule's alerts and what closing does to them: under the single threshold, and under its own if chosen per rule. */
export interface RuleOutcome {
  rule: string;
  /** Labelled decisions (rows) and the alerts they stand for (weighted by the below-the-line sample). */
  labelled: number;
  alerts: number;
  positives: number;
  neverSuppressed: boolean;
  global: { closedShare: number; recall: number };
  /** With per-rule thresholds: this rule's (null when it has nothing that may be closed), and what it does. */
  own?: { threshold: number | null; pooled: boolean; closedShare: number; recall: number };
}

/** What the page shows for a period. */
export type ThresholdOutcome =
  | { kind: 'too-few'; labelled: number; positives: number }
  | { kind: 'refused'; labelled: number; positives: number; message: string }
  | { kind: 'chosen'; labelled: number; positives: number; limited: boolean; result: ScoredSimulation; rules: RuleOutcome[]; policy: Policy };

/** The period's labelled decisions in, simulation, per-rule outcomes and the policy for the choice out. */
export function thresholdsOf(rows: readonly LabelledScore[], o: { positive: readonly string[]; base: Policy; params: ThresholdParams; limited?: boolean }): ThresholdOutcome {
  const { params: p, base } = o;
  const positive = new Set(o.positive);
  const labels = Float32Array.from(rows, (r) => (positive.has(r.disposition) ? 1 : 0));
  const positiveRows = labels.reduce((s, y) => s + y, 0);
  if (positiveRows < MIN_LABELLED_POSITIVES) return { kind: 'too-few', labelled: rows.length, positives: positiveRows };
  const scores = Float64Array.from(rows, (r) => r.score);
  const weights = rows.some((r) => r.weight !== 1) ? Float64Array.from(rows, (r) => r.weight) : undefined;
  const rules = rows.map((r) => r.ruleId);
  let result: ScoredSimulation;
  try {
    result = simulateScored(
      { labels, scores, weights, times: Float64Array.from(rows, (r) => Date.parse(r.decidedAt)), rules, groups: p.byRule ? rules : undefined },
      { selection: selectionOf(p), period: p.per, minutesPerAlert: MINUTES_PER_ALERT, neverSuppress: base.neverSuppress },
    );
  } catch (err) {
    if (!(err instanceof ThresholdError)) throw err;
    // A budget per period is spread over the time the decisions span: say how long that is.
    const span = rows.length > 1 ? (Date.parse(rows[rows.length - 1].decidedAt) - Date.parse(rows[0].decidedAt)) / PERIODS[p.per] : 0;
    const why = p.choose === 'budget' ? ` (the labelled decisions span ${+span.toPrecision(3)} ${p.per}s)` : '';
    return { kind: 'refused', labelled: rows.length, positives: positiveRows, message: `${err.message}${why}` };
  }
  const sim = result.simulation;
  const perRule = p.byRule && sim.groups?.method === 'per-group' ? sim.groups.thresholds : undefined;
  const selection = p.choose === 'budget' ? `budget<=${p.budget}/${p.per}` : `recall>=${p.recall}`;
  const policy = policyClosingBelow(base, { threshold: sim.chosen.threshold, rules: perRule, versionPrefix: `thresholds:${p.from}..${p.to}:${selection}${perRule ? ':by-rule' : ''}` });
  return { kind: 'chosen', labelled: rows.length, positives: positiveRows, limited: o.limited ?? false, result, rules: ruleOutcomes({ labels, scores, weights, rules }, result, base.neverSuppress), policy };
}

/** Each rule's outcome, busiest rule first. */
function ruleOutcomes(a: { labels: Float32Array; scores: Float64Array; weights?: Float64Array; rules: string[] }, result: ScoredSimulation, neverSuppress: readonly string[]): RuleOutcome[] {
  const sim = result.simulation;
  const byRule = new Map<string, number[]>();
  a.rules.forEach((rule, i) => {
    const list = byRule.get(rule);
    if (list) list.push(i);
    else byRule.set(rule, [i]);
  });
  const unitOf = new Map(sim.groups?.groups.flatMap((g) => g.members.map((m) => [m, g] as const)) ?? []);
  const out: RuleOutcome[] = [];
  for (const [rule, idx] of byRule) {
    const never = neverSuppress.includes(rule);
    const subset = {
      labels: Float32Array.from(idx, (i) => a.labels[i]),
      scores: Float64Array.from(idx, (i) => a.scores[i]),
      weights: a.weights && Float64Array.from(idx, (i) => a.weights![i]),
      alwaysReview: never ? new Uint8Array(idx.length).fill(1) : undefined,
    };
    const g = applyThreshold(subset, sim.chosen.threshold);
    const row: RuleOutcome = { rule, labelled: idx.length, alerts: g.alerts, positives: g.positivesKept + g.positivesClosed, neverSuppressed: never, global: { closedShare: g.closedShare, recall: g.recall } };
    const unit = unitOf.get(rule);
    if (sim.groups && unit) {
      const threshold = never ? null : sim.groups.method === 'global' ? sim.chosen.threshold : unit.threshold;
      // No threshold: nothing of the rule may be closed, as a threshold of 0 closes nothing.
      const own = applyThreshold(subset, threshold ?? 0);
      row.own = { threshold, pooled: unit.key === POOLED_GROUP, closedShare: own.closedShare, recall: own.recall };
    }
    out.push(row);
  }
  return out.sort((x, y) => y.alerts - x.alerts || x.rule.localeCompare(y.rule));
}
