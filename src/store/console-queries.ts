/**
 * @module What the web console reads from the store, over Kysely for SQLite and PostgreSQL alike:
 * the analysts' queue (keyset-paged on the partial index of migration 0009), the overview's daily
 * counts and below-the-line figures, an entity's earlier alerts, and labelled scores for the
 * threshold simulation. Every query here is bounded: by a page size, a period, or both.
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { ArmCountRow } from '../experiments/arm-summary.ts';
import { sampleWeight } from '../feedback/training-row.ts';
import { isTrue, type StoreDatabase } from './decision-table.ts';
import { StorableTextSchema } from './decision-record.ts';

/** The queue's largest page, so one request cannot read the whole table. */
export const MAX_QUEUE_PAGE = 200;

const text = StorableTextSchema.max(256);
const instant = z.iso.datetime({ offset: true });

/** Where a queue page starts: after this row in (score DESC NULLS LAST, seq DESC) order. */
export const queueCursorSchema = z.object({ score: z.number().finite().nullable(), seq: z.number().int().nonnegative() });
export type QueueCursor = z.infer<typeof queueCursorSchema>;

/** The queue's filters; every one optional. */
export const queueFilterSchema = z.strictObject({
  ruleId: text.optional(),
  segment: text.optional(),
  band: text.optional(),
  decision: z.enum(['review', 'escalate']).optional(),
  /** Decided at or after (ISO 8601). */
  from: instant.optional(),
  /** Decided before (ISO 8601). */
  to: instant.optional(),
  /** true: only alerts with a disposition; false: only those without. */
  labelled: z.boolean().optional(),
  after: queueCursorSchema.optional(),
  limit: z.number().int().min(1).max(MAX_QUEUE_PAGE),
});
export type QueueFilter = z.input<typeof queueFilterSchema>;

/** One row of the queue: a review or escalate decision and its current disposition, if any. */
export interface QueueRow {
  seq: number;
  alertId: string;
  decidedAt: string;
  ruleId: string;
  segment: string | null;
  entityId: string | null;
  score: number | null;
  band: string;
  decision: string;
  reason: string | null;
  sample: boolean;
  model: { name: string; version: string };
  /** The alert's current disposition (latest by decidedAt, then seq); null when unlabelled. */
  disposition: string | null;
}

/** The overview's figures for decisions made in [from, to). */
export interface OverviewCounts {
  /** Live decisions per UTC day, rule and decision. */
  daily: { day: string; ruleId: string; decision: string; alerts: number }[];
  /** The same decisions grouped as the experiment report groups an arm, for the below-the-line estimate. */
  groups: ArmCountRow[];
  /** Review and escalate decisions no analyst has labelled yet. */
  backlog: number;
}

/** A labelled, scored live decision: what the threshold simulation runs on. */
export interface LabelledScore {
  alertId: string;
  decidedAt: string;
  ruleId: string;
  segment: string | null;
  score: number;
  disposition: string;
  /**
   * How many alerts it stands for: 1, or 1/sampleRate for a below-the-line sample (the alerts the
   * policy closed are labelled only when sampled), as `winnow export` weights its rows.
   */
  weight: number;
}

/** The most labelled decisions one simulation reads. */
export const MAX_LABELLED_SCORES = 500_000;

const QUEUE_COLUMNS = ['seq', 'alert_id', 'decided_at', 'rule_id', 'segment', 'entity_id', 'score', 'band', 'decision', 'reason', 'sample', 'model_name', 'model_version'] as const;

// The current label of an alert: its feedback row with no later one (by decidedAt, then seq).
const currentLabel = sql`(SELECT f.alert_id, f.disposition FROM feedback f WHERE NOT EXISTS (
  SELECT 1 FROM feedback g WHERE g.alert_id = f.alert_id AND (g.decided_at > f.decided_at OR (g.decided_at = f.decided_at AND g.seq > f.seq))))`;

/**
 * Index entries one queue page reads at most. A filter that matches few rows would otherwise walk
 * the whole index (3–6 s on 1M decisions for a segment or label nobody has): the page instead
 * stops there and says where the next one continues, so every page costs at most this many steps.
 */
export const QUEUE_SCAN_LIMIT = 10_000;

/** A page of the queue, and where the next one starts. */
export interface QueuePage {
  rows: QueueRow[];
  /** Where the next page starts; absent at the end of the queue. */
  next?: QueueCursor;
  /** True when the page stopped at QUEUE_SCAN_LIMIT before it was full: more may match further on. */
  scanLimited: boolean;
}

/**
 * One page of the queue: live review/escalate decisions, riskiest first. Unscored ones (the model
 * failed, so they were sent to review) come after every scored one, newest first.
 *
 * Each phase walks a partial index in (score DESC, seq DESC) order: `decisions_queue_rule_idx`
 * when a rule is chosen, else `decisions_queue_idx` (the WHERE repeats their predicate word for
 * word, which is what lets SQLite use a partial index). The walk is a bounded subquery read as a
 * stream, so a page stops as soon as it is full, and reads at most QUEUE_SCAN_LIMIT entries.
 */
