/** @module The `decisions` table as Kysely sees it, and the mapping between rows and decision records. */
import { hash } from 'node:crypto';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import { featuresFromText, featuresToText } from './feature-codec.ts';
import type { DecisionRecord, ValidDecisionRecord } from './decision-record.ts';

/** One row of `decisions`; column types are the intersection both SQLite and PostgreSQL return. */
export interface DecisionsTable {
  // PostgreSQL returns bigint as a string (it may exceed 2^53); rows are converted with Number().
  seq: Generated<number | string>;
  record_key: string;
  alert_id: string;
  decided_at: string;
  rule_id: string;
  segment: string | null;
  entity_id: string | null;
  model_name: string;
  model_version: string;
  spec_hash: string;
  features: string;
  score: number | null;
  band: string;
  decision: string;
  reason: string | null;
  // Written as 0/1 because better-sqlite3 cannot bind booleans; PostgreSQL casts '1' to true.
  sample: ColumnType<boolean | number, number, number>;
  degraded: ColumnType<boolean | number, number, number>;
  policy_version: string;
  experiment_id: string | null;
  experiment_arm: string | null;
  request_id: string | null;
  /** Below-the-line sampling rate in force (export weights); null in records written before it existed. */
  sample_rate: number | null;
  /** A shadow arm's record (migration 0004), never the alert's decision. */
  shadow: ColumnType<boolean | number, number | undefined, number>;
  /** When the alert happened, as its sender said (migration 0008); null when not sent. */
  occurred_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One row of `feedback` (see migrations/0002). */
export interface FeedbackTable {
  seq: Generated<number | string>;
  feedback_key: string;
  content_hash: string;
  alert_id: string;
  disposition: string;
  analyst_id: string;
  decided_at: string;
  received_at: string;
  note: string | null;
  matched: ColumnType<boolean | number, number, number>;
}

/** One row of `activations` (see migrations/0003). */
export interface ActivationsTable {
  seq: Generated<number | string>;
  model_name: string;
  model_version: string;
  from_name: string | null;
  from_version: string | null;
  action: string;
  actor: string;
  activated_at: string;
  note: string | null;
}

/** One row of `experiments` (see migrations/0004). */
export interface ExperimentsTable {
  id: string;
  definition: string;
  status: string;
  created_at: string;
  created_by: string;
  stopped_at: string | null;
  stop_reason: string | null;
  stopped_arms: string;
}

/** One row of `decision_quarantine` (see migrations/0005). */
export interface DecisionQuarantineTable {
  seq: Generated<number | string>;
  alert_id: string | null;
  quarantined_at: string;
  reason: string;
  record: string;
}

/** The Kysely database type of a decision store. */
export interface StoreDatabase {
  decisions: DecisionsTable;
  decision_quarantine: DecisionQuarantineTable;
  feedback: FeedbackTable;
  activations: ActivationsTable;
  experiments: ExperimentsTable;
}

type InsertRow = Insertable<DecisionsTable>;
type SelectRow = Selectable<DecisionsTable>;

/** Turns a validated record into a row, with a content key (time + hash) that makes retried writes no-ops. */
export function toRow(record: ValidDecisionRecord): InsertRow {
  const row = {
    alert_id: record.alertId,
    decided_at: record.decidedAt,
    rule_id: record.ruleId,
    segment: record.segment ?? null,
    entity_id: record.entityId ?? null,
    model_name: record.model.name,
    model_version: record.model.version,
    spec_hash: record.specHash,
    features: featuresToText(record.features),
    score: record.score,
    band: record.band,
    decision: record.decision,
    reason: record.reason,
    sample: record.sample ? 1 : 0,
    degraded: record.degraded ? 1 : 0,
    policy_version: record.policyVersion,
    experiment_id: record.experiment?.id ?? null,
    experiment_arm: record.experiment?.arm ?? null,
    request_id: record.requestId ?? null,
    sample_rate: record.sampleRate ?? null,
  };
  // Key order above is fixed, so the JSON text (and its hash) is canonical for a record. The shadow
  // flag joins the hash only when set, so live records keep the keys they had before it existed.
  // The decision time leads the key so new keys land at the end of the unique index, not on
  // random pages of it: with the table's five indexes, SQLite's CPU per inserted row went from
  // about 20 to about 15 µs (bench/sqlite-decision-inserts.mjs). The hash keeps it a content key.
  // The event time joins the hash the same way, only when sent.
  const hashed = record.shadow || record.occurredAt !== undefined
    ? { ...row, ...(record.shadow ? { shadow: 1 } : {}), ...(record.occurredAt !== undefined ? { occurred_at: record.occurredAt } : {}) }
    : row;
  const recordKey = `${record.decidedAt}/${hash('sha256', JSON.stringify(hashed), 'base64url')}`;
  return { record_key: recordKey, ...row, shadow: record.shadow ? 1 : 0, occurred_at: record.occurredAt ?? null };
}

/** Turns a stored row back into the record that was written (absent optionals read as undefined, as parsed). */
export function fromRow(row: SelectRow): DecisionRecord {
  return {
    alertId: row.alert_id,
    decidedAt: row.decided_at,
    ruleId: row.rule_id,
    segment: row.segment ?? undefined,
    entityId: row.entity_id ?? undefined,
    occurredAt: row.occurred_at ?? undefined,
    model: { name: row.model_name, version: row.model_version },
    specHash: row.spec_hash,
    features: featuresFromText(row.features),
    score: row.score === null ? null : Number(row.score),
    band: row.band,
    decision: row.decision,
    reason: row.reason,
    sample: isTrue(row.sample),
    degraded: isTrue(row.degraded),
    policyVersion: row.policy_version,
    experiment:
      row.experiment_id !== null && row.experiment_arm !== null
        ? { id: row.experiment_id, arm: row.experiment_arm }
        : undefined,
    requestId: row.request_id ?? undefined,
    sampleRate: row.sample_rate === null ? undefined : Number(row.sample_rate),
    shadow: isTrue(row.shadow),
  };
}

/** SQLite returns booleans as 0/1, PostgreSQL as true/false. */
export function isTrue(value: boolean | number): boolean {
  return value === true || value === 1;
}
