/**
 * @module The scoring data plane: validate each alert, encode, score the batch in ONE ONNX Runtime
 * call, rank, and decide under the policy. Transports (HTTP today) only translate. Fail open:
 * an alert that cannot be scored is never dropped or closed; it goes to review and says why.
 */
import { type AttributeValue, encodeLayered, FeatureError } from '../features/index.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import { type EntityHistory, eventTime, historyAttributes, readsHistory } from '../feedback/entity-history.ts';
import { checkAlert } from './alert-check.ts';
import type { ReasonCode } from '../explain/index.ts';
import { explainResults } from './explain-results.ts';
import { type Alert, type AlertLimits, recordLayers } from './alert-schema.ts';

/** A policy's verdict on one alert. */
export interface Verdict {
  /** Null when the alert was not scored. */
  band: string | null;
  decision: string;
  reason: string;
  sample: boolean;
  policyVersion: string;
  /** The policy's below-the-line sampling rate, recorded so export can weight sampled alerts. */
  sampleRate?: number;
  /** Scores below it close on this alert's ladder (0: nothing closes it; src/policy/closing-threshold.ts); absent when not scored. */
  closeBelow?: number;
}

/** The policy as the data plane sees it (see src/policy). */
export interface Decider {
  decide(input: { alertId: string; ruleId: string; segment?: string; score: number }): Verdict;
  /** Verdict for an alert that could not be scored: review, never closed. */
  failOpen(alertId: string): Verdict;
}

export interface AlertResult extends Verdict {
  /** The alert id, or null when the item had no readable id. */
  id: string | null;
  /** Position in the request (0-based), so results map back even without an id. */
  index: number;
  score: number | null;
  /** 1 = riskiest scored alert of the batch; null when not scored. */
  rank: number | null;
  degraded: boolean;
  model: { name: string; version: string };
  error?: { path: string; message: string };
  /** The feature vector as scored (for the decision record), NaN for missing. */
  features: Float32Array | null;
  ruleId: string | null;
  segment?: string;
  entityId?: string;
  /** When the alert happened, as sent (canonical UTC): entity-history recency is measured from it. */
  occurredAt?: string;
  /** When the batch was scored: the decision time, and the "before" of entity-history features. */
  scoredAt: string;
  /** The scoring model's spec hash (for the decision record), when it is not the request's model. */
  specHash?: string;
  /** The experiment arm that decided (or, with `shadow`, only watched) this alert. */
  experiment?: { id: string; arm: string };
  /** A shadow arm's result: recorded, never returned as the alert's decision. */
  shadow?: boolean;
  /** Largest TreeSHAP contributions to the margin, when reason codes were asked for. */
  reasons?: ReasonCode[];
  /** Why reason codes were asked for but could not be given (the score stands). */
  reasonsUnavailable?: string;
  /** Set when the reasons were left out because the request's explanation budget ran out (counted in /metrics). */
  reasonsOverBudget?: boolean;
}

/** An alert's values as `encodeLayered` reads them: entity history (when the model reads it), envelope, attributes. */
type RecordLayers = Record<string, AttributeValue>[];

/** Entity-history features of these entities as known strictly before `t`. */
export type HistorySource = (entityIds: string[], t: string) => Promise<Map<string, EntityHistory>>;

export interface ScoreOptions {
  limits: AlertLimits;
  /** Give up on ONNX Runtime after this long and fail open (ms). */
  timeoutMs: number;
  /** Needed only by models whose spec reads entity-history columns; without it their alerts with an entity fail open. */
  history?: HistorySource;
  /** Position in the request of each item, when `items` is a subset of it (an experiment arm's share). */
  positions?: readonly number[];
  /** Reason codes per scored alert (top contributions, src/explain); 0 or absent: none. */
  explain?: number;
  /** Wall-clock time explanation may take per batch (ms); alerts past it get `reasonsUnavailable`. Absent: no limit. */
  explainBudgetMs?: number;
}

