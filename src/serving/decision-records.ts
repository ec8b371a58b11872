/** @module Turn a scored batch into decision records: everything needed to reproduce each decision. */
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { DecisionRecordInput } from '../store/decision-record.ts';
import type { AlertResult } from './score-alerts.ts';
import { unstorableKeyReason } from '../store/storable-text.ts';

/**
 * A scored alert's id passed the alert schema, so it can key a record. An invalid alert's id may
 * be anything the schema refused ("", too long, NUL): such a record is keyed by the request instead.
 */
function hasUsableId(r: AlertResult): r is AlertResult & { id: string } {
  return r.id !== null && (r.error === undefined || isUsableRecordId(r.id));
}

/**
 * Whether an item's `id` keys its record even when the item fails validation (a valid alert's id
 * always does). The broker consumer asks it to know, before scoring, under which key a redelivered
 * alert's record would be found.
 */
export function isUsableRecordId(id: unknown): id is string {
  return typeof id === 'string' && id !== '' && unstorableKeyReason(id) === undefined;
}

/**
 * One record per result. An item without a usable id is keyed `<requestId>#<index>` so even a
 * malformed alert's review decision is on record; an unscored alert has no features and band
 * `unscored`.
 */
export function decisionRecords(results: readonly AlertResult[], model: LoadedModel, requestId: string): DecisionRecordInput[] {
  return results.map((r) => ({
    alertId: hasUsableId(r) ? r.id : `${requestId}#${r.index}`,
    // The instant the batch was scored, which entity-history features were computed "before".
    decidedAt: r.scoredAt,
    ruleId: r.ruleId ?? 'unknown',
    segment: r.segment,
    entityId: r.entityId,
    occurredAt: r.occurredAt,
    model: r.model,
    specHash: r.specHash ?? model.manifest.specHash,
    // The scoring matrix's own row (a view; the matrix is never reused): it crosses to the store's
    // thread as bytes, one buffer per request, instead of ~30 numbers per record.
    features: r.features ?? [],
    score: r.score,
    band: r.band ?? 'unscored',
    decision: r.decision,
    reason: r.reason,
    sample: r.sample,
    degraded: r.degraded,
    policyVersion: r.policyVersion,
    sampleRate: r.sampleRate,
    requestId,
    experiment: r.experiment,
    shadow: r.shadow ?? false,
  }));
}
