/** @module The one DecisionStore implementation, over Kysely, for SQLite and PostgreSQL alike. */
import { entityDecisions, type LabelledScore, labelledScores, type OverviewCounts, overviewCounts, type QueueFilter, type QueuePage, type QueueRow, queuePage } from './console-queries.ts';
import { sql } from 'kysely';
import type { CompiledQuery, Kysely } from 'kysely';
import { z } from 'zod';
import { InstantSchema, parseDecisionRecords } from './decision-record.ts';
import type { DecisionRecord, DecisionRecordInput } from './decision-record.ts';
import { MAX_LIST_LIMIT } from './decision-store.ts';
import type {
  DecisionKey, DecisionStore, ListDecisionsOptions, QuarantinedRecord, StoreHealth, StoredDecision, StoredQuarantine, WriteResult,
} from './decision-store.ts';
import { isStorableText, storableJson } from './storable-text.ts';
import { fromRow, toRow } from './decision-table.ts';
import { insertDecisionRows } from './postgres-decision-insert.ts';
import type { FeedbackInput, FeedbackOutcome, StoredFeedback } from './feedback-record.ts';
import { feedbackHistory, listFeedback, type PriorActivity, priorActivity, writeFeedback } from './feedback-queries.ts';
import type { StoreDatabase } from './decision-table.ts';
import { migrateToLatest } from './migrations/index.ts';
import type { ExperimentState } from '../experiments/experiment-schema.ts';
import {
  createExperiment, experimentArmCounts, experimentPairedCounts, getExperiment, listExperiments, stopArm, stopExperiment,
} from './experiment-queries.ts';
import type { StoreDialect } from './migrations/index.ts';

/** Alert ids per `getDecisions` query (one bound parameter each: far below either database's limit). */
const IDS_PER_LOOKUP = 500;
/** Quarantined rows per insert statement (4 values each: far below either database's parameter limit). */
const ROWS_PER_INSERT = 500;
/** Rows per prepared multi-row insert on SQLite (22 values each: far below its parameter limit). */
const SQLITE_CHUNK = 32;

const ListOptionsSchema = z.object({
  since: InstantSchema.optional(),
  after: z.object({ decidedAt: InstantSchema, seq: z.number().int().nonnegative() }).optional(),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT),
  includeShadow: z.boolean().default(false),
});

/** A DecisionStore over any Kysely instance whose dialect is SQLite or PostgreSQL. */
export class KyselyDecisionStore implements DecisionStore {
  readonly kind: StoreDialect;
  readonly #db: Kysely<StoreDatabase>;
  #closed = false;
  /** The SQLITE_CHUNK-row and single-row inserts, compiled once by Kysely (SQLite path of writeDecisions). */
  #insertChunk: CompiledQuery | undefined;
  #insertOne: CompiledQuery | undefined;
  /** Set once the entity index exists (or is being built) for this connection's history lookups. */
  #entityIndex: Promise<void> | undefined;

  constructor(db: Kysely<StoreDatabase>, kind: StoreDialect) {
    this.#db = db;
    this.kind = kind;
  }