/** Score a batch of raw alerts with `model` and decide each under `policy`. Never throws for bad alerts. */
export async function scoreAlerts(model: LoadedModel, policy: Decider, items: unknown[], o: ScoreOptions): Promise<AlertResult[]> {
  const spec = model.manifest.featureSpec;
  const nf = spec.features.length;
  const modelRef = { name: model.name, version: model.version };
  const scoredAt = new Date().toISOString();
  const results: AlertResult[] = new Array(items.length);
  const pending: { index: number; alert: Alert; features: Float32Array; record: RecordLayers }[] = [];
  const x = new Float32Array(items.length * nf);
  const at = (i: number) => o.positions?.[i] ?? i;
  const unscored = (index: number, id: string | null, a: Alert | null, path: string, message: string, degraded: boolean): AlertResult => ({
    id, index: at(index), score: null, rank: null, ...policy.failOpen(id ?? `#${index}`), degraded, model: modelRef,
    error: { path, message }, features: null, ruleId: a?.ruleId ?? null, segment: a?.segment, entityId: a?.entityId, occurredAt: canonical(a?.occurredAt), scoredAt,
  });
  const history = await historyFor(model, items, scoredAt, o.history);
  items.forEach((item, index) => {
    const parsed = checkAlert(item, o.limits);
    if (!parsed.ok) {
      const issue = parsed.issue;
      const id = typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : null;
      results[index] = unscored(index, id, null, ['alerts', at(index), ...issue.path].join('.'), issue.message, false);
      return;
    }
    const a = parsed.alert;
    const row = x.subarray(pending.length * nf, (pending.length + 1) * nf);
    if (history && !history.ok && a.entityId !== undefined) {
      // Scoring without the entity's history would pass it off as a first-time entity: fail open.
      results[index] = unscored(index, a.id, a, `alerts.${at(index)}.entityId`, `not scored: ${history.why}`, true);
      return;
    }
    const record = recordLayers(a);
    // Computed by winnow from its own store, so it overrides any attribute of the same name.
    if (history) {
      const known = a.entityId === undefined || !history.ok ? undefined : history.map.get(a.entityId);
      record.unshift(historyAttributes(known, eventTime({ occurredAt: a.occurredAt, decidedAt: scoredAt })));
    }
    try {
      encodeLayered(record, spec, row);
    } catch (err) {
      if (!(err instanceof FeatureError)) throw err;
      results[index] = unscored(index, a.id, a, `alerts.${at(index)}.attributes.${err.source}`, err.problem, false);
      return;
    }
    // `row` views this request's own matrix, which is never reused, so it can stand as the record's vector.
    pending.push({ index, alert: a, features: row, record });
  });

  if (pending.length > 0) {
    const scores = await scoreWithTimeout(model, x.subarray(0, pending.length * nf), pending.length, o.timeoutMs);
    if (!scores.ok) {
      // degraded: the model, not the alert, failed; the policy's fail-open verdict stands.
      for (const { index, alert } of pending) results[index] = unscored(index, alert.id, alert, `alerts.${at(index)}`, `not scored: ${scores.why}`, true);
    } else {
      const order = pending.map((_, k) => k).sort((p, q) => scores.values[q] - scores.values[p] || p - q);
      order.forEach((k, r) => {
        const { index, alert, features } = pending[k];
        const score = scores.values[k];
        results[index] = {
          id: alert.id, index: at(index), score, rank: r + 1,
          ...policy.decide({ alertId: alert.id, ruleId: alert.ruleId, segment: alert.segment, score }),
          degraded: false, model: modelRef, features, ruleId: alert.ruleId, segment: alert.segment, entityId: alert.entityId,
          occurredAt: canonical(alert.occurredAt), scoredAt,
        };
      });
      if (o.explain) await explainResults(model, pending, results, { n: o.explain, budgetMs: o.explainBudgetMs });
    }
  }
  return results;
}

/**
 * Entity histories for the batch, when the model reads them; undefined otherwise (no store round
 * trip for models that do not). A failed lookup is reported, not hidden: the alerts that needed
 * it fail open (review, degraded), as they would if the model itself failed.
 */
async function historyFor(model: LoadedModel, items: unknown[], t: string, source: HistorySource | undefined): Promise<HistoryLookup | undefined> {
  if (!readsHistory(model.manifest.featureSpec.features.map((f) => f.source))) return undefined;
  const ids = new Set<string>();
  for (const item of items) {
    const id = (item as { entityId?: unknown } | null)?.entityId;
    if (typeof id === 'string') ids.add(id);
  }
  if (ids.size === 0) return { ok: true, map: new Map() };
  if (!source) return { ok: false, why: 'the model reads entity history but this service has no store to compute it from' };
  try {
    return { ok: true, map: await source([...ids], t) };
  } catch (err) {
    return { ok: false, why: `entity history unavailable: ${(err as Error).message}` };
  }
}

/** An ISO instant with any offset as the record keeps it (UTC, milliseconds); the schema checked it. */
function canonical(instant: string | undefined): string | undefined {
  return instant === undefined ? undefined : new Date(instant).toISOString();
}

type HistoryLookup = { ok: true; map: Map<string, EntityHistory> } | { ok: false; why: string };

type Scores = { ok: true; values: Float32Array } | { ok: false; why: string };

async function scoreWithTimeout(model: LoadedModel, x: Float32Array, n: number, timeoutMs: number): Promise<Scores> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Scores>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, why: `model timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      model.scorer.score(x, n).then((values): Scores => ({ ok: true, values }), (err: Error): Scores => ({ ok: false, why: `model error: ${err.message}` })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
