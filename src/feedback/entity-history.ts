/**
 * @module Entity-history features: what winnow knew about an entity's own past alerts at a given
 * time. Prior dispositions are among the strongest signals in triage, and the most dangerous to
 * get wrong: a label decided days after an alert must never leak into that alert's features.
 *
 * "Known at t" means: decisions recorded with `decidedAt < t`, and feedback winnow *received*
 * before t (`receivedAt < t`; an analyst's `decidedAt` can be back-dated, arrival cannot). Serving
 * computes this from rows the store returns (`historyAt`); export replays every event in time
 * order (`HistorySweep`). test/feedback/entity-history.test.ts holds the two equal.
 *
 * What is known goes by arrival; how long ago the entity's last alert happened goes by event
 * time: an alert's `occurredAt` when it has one, else when it was decided. Measured on the
 * scoring clock, a replay or backfill of a month of alerts in a minute made every gap look like
 * microseconds, and two replays of one file gave different features.
 */
import { DEFAULT_POSITIVE_DISPOSITIONS } from '../store/feedback-record.ts';

/** The columns a model may declare; their names are what training data and the feature spec use. */
export const HISTORY_COLUMNS = ['entity_prior_alerts', 'entity_prior_true_positives', 'entity_prior_false_positives', 'entity_days_since_last_alert'] as const;
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];

const DAY_MS = 86_400_000;

/** What was known about one entity's past alerts at a time. */
export interface EntityHistory {
  priorAlerts: number;
  priorTruePositives: number;
  priorFalsePositives: number;
  /** Event time (ms since the epoch) of the latest prior alert; NaN with no prior alert. */
  lastAlertAt: number;
}

/** The history of an entity with no prior alerts (or of an alert without an entity: all missing). */
export const NO_HISTORY: EntityHistory = { priorAlerts: 0, priorTruePositives: 0, priorFalsePositives: 0, lastAlertAt: Number.NaN };

/** An alert's event time in ms: when it occurred if it says so, else when it was decided. */
export function eventTime(alert: { occurredAt?: string; decidedAt: string }): number {
  return Date.parse(alert.occurredAt ?? alert.decidedAt);
}

/**
 * The history as attribute values under HISTORY_COLUMNS for an alert that happened at `at` (ms,
 * see `eventTime`); NaN → null, i.e. missing. A prior alert that happened *after* this one (it
 * arrived first) makes the gap 0, not negative: the entity was alerted on no earlier than this.
 */
export function historyAttributes(h: EntityHistory | undefined, at: number): Record<HistoryColumn, number | null> {
  const days = h === undefined || Number.isNaN(h.lastAlertAt) ? null : Math.max(0, at - h.lastAlertAt) / DAY_MS;
  return {
    entity_prior_alerts: h ? h.priorAlerts : null,
    entity_prior_true_positives: h ? h.priorTruePositives : null,
    entity_prior_false_positives: h ? h.priorFalsePositives : null,
    entity_days_since_last_alert: days === null || Number.isNaN(days) ? null : days,
  };
}

/** Whether a feature spec reads any history column (only then does serving pay for the lookup). */
export function readsHistory(sources: readonly string[]): boolean {
  return sources.some((s) => (HISTORY_COLUMNS as readonly string[]).includes(s));
}

/** How a disposition counts: +1 true positive, −1 false positive, 0 neither (e.g. inconclusive). */
export type LabelPolarity = 1 | -1 | 0;

/** `positive` dispositions count as true positives; `false_positive` as false positives; the rest neither. */
export function polarityOf(disposition: string, positive: readonly string[] = DEFAULT_POSITIVE_DISPOSITIONS): LabelPolarity {
  if (positive.includes(disposition)) return 1;
  return disposition === 'false_positive' ? -1 : 0;
}

/** A prior decision of the entity (any alert, re-scorings included). */
export interface PriorDecision {
  alertId: string;
  decidedAt: string;
  /** When the alert happened, when its sender said so. */
  occurredAt?: string;
}

/** A feedback row on one of the entity's prior alerts, as the store returns it. */
export interface PriorFeedback {
  alertId: string;
  disposition: string;
  decidedAt: string;
  seq: number;
}

