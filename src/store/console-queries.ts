/**
 * @module What the web console reads from the store, over Kysely for SQLite and PostgreSQL alike:
 * the analysts' queue (keyset-paged on the partial index of migration 0009), the overview's daily
 * counts and below-the-line figures, an entity's earlier alerts, and labelled scores for the
 * threshold simulation. Every query here is bounded: by a page size, a period, or both.
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { ArmCountRow } from '../experiments/arm-summary.ts';
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
}

/** The most labelled decisions one simulation reads. */
export const MAX_LABELLED_SCORES = 500_000;

const QUEUE_COLUMNS = ['seq', 'alert_id', 'decided_at', 'rule_id', 'segment', 'entity_id', 'score', 'band', 'decision', 'reason', 'sample', 'model_name', 'model_version'] as const;

// The current label of an alert: its feedback row with no later one (by decidedAt, then seq).
const currentLabel = sql`(SELECT f.alert_id, f.disposition FROM feedback f WHERE NOT EXISTS (
  SELECT 1 FROM feedback g WHERE g.alert_id = f.alert_id AND (g.decided_at > f.decided_at OR (g.decided_at = f.decided_at AND g.seq > f.seq))))`;

/**
 * One page of the queue: live review/escalate decisions, riskiest first. Unscored ones (the model
 * failed, so they were sent to review) come after every scored one, newest first.
 *
 * Both phases walk `decisions_queue_idx` (score DESC, seq DESC over live review/escalate rows), so
 * a page costs its own rows plus the rows the filters skip, however deep it is: the WHERE repeats
 * the index's predicate word for word, which is what lets SQLite use a partial index.
 */