  async init(): Promise<void> {
    this.#assertOpen();
    await migrateToLatest(this.#db, this.kind);
  }

  async writeDecisions(records: readonly DecisionRecordInput[]): Promise<WriteResult> {
    this.#assertOpen();
    // Validate before opening a transaction: a bad record must fail loudly, not half a batch.
    const rows = parseDecisionRecords(records).map(toRow);
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    const inserted = await this.#db.transaction().execute(async (trx) => {
      if (this.kind === 'postgres') return insertDecisionRows(trx, rows);
      // In-process SQLite has no round trips to save, but parsing a fresh statement per batch
      // grows with the batch: two statements compiled once (by Kysely) and kept prepared, one
      // for SQLITE_CHUNK rows at a time and one for a single row, bind every batch instead.
      const chunk = this.#insertChunk ??= compileInsert(trx, Array(SQLITE_CHUNK).fill(rows[0]));
      const one = this.#insertOne ??= compileInsert(trx, [rows[0]]);
      let count = 0;
      let i = 0;
      for (; i + SQLITE_CHUNK <= rows.length; i += SQLITE_CHUNK) {
        const result = await trx.executeQuery({ ...chunk, parameters: rowValues(rows, i, SQLITE_CHUNK) });
        count += Number(result.numAffectedRows ?? 0n);
      }
      for (; i < rows.length; i++) {
        const result = await trx.executeQuery({ ...one, parameters: rowValues(rows, i, 1) });
        count += Number(result.numAffectedRows ?? 0n);
      }
      return count;
    });
    return { inserted, duplicates: rows.length - inserted };
  }

  async quarantineDecisions(records: readonly QuarantinedRecord[]): Promise<void> {
    this.#assertOpen();
    if (records.length === 0) return;
    const quarantinedAt = new Date().toISOString();
    const rows = records.map(({ record, reason }) => {
      const alertId = (record as { alertId?: unknown } | null)?.alertId;
      return {
        alert_id: typeof alertId !== 'string' ? null : isStorableText(alertId) ? alertId : JSON.stringify(alertId),
        quarantined_at: quarantinedAt,
        reason: isStorableText(reason) ? reason : JSON.stringify(reason),
        record: storableJson(record),
      };
    });
    await this.#db.transaction().execute(async (trx) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        await trx.insertInto('decision_quarantine').values(rows.slice(start, start + ROWS_PER_INSERT)).execute();
      }
    });
  }

  async getQuarantined(alertId: string): Promise<StoredQuarantine[]> {
    this.#assertOpen();
    const key = isStorableText(alertId) ? alertId : JSON.stringify(alertId);
    const rows = await this.#db.selectFrom('decision_quarantine').selectAll().where('alert_id', '=', key).orderBy('seq').execute();
    return rows.map((r) => ({ seq: Number(r.seq), alertId: r.alert_id, quarantinedAt: r.quarantined_at, reason: r.reason, record: r.record }));
  }

  async getDecision(alertId: string): Promise<DecisionRecord | undefined> {
    this.#assertOpen();
    const row = await this.#db
      .selectFrom('decisions')
      .selectAll()
      .where('alert_id', '=', alertId)
      // A shadow arm only watched: the alert's decision is the live one.
      .where(sql<boolean>`NOT shadow`)
      .orderBy('decided_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async getDecisions(alertIds: readonly string[]): Promise<DecisionRecord[]> {
    this.#assertOpen();
    const unique = [...new Set(alertIds)];
    const latest = new Map<string, DecisionRecord>();
    for (let start = 0; start < unique.length; start += IDS_PER_LOOKUP) {
      const rows = await this.#db
        .selectFrom('decisions')
        .selectAll()
        .where('alert_id', 'in', unique.slice(start, start + IDS_PER_LOOKUP))
        .where(sql<boolean>`NOT shadow`)
        // Oldest first, so the last row seen of an alert is its latest (getDecision's order).
        .orderBy('decided_at')
        .orderBy('seq')
        .execute();
      for (const row of rows) latest.set(row.alert_id, fromRow(row));
    }
    return [...latest.values()];
  }

  async getDecisionHistory(alertId: string): Promise<StoredDecision[]> {
    this.#assertOpen();
    const rows = await this.#db
      .selectFrom('decisions')
      .selectAll()
      .where('alert_id', '=', alertId)
      .orderBy('decided_at')
      .orderBy('seq')
      .execute();
    return rows.map(toStored);
  }

  async listDecisions(options: ListDecisionsOptions): Promise<StoredDecision[]> {
    this.#assertOpen();
    const rows = await decisionPage(this.#db, options).selectAll().execute();
    return rows.map(toStored);
  }

  async listDecisionKeys(options: ListDecisionsOptions): Promise<DecisionKey[]> {
    this.#assertOpen();
    const rows = await decisionPage(this.#db, options).select(['seq', 'alert_id', 'decided_at', 'model_name', 'model_version']).execute();
    return rows.map((r) => ({ seq: Number(r.seq), alertId: r.alert_id, decidedAt: r.decided_at, model: { name: r.model_name, version: r.model_version } }));
  }

  async writeFeedback(items: readonly FeedbackInput[], receivedAt = new Date().toISOString()): Promise<FeedbackOutcome[]> {
    this.#assertOpen();
    return writeFeedback(this.#db, items, receivedAt);
  }

  async getFeedbackHistory(alertId: string): Promise<StoredFeedback[]> {
    this.#assertOpen();
    return feedbackHistory(this.#db, alertId);
  }

  async listFeedback(options: { afterSeq?: number; limit: number }): Promise<StoredFeedback[]> {
    this.#assertOpen();
    return listFeedback(this.#db, { afterSeq: options.afterSeq, limit: Math.min(Math.max(1, Math.trunc(options.limit)), MAX_LIST_LIMIT) });
  }

  async priorActivity(entityIds: readonly string[], t: string): Promise<PriorActivity> {
    this.#assertOpen();
    await (this.#entityIndex ??= this.#buildEntityIndex());
    return priorActivity(this.#db, entityIds, t);
  }

  /**
   * The entity index, built at the first history lookup (see migrations/0006), by a model's
   * history features or the console's alert page. On PostgreSQL it is
   * built CONCURRENTLY, so replicas keep writing decisions meanwhile; a replica that loses the race
   * to create it finds it there. A failed build is tried again at the next lookup.
   */
  async #buildEntityIndex(): Promise<void> {
    try {
      if (this.kind === 'postgres') await sql`CREATE INDEX CONCURRENTLY IF NOT EXISTS decisions_entity_idx ON decisions (entity_id, decided_at)`.execute(this.#db);
      else await this.#db.schema.createIndex('decisions_entity_idx').ifNotExists().on('decisions').columns(['entity_id', 'decided_at']).execute();
    } catch (error) {
      this.#entityIndex = undefined;
      // Two replicas creating it at once: one gets a unique violation on the catalogue, and the index exists.
      if ((error as { code?: string }).code !== '23505') throw error;
    }
  }

  async createExperiment(definition: unknown, createdBy: string): Promise<ExperimentState> {
    this.#assertOpen();
    return createExperiment(this.#db, this.kind, definition, createdBy, new Date().toISOString());
  }

  async getExperiment(id: string): Promise<ExperimentState | undefined> {
    this.#assertOpen();
    return getExperiment(this.#db, id);
  }

  async listExperiments(options: { status?: ExperimentState['status'] } = {}): Promise<ExperimentState[]> {
    this.#assertOpen();
    return listExperiments(this.#db, options.status);
  }

  async stopExperiment(id: string, reason: string): Promise<ExperimentState> {
    this.#assertOpen();
    return stopExperiment(this.#db, id, reason, new Date().toISOString());
  }

  async stopExperimentArm(id: string, arm: string, reason: string): Promise<ExperimentState> {
    this.#assertOpen();
    return stopArm(this.#db, id, arm, reason, new Date().toISOString());
  }

  async experimentCounts(id: string) {
    this.#assertOpen();
    return { arms: await experimentArmCounts(this.#db, id), paired: await experimentPairedCounts(this.#db, id) };
  }

  async queuePage(filter: QueueFilter): Promise<QueuePage> {
    this.#assertOpen();
    return queuePage(this.#db, filter);
  }

  async overviewCounts(from: string, to: string): Promise<OverviewCounts> {
    this.#assertOpen();
    return overviewCounts(this.#db, from, to);
  }

  async entityDecisions(entityId: string, exceptAlertId: string, limit: number): Promise<QueueRow[]> {
    this.#assertOpen();
    // The console's alert page reads entity history too: without the index it scanned the table (0.6–1.4 s on 1M decisions).
    await (this.#entityIndex ??= this.#buildEntityIndex());
    return entityDecisions(this.#db, entityId, exceptAlertId, limit);
  }

  async labelledScores(from: string, to: string): Promise<LabelledScore[]> {
    this.#assertOpen();
    return labelledScores(this.#db, from, to);
  }

  async health(): Promise<StoreHealth> {
    if (this.#closed) return { ok: false, error: 'decision store is closed' };
    try {
      await sql`select 1`.execute(this.#db);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`decision store (${this.kind}) is closed`);
  }
}

function toStored(row: Parameters<typeof fromRow>[0]): StoredDecision {
  return { seq: Number(row.seq), record: fromRow(row) };
}

/**
 * The insert of `sample.length` decision rows as Kysely compiles it. Its parameters are the rows'
 * values in key order, row after row, and every `toRow` row has the same keys in the same order,
 * so `rowValues` of any rows binds it; checked here once, so a Kysely that reorders or
 * transforms values fails loudly, not silently.
 */
function compileInsert(db: Kysely<StoreDatabase>, sample: ReturnType<typeof toRow>[]): CompiledQuery {
  const compiled = db.insertInto('decisions').values(sample).onConflict((conflict) => conflict.column('record_key').doNothing()).compile();
  const values = rowValues(sample, 0, sample.length);
  if (compiled.parameters.length !== values.length || compiled.parameters.some((p, i) => p !== values[i])) {
    throw new Error('decision insert: Kysely bound the rows\' values in an unexpected order; the cached insert cannot be used');
  }
  return compiled;
}

/** The values of `count` rows from `start`, row after row, each in its own key order (see compileInsert). */
function rowValues(rows: readonly ReturnType<typeof toRow>[], start: number, count: number): unknown[] {
  const out: unknown[] = [];
  for (let r = start; r < start + count; r++) {
    const row = rows[r] as Record<string, unknown>;
    for (const key in row) out.push(row[key]);
  }
  return out;
}

/**
 * The page `listDecisions` and `listDecisionKeys` read, in (decided_at, seq) order, before the
 * columns are chosen (exported so a test can check each backend's plan). The cursor is a row-value
 * comparison, not `decided_at > t OR (decided_at = t AND seq > s)`: with the OR, SQLite and
 * PostgreSQL both walked the index from its start on every page (a SCAN, and a Filter instead of
 * an Index Cond), so reading a table page by page was quadratic. With it, both seek to the cursor.
 */
export function decisionPage(db: Kysely<StoreDatabase>, options: ListDecisionsOptions) {
  const { since, after, limit, includeShadow } = ListOptionsSchema.parse(options);
  let query = db.selectFrom('decisions');
  if (!includeShadow) query = query.where(sql<boolean>`NOT shadow`);
  if (since !== undefined) query = query.where('decided_at', '>=', since);
  if (after !== undefined) query = query.where(({ eb, refTuple, tuple }) => eb(refTuple('decided_at', 'seq'), '>', tuple(after.decidedAt, after.seq)));
  return query.orderBy('decided_at').orderBy('seq').limit(limit);
}
