/** @module The decision store interface the HTTP layer and the exporter depend on; backends implement it. */
import type { DecisionRecord, DecisionRecordInput } from './decision-record.ts';
import type { FeedbackInput, FeedbackOutcome, StoredFeedback } from './feedback-record.ts';
import type { PriorActivity } from './feedback-queries.ts';
import type { ArmCountRow } from '../experiments/arm-summary.ts';
import type { ExperimentState } from '../experiments/experiment-schema.ts';
import type { PairedCountRow } from '../experiments/shadow-summary.ts';
import type { LabelledScore, OverviewCounts, QueueFilter, QueuePage, QueueRow } from './console-queries.ts';

/**
 * Re-scoring semantics: records are append-only. Every write of a distinct record adds a row
 * with a store-assigned, increasing `seq`; `getDecision` returns the latest one (by `decidedAt`,
 * then `seq`). Why not "first wins": a re-scored alert (pipeline retry, model activation) was
 * answered with the NEW decision, so the record the caller acted on must be the one we return,
 * and the older ones stay as audit history (`getDecisionHistory`), nothing is overwritten.
 *
 * Idempotency: writing the exact same record twice (a batch retried after a lost commit
 * acknowledgement) is a no-op, because each row carries a content hash with a unique index.
 */
export interface DecisionStore {
  /** Which backend this is, for logs and metrics labels. */
  readonly kind: 'sqlite' | 'postgres';
  /** Runs pending migrations; safe to call more than once and from several processes. */
  init(): Promise<void>;
  /** Validates and writes the records in ONE transaction: all become durable or none do. */
  writeDecisions(records: readonly DecisionRecordInput[]): Promise<WriteResult>;
  /**
   * Keeps records that cannot be written as decisions (refused by the database, or invalid) in
   * the quarantine table with the reason, as escaped JSON any store can hold, in ONE transaction.
   */
  quarantineDecisions(records: readonly QuarantinedRecord[]): Promise<void>;
  /** Quarantined records of an alert (by its id as sent), oldest first. */
  getQuarantined(alertId: string): Promise<StoredQuarantine[]>;
  /** The latest decision recorded for an alert (shadow-arm records are never it), or undefined when there is none. */
  getDecision(alertId: string): Promise<DecisionRecord | undefined>;
  /**
   * `getDecision` for many alerts in one round trip: the latest live record of each id that has
   * one (any order; ids without a record are absent). The broker consumer asks it before scoring
   * a batch, so a redelivered alert gets its recorded decision rather than a second one.
   */
  getDecisions(alertIds: readonly string[]): Promise<DecisionRecord[]>;
  /** Every decision recorded for an alert, oldest first. */
  getDecisionHistory(alertId: string): Promise<StoredDecision[]>;
  /** Decisions in (decidedAt, seq) order, for export (shadow-arm records only with `includeShadow`); page with `after`. */
  listDecisions(options: ListDecisionsOptions): Promise<StoredDecision[]>;
  /** The same rows as `listDecisions`, only their keys: for scans that need no features (export's first pass). */
  listDecisionKeys(options: ListDecisionsOptions): Promise<DecisionKey[]>;
  /**
   * Commits analyst feedback in ONE transaction (all or nothing) and says per item whether it was
   * new or a retry. `receivedAt` (default now) is when winnow learned it: the "known at" time.
   */
  writeFeedback(items: readonly FeedbackInput[], receivedAt?: string): Promise<FeedbackOutcome[]>;
  /** Every disposition received for an alert, in decision order; the last is the current label. */
  getFeedbackHistory(alertId: string): Promise<StoredFeedback[]>;
  /** Feedback in commit order, for export; page with `afterSeq` set to the last seq returned. */
  listFeedback(options: { afterSeq?: number; limit: number }): Promise<StoredFeedback[]>;
  /** Prior decisions and known feedback of these entities strictly before `t`, for entity-history features. */
  priorActivity(entityIds: readonly string[], t: string): Promise<PriorActivity>;
  /** Validates and records a running experiment; ExperimentConflictError when its id exists or another one runs. */
  createExperiment(definition: unknown, createdBy: string): Promise<ExperimentState>;
  getExperiment(id: string): Promise<ExperimentState | undefined>;
  /** Newest first; only those with `status` when given. */
  listExperiments(options?: { status?: ExperimentState['status'] }): Promise<ExperimentState[]>;
  /** Stops an experiment (a no-op when already stopped); UnknownExperimentError when there is none. */
  stopExperiment(id: string, reason: string): Promise<ExperimentState>;
  /** Takes one arm out of a running experiment (a guardrail did); its traffic goes back to the control. */
  stopExperimentArm(id: string, arm: string, reason: string): Promise<ExperimentState>;
  /** The report's inputs: decisions ⋈ current labels grouped per arm, and shadow decisions paired with live ones. */
  experimentCounts(id: string): Promise<{ arms: ArmCountRow[]; paired: PairedCountRow[] }>;
  /** One page of the analysts' queue: live review/escalate decisions, riskiest first (src/store/console-queries.ts). */
  queuePage(filter: QueueFilter): Promise<QueuePage>;
  /** The console overview's counts over live decisions made in [from, to). */
  overviewCounts(from: string, to: string): Promise<OverviewCounts>;
  /** An entity's other live decisions, newest first, each with its current disposition. */
  entityDecisions(entityId: string, exceptAlertId: string, limit: number): Promise<QueueRow[]>;
  /** Labelled, scored live decisions made in [from, to), one per alert: the threshold simulation's input. */
  labelledScores(from: string, to: string): Promise<LabelledScore[]>;
  /** Cheap round trip to the database, for readiness. */
  health(): Promise<StoreHealth>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** A record that could not be written as a decision, and why. */
export interface QuarantinedRecord {
  /** The record as given (a DecisionRecord, or whatever failed validation). */
  record: unknown;
  reason: string;
}

/** A quarantined record as stored: `record` is its JSON text, with non-finite numbers as strings. */
export interface StoredQuarantine {
  seq: number;
  alertId: string | null;
  quarantinedAt: string;
  reason: string;
  record: string;
}

/** A record with the store's sequence number (write order, unique, increasing). */
export interface StoredDecision {
  seq: number;
  record: DecisionRecord;
}

/** What one `writeDecisions` call did. */
export interface WriteResult {
  /** Rows added. */
  inserted: number;
  /** Records already stored byte for byte (retries), skipped. */
  duplicates: number;
}

/** What identifies a stored decision, without its contents. */
export interface DecisionKey {
  seq: number;
  alertId: string;
  decidedAt: string;
  model: { name: string; version: string };
}

/** Filters and paging for `listDecisions`. */
export interface ListDecisionsOptions {
  /** Only decisions with `decidedAt >= since` (ISO 8601). */
  since?: string;
  /** Keyset cursor: only rows strictly after this (decidedAt, seq), e.g. the last row of the previous page. */
  after?: { decidedAt: string; seq: number };
  /** Maximum rows returned, 1..MAX_LIST_LIMIT. */
  limit: number;
  /** Also return shadow-arm records (what a challenger would have decided); default false. */
  includeShadow?: boolean;
}

/** The largest page `listDecisions` returns, so one call cannot load a whole table into memory. */
export const MAX_LIST_LIMIT = 10_000;

/** Result of `health()`: `ok` false carries the database's error message. */
export type StoreHealth = { ok: true } | { ok: false; error: string };
