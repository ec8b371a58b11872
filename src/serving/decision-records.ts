/** @module Turn a scored batch into decision records: everything needed to reproduce each decision. */
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { DecisionRecordInput } from '../store/decision-record.ts';
import type { AlertResult } from './score-alerts.ts';

/**
 * One record per result. An item without a usable id is keyed `<requestId>#<index>` so even a
 * malformed alert's review decision is on record; an unscored alert has no features and band
 * `unscored`.
 */
export function decisionRecords(results: readonly AlertResult[], model: LoadedModel, requestId: string): DecisionRecordInput[] {
  return results.map((r) => ({
    // `||`, not `??`: an invalid alert's id may be "" (or absent), and a record needs a key.
    alertId: r.id || `${requestId}#${r.index}`,
    // The instant the batch was scored, which entity-history features were computed "before".
    decidedAt: r.scoredAt,
    ruleId: r.ruleId ?? 'unknown',
    segment: r.segment,
    entityId: r.entityId,
    model: r.model,
    specHash: r.specHash ?? model.manifest.specHash,
    features: r.features ? Array.from(r.features) : [],
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