export async function queuePage(db: Kysely<StoreDatabase>, input: QueueFilter): Promise<QueuePage> {
  const f = queueFilterSchema.parse(input);
  const walk = (scored: boolean, after: QueueCursor | undefined) => {
    let q = db.selectFrom('decisions as d').where(sql<boolean>`d.decision IN ('review', 'escalate') AND NOT d.shadow`);
    if (f.ruleId !== undefined) q = q.where('d.rule_id', '=', f.ruleId);
    if (scored) {
      q = q.where('d.score', 'is not', null);
      if (after) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple('d.score', 'd.seq'), '<', tuple(after.score as number, after.seq)));
      return q.orderBy('d.score', 'desc').orderBy('d.seq', 'desc');
    }
    q = q.where('d.score', 'is', null);
    if (after) q = q.where('d.seq', '<', after.seq);
    return q.orderBy('d.seq', 'desc');
  };
  const page = async (scored: boolean, after: QueueCursor | undefined, limit: number) => {
    const scan = walk(scored, after).select(QUEUE_COLUMNS.map((c) => `d.${c}` as const)).limit(QUEUE_SCAN_LIMIT).as('c');
    let q = db.selectFrom(scan);
    if (f.decision) q = q.where('c.decision', '=', f.decision);
    if (f.segment !== undefined) q = q.where('c.segment', '=', f.segment);
    if (f.band !== undefined) q = q.where('c.band', '=', f.band);
    if (f.from !== undefined) q = q.where('c.decided_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('c.decided_at', '<', f.to);
    if (f.labelled !== undefined) {
      const has = sql<boolean>`EXISTS (SELECT 1 FROM feedback f WHERE f.alert_id = c.alert_id)`;
      q = q.where(f.labelled ? has : sql<boolean>`NOT ${has}`);
    }
    const ordered = scored ? q.orderBy('c.score', 'desc').orderBy('c.seq', 'desc') : q.orderBy('c.seq', 'desc');
    const rows = await ordered.selectAll('c')
      .select(sql<string | null>`(SELECT f.disposition FROM feedback f WHERE f.alert_id = c.alert_id ORDER BY f.decided_at DESC, f.seq DESC LIMIT 1)`.as('disposition'))
      .limit(limit).execute();
    // Not full: either the phase is exhausted, or the walk stopped at its bound (its last entry says where).
    const bound = rows.length < limit
      ? await walk(scored, after).select(['d.score', 'd.seq']).offset(QUEUE_SCAN_LIMIT - 1).limit(1).executeTakeFirst()
      : undefined;
    return { rows: rows.map(toQueueRow), bound: bound && { score: bound.score === null ? null : Number(bound.score), seq: Number(bound.seq) } };
  };
  const rows: QueueRow[] = [];
  if (f.after === undefined || f.after.score !== null) {
    const scored = await page(true, f.after, f.limit);
    rows.push(...scored.rows);
    if (scored.bound) return { rows, next: scored.bound, scanLimited: true };
  }
  if (rows.length < f.limit) {
    const unscored = await page(false, f.after?.score === null ? f.after : undefined, f.limit - rows.length);
    rows.push(...unscored.rows);
    if (unscored.bound) return { rows, next: unscored.bound, scanLimited: true };
  }
  const last = rows.at(-1);
  return { rows, next: rows.length === f.limit && last ? { score: last.score, seq: last.seq } : undefined, scanLimited: false };
}

type QueueSelectRow = { seq: number | string; alert_id: string; decided_at: string; rule_id: string; segment: string | null; entity_id: string | null; score: number | null; band: string; decision: string; reason: string | null; sample: boolean | number; model_name: string; model_version: string; disposition: string | null };

function toQueueRow(r: QueueSelectRow): QueueRow {
  return {
    seq: Number(r.seq), alertId: r.alert_id, decidedAt: r.decided_at, ruleId: r.rule_id, segment: r.segment, entityId: r.entity_id,
    score: r.score === null ? null : Number(r.score), band: r.band, decision: r.decision, reason: r.reason, sample: isTrue(r.sample),
    model: { name: r.model_name, version: r.model_version }, disposition: r.disposition,
  };
}

/**
 * The overview's counts over live decisions made in [from, to), in one pass over the period (the
 * `decided_at` index): per day, rule, decision, sample flag and current label. Each decision's
 * label is one seek in `feedback_alert_idx`; joining a "current label" view of the whole feedback
 * table instead took ~1 s on 1M decisions, whatever the period.
 */
