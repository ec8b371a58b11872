/**
 * @module Entity-history features: what winnow knew about an entity's own past alerts at a given
 * time. Prior dispositions are among the strongest signals in triage, and the most dangerous to
 * get wrong: a label decided days after an alert must never leak into that alert's features.
 *
 * "Known at t" means: decisions recorded with `decidedAt < t`, and feedback winnow *received*
 * before t (`receivedAt < t`; an analyst's `decidedAt` can be back-dated, arrival cannot). Serving
 * computes this from rows the store returns (`historyAt`); export replays every event in time
 * order (`HistorySweep`). test/feedback/entity-history.test.ts holds the two equal.
 */
import { DEFAULT_POSITIVE_DISPOSITIONS } from '../store/feedback-record.ts';

/** The columns a model may declare; their names are what training data and the feature spec use. */
export const HISTORY_COLUMNS = ['entity_prior_alerts', 'entity_prior_true_positives', 'entity_prior_false_positives', 'entity_days_since_last_alert'] as const;
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];

/** One entity's history features at a time; `daysSinceLastAlert` is NaN with no prior alert. */
export interface EntityHistory {
  priorAlerts: number;
  priorTruePositives: number;
  priorFalsePositives: number;
  daysSinceLastAlert: number;
}

/** The history of an entity with no prior alerts (or of an alert without an entity: all missing). */
export const NO_HISTORY: EntityHistory = { priorAlerts: 0, priorTruePositives: 0, priorFalsePositives: 0, daysSinceLastAlert: Number.NaN };

/** The history as attribute values under HISTORY_COLUMNS (NaN → null, i.e. missing). */
export function historyAttributes(h: EntityHistory | undefined): Record<HistoryColumn, number | null> {
  return {
    entity_prior_alerts: h ? h.priorAlerts : null,
    entity_prior_true_positives: h ? h.priorTruePositives : null,
    entity_prior_false_positives: h ? h.priorFalsePositives : null,
    entity_days_since_last_alert: h && !Number.isNaN(h.daysSinceLastAlert) ? h.daysSinceLastAlert : null,
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

const DAY_MS = 86_400_000;

/** A prior decision of the entity (any alert, re-scorings included). */
export interface PriorDecision {
  alertId: string;
  decidedAt: string;
}

/** A feedback row on one of the entity's prior alerts, as the store returns it. */
export interface PriorFeedback {
  alertId: string;
  disposition: string;
  decidedAt: string;
  seq: number;
}

/**
 * History at `t` from the rows known then (callers pass only decisions with decidedAt < t and
 * feedback received before t on those alerts). An alert's label is its latest disposition by
 * (decidedAt, seq); an alert counts once however often it was scored.
 */
export function historyAt(t: string, decisions: readonly PriorDecision[], feedback: readonly PriorFeedback[], positive?: readonly string[]): EntityHistory {
  if (decisions.length === 0) return NO_HISTORY;
  const alerts = new Set<string>();
  let last = '';
  for (const d of decisions) {
    alerts.add(d.alertId);
    if (d.decidedAt > last) last = d.decidedAt;
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
  return { priorAlerts: alerts.size, priorTruePositives: tp, priorFalsePositives: fp, daysSinceLastAlert: (Date.parse(t) - Date.parse(last)) / DAY_MS };
}

interface EntityState {
  alerts: Set<string>;
  last: string;
  tp: number;
  fp: number;
}

/**
 * The same features for every decision of a whole store, in one pass. Feed events in time order:
 * `snapshot` the decisions at time t first, then `addDecision` them and `addFeedback` everything
 * received at t, so that "before t" stays strict exactly as in `historyAt`.
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

  /** The entity's history at t from everything added so far. */
  snapshot(entityId: string, t: string): EntityHistory {
    const e = this.#entities.get(entityId);
    if (e === undefined) return NO_HISTORY;
    return { priorAlerts: e.alerts.size, priorTruePositives: e.tp, priorFalsePositives: e.fp, daysSinceLastAlert: (Date.parse(t) - Date.parse(e.last)) / DAY_MS };
  }

  addDecision(entityId: string, alertId: string, decidedAt: string): void {
    let e = this.#entities.get(entityId);
    if (e === undefined) this.#entities.set(entityId, (e = { alerts: new Set(), last: decidedAt, tp: 0, fp: 0 }));
    if (decidedAt > e.last) e.last = decidedAt;
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
