/** @module Feedback reads and writes over Kysely, for SQLite and PostgreSQL alike (used by KyselyDecisionStore). */
import { type Kysely, type Selectable, sql } from 'kysely';
import { type FeedbackTable, isTrue, type StoreDatabase } from './decision-table.ts';
import {
  type Feedback, type FeedbackInput, FeedbackInputSchema, type FeedbackOutcome, IdempotencyConflictError,
  type StoredFeedback, feedbackContentHash, feedbackKey,
} from './feedback-record.ts';
import { z } from 'zod';

// 11 bound values per row: 1,000 rows stay below both databases' parameter limits.
const ROWS_PER_INSERT = 1_000;
// SQLite's default limit on IN (...) host parameters is 32,766; chunk lookups well below it.
const KEYS_PER_LOOKUP = 1_000;

/**
 * Validates and commits a batch in ONE transaction: all items become durable or none do.
 * A retried item (same key, same content) is reported as a duplicate and changes nothing; a key
 * reused with other content fails the whole batch (IdempotencyConflictError), before anything is written.
 */
export async function writeFeedback(db: Kysely<StoreDatabase>, input: readonly FeedbackInput[], receivedAt: string): Promise<FeedbackOutcome[]> {
  const items = z.array(FeedbackInputSchema).parse(input);
  if (items.length === 0) return [];
  const prepared = items.map((f) => {
    const hash = feedbackContentHash(f);
    return { f, hash, key: feedbackKey(f, hash) };
  });
  return db.transaction().execute(async (trx) => {
    const existing = await rowsByKey(trx, prepared.map((p) => p.key));
    const matched = await scoredAlerts(trx, items.map((f) => f.alertId));
    // Key → content hash, from the store or from an earlier item of this batch.
    const known = new Map([...existing].map(([key, row]) => [key, row.content_hash]));
    const fresh = new Map<string, (typeof prepared)[number]>();
    prepared.forEach((p, index) => {
      const hash = known.get(p.key);
      if (hash !== undefined && hash !== p.hash) throw new IdempotencyConflictError(index, p.f.idempotencyKey ?? p.key);
      if (hash === undefined) {
        known.set(p.key, p.hash);
        fresh.set(p.key, p);
      }
    });
    const rows = [...fresh.values()].map(({ f, hash, key }) => toFeedbackRow(f, hash, key, receivedAt, matched.has(f.alertId)));
    // The rows this transaction inserted, with their seq (RETURNING spares a re-read on the common path).
    const inserted = new Map<string, FeedbackRow>();
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      const returned = await trx.insertInto('feedback').values(chunk).onConflict((c) => c.column('feedback_key').doNothing()).returning(['feedback_key', 'seq']).execute();
      const byKey = new Map(chunk.map((row) => [row.feedback_key, row]));
      for (const { feedback_key, seq } of returned) inserted.set(feedback_key, { ...byKey.get(feedback_key)!, seq });
    }
    // A concurrent request may have committed the same key since the lookup (its insert was skipped): re-read.
    const stored = inserted.size === rows.length ? new Map([...existing, ...inserted]) : await rowsByKey(trx, prepared.map((p) => p.key));
    return prepared.map((p, index): FeedbackOutcome => {
      const row = stored.get(p.key)!;
      if (row.content_hash !== p.hash) throw new IdempotencyConflictError(index, p.f.idempotencyKey ?? p.key);
      const created = inserted.has(p.key) && fresh.get(p.key) === p;
      return { alertId: p.f.alertId, status: created ? 'created' : 'duplicate', seq: Number(row.seq), matched: isTrue(row.matched) };
    });
  });
}

/** Every disposition received for an alert, in decision order (decidedAt, then arrival). */
export async function feedbackHistory(db: Kysely<StoreDatabase>, alertId: string): Promise<StoredFeedback[]> {
  const rows = await db.selectFrom('feedback').selectAll().where('alert_id', '=', alertId).orderBy('decided_at').orderBy('seq').execute();
  return rows.map(fromFeedbackRow);
}

/** Feedback rows in commit order (seq), for export; page with `afterSeq`. */
export async function listFeedback(db: Kysely<StoreDatabase>, options: { afterSeq?: number; limit: number }): Promise<StoredFeedback[]> {
  let query = db.selectFrom('feedback').selectAll();
  if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
  const rows = await query.orderBy('seq').limit(options.limit).execute();
  return rows.map(fromFeedbackRow);
}

type FeedbackRow = Selectable<FeedbackTable>;