/**
 * History from the rows known at some t (callers pass only decisions with decidedAt < t and
 * feedback received before t on those alerts). An alert's label is its latest disposition by
 * (decidedAt, seq); an alert counts once however often it was scored.
 */
export function historyAt(decisions: readonly PriorDecision[], feedback: readonly PriorFeedback[], positive?: readonly string[]): EntityHistory {
  if (decisions.length === 0) return NO_HISTORY;
  const alerts = new Set<string>();
  let last = -Infinity;
  for (const d of decisions) {
    alerts.add(d.alertId);
    last = Math.max(last, eventTime(d));
  }
  const current = new Map<string, PriorFeedback>();
  for (const f of feedback) {
    if (!alerts.has(f.alertId)) continue;
    const best = current.get(f.alertId);
    if (best === undefined || f.decidedAt > best.decidedAt || (f.decidedAt === best.decidedAt && f.seq > best.seq)) current.set(f.alertId, f);
  }
  let tp = 0;
  let fp = 0;
  for (const f of current.values()) {
    const p = polarityOf(f.disposition, positive);
    if (p === 1) tp += 1;
    else if (p === -1) fp += 1;
  }
  return { priorAlerts: alerts.size, priorTruePositives: tp, priorFalsePositives: fp, lastAlertAt: last };
}

interface EntityState {
  alerts: Set<string>;
  /** Latest event time (ms) among its decisions. */
  last: number;
  tp: number;
  fp: number;
}

/**
 * The same histories for every decision of a whole store, in one pass. Feed events in arrival
 * order: `snapshot` the decisions decided at t first, then `addDecision` them and `addFeedback`
 * everything received at t, so that "before t" stays strict exactly as in `historyAt`.
 */
export class HistorySweep {
  readonly #positive: readonly string[] | undefined;
  readonly #entities = new Map<string, EntityState>();
  /** Alert → entities that alert was scored under (normally one). */
  readonly #alertEntities = new Map<string, Set<string>>();
  /** Alert → its current feedback (latest by decidedAt, seq) among what arrived so far. */
  readonly #labels = new Map<string, PriorFeedback>();

  constructor(positive?: readonly string[]) {
    this.#positive = positive;
  }

  /** The entity's history from everything added so far. */
  snapshot(entityId: string): EntityHistory {
    const e = this.#entities.get(entityId);
    if (e === undefined) return NO_HISTORY;
    return { priorAlerts: e.alerts.size, priorTruePositives: e.tp, priorFalsePositives: e.fp, lastAlertAt: e.last };
  }

  /** A decision of the entity's alert; `at` is the alert's event time in ms (`eventTime`). */
  addDecision(entityId: string, alertId: string, at: number): void {
    let e = this.#entities.get(entityId);
    if (e === undefined) this.#entities.set(entityId, (e = { alerts: new Set(), last: at, tp: 0, fp: 0 }));
    if (at > e.last) e.last = at;
    if (e.alerts.has(alertId)) return;
    e.alerts.add(alertId);
    let owners = this.#alertEntities.get(alertId);
    if (owners === undefined) this.#alertEntities.set(alertId, (owners = new Set()));
    owners.add(entityId);
    const label = this.#labels.get(alertId);
    if (label !== undefined) this.#count(e, label, 1);
  }

  addFeedback(f: PriorFeedback): void {
    const best = this.#labels.get(f.alertId);
    if (best !== undefined && (f.decidedAt < best.decidedAt || (f.decidedAt === best.decidedAt && f.seq < best.seq))) return;
    for (const entityId of this.#alertEntities.get(f.alertId) ?? []) {
      const e = this.#entities.get(entityId)!;
      if (best !== undefined) this.#count(e, best, -1);
      this.#count(e, f, 1);
    }
    this.#labels.set(f.alertId, f);
  }

  #count(e: EntityState, f: PriorFeedback, sign: 1 | -1): void {
    const p = polarityOf(f.disposition, this.#positive);
    if (p === 1) e.tp += sign;
    else if (p === -1) e.fp += sign;
  }
}