export async function overviewCounts(db: Kysely<StoreDatabase>, from: string, to: string): Promise<OverviewCounts> {
  const { rows } = await sql<{ day: string; rule_id: string; decision: string; sample: boolean | number; sample_rate: number | null; disposition: string | null; n: number | string }>`
    SELECT day, rule_id, decision, sample, sample_rate, disposition, COUNT(*) AS n FROM (
      SELECT substr(d.decided_at, 1, 10) AS day, d.rule_id, d.decision, d.sample, d.sample_rate,
        (SELECT f.disposition FROM feedback f WHERE f.alert_id = d.alert_id ORDER BY f.decided_at DESC, f.seq DESC LIMIT 1) AS disposition
      FROM decisions d WHERE NOT d.shadow AND d.decided_at >= ${from} AND d.decided_at < ${to}
    ) x
    GROUP BY day, rule_id, decision, sample, sample_rate, disposition`.execute(db);
  const daily = new Map<string, OverviewCounts['daily'][number]>();
  const groups = new Map<string, ArmCountRow>();
  let backlog = 0;
  for (const r of rows) {
    const n = Number(r.n);
    const dayKey = `${r.day}\u0000${r.rule_id}\u0000${r.decision}`;
    const d = daily.get(dayKey) ?? { day: r.day, ruleId: r.rule_id, decision: r.decision, alerts: 0 };
    d.alerts += n;
    daily.set(dayKey, d);
    const sample = isTrue(r.sample);
    const sampleRate = r.sample_rate === null ? null : Number(r.sample_rate);
    const groupKey = JSON.stringify([r.decision, sample, sampleRate, r.disposition]);
    const g = groups.get(groupKey) ?? { arm: 'live', shadow: false, decision: r.decision, sample, sampleRate, disposition: r.disposition, alerts: 0 };
    g.alerts += n;
    groups.set(groupKey, g);
    if (r.decision !== 'auto_close' && r.disposition === null) backlog += n;
  }
  const byKey = (a: OverviewCounts['daily'][number], b: OverviewCounts['daily'][number]) => a.day.localeCompare(b.day) || a.ruleId.localeCompare(b.ruleId) || a.decision.localeCompare(b.decision);
  return { daily: [...daily.values()].sort(byKey), groups: [...groups.values()], backlog };
}

/** An entity's live decisions other than `exceptAlertId`, newest first, with each alert's current disposition. */
export async function entityDecisions(db: Kysely<StoreDatabase>, entityId: string, exceptAlertId: string, limit: number): Promise<QueueRow[]> {
  const rows = await db.selectFrom('decisions as d')
    .select(QUEUE_COLUMNS.map((c) => `d.${c}` as const))
    .select(sql<string | null>`(SELECT f.disposition FROM feedback f WHERE f.alert_id = d.alert_id ORDER BY f.decided_at DESC, f.seq DESC LIMIT 1)`.as('disposition'))
    .where('d.entity_id', '=', entityId).where('d.alert_id', '!=', exceptAlertId).where(sql<boolean>`NOT d.shadow`)
    .orderBy('d.decided_at', 'desc').orderBy('d.seq', 'desc').limit(Math.min(Math.max(1, limit), MAX_QUEUE_PAGE))
    .execute();
  return rows.map(toQueueRow);
}

/**
 * Scored live decisions made in [from, to) that carry a current disposition, oldest first: the
 * threshold simulation's input. A re-scored alert counts once, with its latest decision.
 */
export async function labelledScores(db: Kysely<StoreDatabase>, from: string, to: string): Promise<LabelledScore[]> {
  const { rows } = await sql<{ alert_id: string; decided_at: string; rule_id: string; segment: string | null; score: number | string; sample: boolean | number; sample_rate: number | string | null; disposition: string }>`
    SELECT d.alert_id, d.decided_at, d.rule_id, d.segment, d.score, d.sample, d.sample_rate, l.disposition
    FROM decisions d JOIN ${currentLabel} l ON l.alert_id = d.alert_id
    WHERE NOT d.shadow AND d.score IS NOT NULL AND d.decided_at >= ${from} AND d.decided_at < ${to}
      AND NOT EXISTS (SELECT 1 FROM decisions e WHERE e.alert_id = d.alert_id AND NOT e.shadow
        AND (e.decided_at > d.decided_at OR (e.decided_at = d.decided_at AND e.seq > d.seq)))
    ORDER BY d.decided_at, d.seq
    LIMIT ${MAX_LABELLED_SCORES}`.execute(db);
  return rows.map((r) => ({
    alertId: r.alert_id, decidedAt: r.decided_at, ruleId: r.rule_id, segment: r.segment, score: Number(r.score), disposition: r.disposition,
    weight: sampleWeight({ sample: isTrue(r.sample), sampleRate: r.sample_rate === null ? undefined : Number(r.sample_rate) }),
  }));
}