async function rowsByKey(db: Kysely<StoreDatabase>, keys: string[]): Promise<Map<string, FeedbackRow>> {
  const out = new Map<string, FeedbackRow>();
  const unique = [...new Set(keys)];
  for (let start = 0; start < unique.length; start += KEYS_PER_LOOKUP) {
    const rows = await db.selectFrom('feedback').selectAll().where('feedback_key', 'in', unique.slice(start, start + KEYS_PER_LOOKUP)).execute();
    for (const row of rows) out.set(row.feedback_key, row);
  }
  return out;
}

/**
 * Which of these alerts have a decision on record. One index probe per id (EXISTS stops at the
 * first row), whatever the planner knows: `SELECT DISTINCT … WHERE alert_id IN (…)` let
 * PostgreSQL without fresh statistics (autovacuum off, or a table that just grew) pick a
 * parallel sequential scan of `decisions`, 30+ ms per batch on 190k decisions instead of 0.5 ms.
 */
async function scoredAlerts(db: Kysely<StoreDatabase>, alertIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  const unique = [...new Set(alertIds)];
  for (let start = 0; start < unique.length; start += KEYS_PER_LOOKUP) {
    const ids = sql.join(unique.slice(start, start + KEYS_PER_LOOKUP).map((id) => sql`(${id})`));
    const { rows } = await sql<{ alert_id: string }>`
      WITH ids(alert_id) AS (VALUES ${ids})
      SELECT alert_id FROM ids WHERE EXISTS (SELECT 1 FROM decisions d WHERE d.alert_id = ids.alert_id)`.execute(db);
    for (const row of rows) out.add(row.alert_id);
  }
  return out;
}

function toFeedbackRow(f: Feedback, hash: string, key: string, receivedAt: string, matched: boolean) {
  return {
    feedback_key: key, content_hash: hash, alert_id: f.alertId, disposition: f.disposition, analyst_id: f.analystId,
    decided_at: f.decidedAt, received_at: receivedAt, note: f.note ?? null, matched: matched ? 1 : 0,
  };
}

function fromFeedbackRow(row: FeedbackRow): StoredFeedback {
  return {
    seq: Number(row.seq), alertId: row.alert_id, disposition: row.disposition as StoredFeedback['disposition'], analystId: row.analyst_id,
    decidedAt: row.decided_at, ...(row.note === null ? {} : { note: row.note }), receivedAt: row.received_at, matched: isTrue(row.matched),
  };
}

/** What the store knew at `t` about some entities: their prior decisions and the feedback received on those alerts. */
export interface PriorActivity {
  decisions: { entityId: string; alertId: string; decidedAt: string; occurredAt?: string }[];
  feedback: { alertId: string; disposition: string; decidedAt: string; seq: number }[];
}

/** Rows for entity-history features at `t` (strictly before t: see src/feedback/entity-history.ts). */
export async function priorActivity(db: Kysely<StoreDatabase>, entityIds: readonly string[], t: string): Promise<PriorActivity> {
  const out: PriorActivity = { decisions: [], feedback: [] };
  const unique = [...new Set(entityIds)];
  for (let start = 0; start < unique.length; start += KEYS_PER_LOOKUP) {
    const chunk = unique.slice(start, start + KEYS_PER_LOOKUP);
    // Shadow-arm records are not decisions the entity received; counting them would inflate its history.
    const decisions = await db.selectFrom('decisions').select(['entity_id', 'alert_id', 'decided_at', 'occurred_at']).where('entity_id', 'in', chunk).where('decided_at', '<', t).where(sql<boolean>`NOT shadow`).execute();
    for (const d of decisions) {
      out.decisions.push({ entityId: d.entity_id!, alertId: d.alert_id, decidedAt: d.decided_at, ...(d.occurred_at === null ? {} : { occurredAt: d.occurred_at }) });
    }
    const feedback = await db
      .selectFrom('feedback')
      .select(['feedback.alert_id', 'feedback.disposition', 'feedback.decided_at', 'feedback.seq'])
      .where('feedback.received_at', '<', t)
      .where('feedback.alert_id', 'in', (eb) => eb.selectFrom('decisions').select('decisions.alert_id').where('decisions.entity_id', 'in', chunk).where('decisions.decided_at', '<', t))
      .execute();
    for (const f of feedback) out.feedback.push({ alertId: f.alert_id, disposition: f.disposition, decidedAt: f.decided_at, seq: Number(f.seq) });
  }
  return out;
}