export async function queuePage(db: Kysely<StoreDatabase>, input: QueueFilter): Promise<QueueRow[]> {
  const f = queueFilterSchema.parse(input);
  const base = () => {
    let q = db.selectFrom('decisions as d')
      .where(sql<boolean>`d.decision IN ('review', 'escalate') AND NOT d.shadow`);
    if (f.decision) q = q.where('d.decision', '=', f.decision);
    if (f.ruleId !== undefined) q = q.where('d.rule_id', '=', f.ruleId);
    if (f.segment !== undefined) q = q.where('d.segment', '=', f.segment);
    if (f.band !== undefined) q = q.where('d.band', '=', f.band);
    if (f.from !== undefined) q = q.where('d.decided_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('d.decided_at', '<', f.to);
    if (f.labelled !== undefined) {
      const has = sql<boolean>`EXISTS (SELECT 1 FROM feedback f WHERE f.alert_id = d.alert_id)`;
      q = q.where(f.labelled ? has : sql<boolean>`NOT ${has}`);
    }
    return q.select(QUEUE_COLUMNS.map((c) => `d.${c}` as const))
      .select(sql<string | null>`(SELECT f.disposition FROM feedback f WHERE f.alert_id = d.alert_id ORDER BY f.decided_at DESC, f.seq DESC LIMIT 1)`.as('disposition'));
  };
  const rows: Awaited<ReturnType<ReturnType<typeof base>['execute']>> = [];
  if (f.after === undefined || f.after.score !== null) {
    let scored = base().where('d.score', 'is not', null);
    if (f.after) {
      const { score, seq } = f.after;
      scored = scored.where(({ eb, refTuple, tuple }) => eb(refTuple('d.score', 'd.seq'), '<', tuple(score as number, seq)));
    }
    rows.push(...await scored.orderBy('d.score', 'desc').orderBy('d.seq', 'desc').limit(f.limit).execute());
  }
  if (rows.length < f.limit) {
    let unscored = base().where('d.score', 'is', null);
    if (f.after?.score === null) unscored = unscored.where('d.seq', '<', f.after.seq);
    rows.push(...await unscored.orderBy('d.seq', 'desc').limit(f.limit - rows.length).execute());
  }
  return rows.map((r) => ({
    seq: Number(r.seq), alertId: r.alert_id, decidedAt: r.decided_at, ruleId: r.rule_id, segment: r.segment, entityId: r.entity_id,
    score: r.score === null ? null : Number(r.score), band: r.band, decision: r.decision, reason: r.reason, sample: isTrue(r.sample),
    model: { name: r.model_name, version: r.model_version }, disposition: r.disposition,
  }));
}

/** The overview's counts over live decisions made in [from, to). */
export async function overviewCounts(db: Kysely<StoreDatabase>, from: string, to: string): Promise<OverviewCounts> {
  const daily = await db.selectFrom('decisions')
    .select([sql<string>`substr(decided_at, 1, 10)`.as('day'), 'rule_id', 'decision', sql<number | string>`count(*)`.as('n')])
    .where(sql<boolean>`NOT shadow`).where('decided_at', '>=', from).where('decided_at', '<', to)
    .groupBy([sql`substr(decided_at, 1, 10)`, 'rule_id', 'decision'])
    .orderBy(sql`substr(decided_at, 1, 10)`).orderBy('rule_id').orderBy('decision')
    .execute();
  const { rows: grouped } = await sql<{ decision: string; sample: boolean | number; sample_rate: number | null; disposition: string | null; n: number | string }>`
    SELECT d.decision, d.sample, d.sample_rate, l.disposition, COUNT(*) AS n
    FROM decisions d LEFT JOIN ${currentLabel} l ON l.alert_id = d.alert_id
    WHERE NOT d.shadow AND d.decided_at >= ${from} AND d.decided_at < ${to}
    GROUP BY d.decision, d.sample, d.sample_rate, l.disposition`.execute(db);
  const backlog = await db.selectFrom('decisions as d').select(sql<number | string>`count(*)`.as('n'))
    .where(sql<boolean>`d.decision IN ('review', 'escalate') AND NOT d.shadow`)
    .where('d.decided_at', '>=', from).where('d.decided_at', '<', to)
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM feedback f WHERE f.alert_id = d.alert_id)`)
    .executeTakeFirstOrThrow();
  return {
    daily: daily.map((r) => ({ day: r.day, ruleId: r.rule_id, decision: r.decision, alerts: Number(r.n) })),
    groups: grouped.map((r) => ({
      arm: 'live', shadow: false, decision: r.decision, sample: isTrue(r.sample), sampleRate: r.sample_rate === null ? null : Number(r.sample_rate),
      disposition: r.disposition, alerts: Number(r.n),
    })),
    backlog: Number(backlog.n),
  };
}

/** An entity's live decisions other than `exceptAlertId`, newest first, with each alert's current disposition. */
export async function entityDecisions(db: Kysely<StoreDatabase>, entityId: string, exceptAlertId: string, limit: number): Promise<QueueRow[]> {
  const rows = await db.selectFrom('decisions as d')
    .select(QUEUE_COLUMNS.map((c) => `d.${c}` as const))
    .select(sql<string | null>`(SELECT f.disposition FROM feedback f WHERE f.alert_id = d.alert_id ORDER BY f.decided_at DESC, f.seq DESC LIMIT 1)`.as('disposition'))
    .where('d.entity_id', '=', entityId).where('d.alert_id', '!=', exceptAlertId).where(sql<boolean>`NOT d.shadow`)
    .orderBy('d.decided_at', 'desc').orderBy('d.seq', 'desc').limit(Math.min(Math.max(1, limit), MAX_QUEUE_PAGE))
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq), alertId: r.alert_id, decidedAt: r.decided_at, ruleId: r.rule_id, segment: r.segment, entityId: r.entity_id,
    score: r.score === null ? null : Number(r.score), band: r.band, decision: r.decision, reason: r.reason, sample: isTrue(r.sample),
    model: { name: r.model_name, version: r.model_version }, disposition: r.disposition,
  }));
}

/**
 * Scored live decisions made in [from, to) that carry a current disposition, oldest first: the
 * threshold simulation's input. A re-scored alert counts once, with its latest decision.
 */
export async function labelledScores(db: Kysely<StoreDatabase>, from: string, to: string): Promise<LabelledScore[]> {
  const { rows } = await sql<{ alert_id: string; decided_at: string; rule_id: string; segment: string | null; score: number | string; disposition: string }>`
    SELECT d.alert_id, d.decided_at, d.rule_id, d.segment, d.score, l.disposition
    FROM decisions d JOIN ${currentLabel} l ON l.alert_id = d.alert_id
    WHERE NOT d.shadow AND d.score IS NOT NULL AND d.decided_at >= ${from} AND d.decided_at < ${to}
      AND NOT EXISTS (SELECT 1 FROM decisions e WHERE e.alert_id = d.alert_id AND NOT e.shadow
        AND (e.decided_at > d.decided_at OR (e.decided_at = d.decided_at AND e.seq > d.seq)))
    ORDER BY d.decided_at, d.seq
    LIMIT ${MAX_LABELLED_SCORES}`.execute(db);
  return rows.map((r) => ({ alertId: r.alert_id, decidedAt: r.decided_at, ruleId: r.rule_id, segment: r.segment, score: Number(r.score), disposition: r.disposition }));
}
