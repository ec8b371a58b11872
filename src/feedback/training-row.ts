/**
 * @module One export row: a decision's feature vector *as scored*, turned back into attribute
 * values, joined with the label known at `asOf` and the weight that undoes the old model's
 * selection of what analysts saw.
 */
import type { AttributeValue, FeatureSpec } from '../features/index.ts';
import type { DecisionRecord } from '../store/decision-record.ts';
import { type StoredFeedback, currentFeedback, labelOf } from '../store/feedback-record.ts';

/**
 * What an "unseen" category code decodes to. It is not a category of the spec, so the row encodes
 * back to the same unseen code under the spec that scored it.
 */
export const UNSEEN_CATEGORY = '(unseen)';

// The envelope fields reach the model under these column names (serving/alert-schema.ts
// recordOf); the record keeps their exact text, so they are taken from it, not decoded.
const ENVELOPE: Record<string, (r: DecisionRecord) => string | undefined> = {
  rule_id: (r) => r.ruleId,
  segment: (r) => r.segment,
  entity_id: (r) => r.entityId,
};

/**
 * The attribute values that encode to exactly `record.features` under `spec`: numbers as stored
 * (float32 already), booleans as true/false, category codes as their names, NaN as missing (null).
 */
export function decodeFeatures(spec: FeatureSpec, record: DecisionRecord): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (record.features.length !== spec.features.length) {
    throw new Error(`decision for alert '${record.alertId}': ${record.features.length} features recorded but spec ${record.specHash} has ${spec.features.length}`);
  }
  spec.features.forEach((f, j) => {
    const envelope = ENVELOPE[f.source];
    if (envelope) {
      out[f.source] = envelope(record) ?? null;
      return;
    }
    const v = record.features[j];
    if (Number.isNaN(v)) out[f.source] = null;
    else if (f.kind === 'categorical') out[f.source] = f.categories![v] ?? UNSEEN_CATEGORY;
    // As true/false, not 1/0: a spec inferred from the export then keeps the feature boolean, so
    // the retrained model still accepts the `true` that pipelines send.
    else if (f.kind === 'boolean') out[f.source] = v === 1;
    else out[f.source] = v;
  });
  return out;
}

/** The label as known at `asOf`: the latest disposition decided by then, or undefined. */
export function labelAsOf(history: readonly StoredFeedback[], asOf: string): StoredFeedback | undefined {
  return currentFeedback(history.filter((f) => f.decidedAt <= asOf));
}

/**
 * Inverse-probability weight of a labelled decision. Alerts the policy sent to review were all
 * seen (weight 1). An alert the model would have closed is labelled only when the below-the-line
 * sample picked it, with probability `sampleRate`, so it stands for 1/sampleRate such alerts.
 */
export function sampleWeight(record: Pick<DecisionRecord, 'sample' | 'sampleRate'>): number {
  return record.sample && record.sampleRate !== undefined && record.sampleRate > 0 ? 1 / record.sampleRate : 1;
}

/** The metadata columns every export row starts with, in order. */
export const META_COLUMNS = [
  'alert_id', 'scored_at', 'model_name', 'model_version', 'spec_hash', 'policy_version', 'score', 'band', 'decision', 'reason',
  'sample', 'experiment_id', 'experiment_arm', 'disposition', 'label', 'label_decided_at', 'sample_weight',
] as const;

/** Metadata values for one decision and its label (if any). */
export function metaValues(record: DecisionRecord, label: StoredFeedback | undefined, positive: readonly string[]): AttributeValue[] {
  return [
    record.alertId, record.decidedAt, record.model.name, record.model.version, record.specHash, record.policyVersion, record.score, record.band,
    record.decision, record.reason, record.sample ? 1 : 0, record.experiment?.id ?? null, record.experiment?.arm ?? null,
    label?.disposition ?? null, label ? labelOf(label.disposition, positive) : null, label?.decidedAt ?? null, sampleWeight(record),
  ];
}
