/** @module The decision record: what was scored and decided for one alert, the single schema every store speaks. */
import { z } from 'zod';
import { boundedInstant, COMPARABLE } from './bounded-instant.ts';
import { fastDecisionRecord } from './decision-record-check.ts';
import { unstorableKeyReason, unstorableReason } from './storable-text.ts';

/**
 * One feature value as scored: any number, including NaN (a missing value the trees route)
 * and ±Infinity (a float32 overflow), because the record must reproduce the vector exactly.
 * A predicate rather than a union of number/NaN/±Infinity schemas: every scored alert's ~30
 * values pass through here, and the union cost several times more.
 */
export const FeatureValueSchema = z.custom<number>((value) => typeof value === 'number', {
  message: 'expected a number (NaN and ±Infinity allowed)',
});

/**
 * An ISO 8601 instant, canonicalised to UTC milliseconds (`toISOString()`) so stored text sorts by
 * time: hence within the four-digit years (see bounded-instant.ts for the tighter client bounds).
 */
export const InstantSchema = boundedInstant(COMPARABLE);

/**
 * Any text a store keeps exactly (no U+0000, no lone surrogate). The alert schema builds its
 * fields from this one, so a value the API accepts can always be recorded (issue 13: the two
 * schemas used to disagree about empty strings, and a disagreement dropped a whole batch).
 */
export const StorableTextSchema = z.string().superRefine((text, ctx) => {
  const problem = unstorableReason(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Storable text that is never empty: ids and names the record is keyed or grouped by. */
const requiredText = StorableTextSchema.min(1);

/** Storable text short enough in bytes for a database index (alert and entity ids). */
export const KeyTextSchema = z.string().superRefine((text, ctx) => {
  const problem = unstorableKeyReason(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// Upstream JSON often sends null for "absent"; the canonical record has no nulls in optional
// fields, so what a store returns equals what was parsed, key for key. Empty text is kept as
// sent: the alert schema accepts `"segment": ""`, and the record must hold what was scored.
const optionalText = StorableTextSchema.nullish().transform((value) => value ?? undefined);

/** The model that produced the score. */
export const ModelRefSchema = z.object({
  name: requiredText,
  version: requiredText,
});

/** The experiment arm an alert was assigned to, when an experiment was running. */
export const ExperimentRefSchema = z.object({
  id: requiredText,
  arm: requiredText,
});

/** Everything needed to reproduce one decision: inputs as scored, model, policy and outcome. */
export const DecisionRecordSchema = z.object({
  alertId: KeyTextSchema.min(1),
  decidedAt: InstantSchema,
  ruleId: requiredText,
  segment: optionalText,
  entityId: KeyTextSchema.nullish().transform((value) => value ?? undefined),
  /** When the alert happened, as its sender said (entity history measures recency by it). */
  occurredAt: InstantSchema.nullish().transform((value) => value ?? undefined),
  model: ModelRefSchema,
  specHash: requiredText,
  /**
   * As scored: a Float32Array straight from the scoring matrix (what serving writes: it crosses to
   * the store's thread as bytes, not as ~30 separate numbers), or numbers. Stores return numbers.
   */
  features: z.union([z.array(FeatureValueSchema), z.custom<Float32Array<ArrayBufferLike>>((v) => v instanceof Float32Array, { message: 'expected an array of numbers or a Float32Array' })]),
  /** Null when the alert could not be scored (fail open: it then goes to review, degraded or not). */
  score: z.number().min(0).max(1).nullable(),
  band: requiredText,
  decision: requiredText,
  /** Why the decision did not come from the score alone (never-suppress rule, sample, error); null otherwise. */
  reason: StorableTextSchema.nullable(),
  sample: z.boolean(),
  degraded: z.boolean(),
  policyVersion: requiredText,
  experiment: ExperimentRefSchema.nullish().transform((value) => value ?? undefined),
  requestId: optionalText,
  /**
   * The policy's below-the-line sampling rate when this decision was made: a sampled alert
   * stands for 1/sampleRate closed ones, which is what export weights are built from.
   */
  sampleRate: z.number().min(0).max(1).nullish().transform((value) => value ?? undefined),
  /**
   * A shadow arm's record: what the challenger would have decided. It is never the alert's
   * decision (getDecision, export and entity history skip it); only experiment reports read it.
   */
  shadow: z.boolean().default(false),
});

/** A decision record as callers write it (any ISO offset, optional fields may be absent). */
export type DecisionRecordInput = z.input<typeof DecisionRecordSchema>;

/** A validated decision record (canonical UTC `decidedAt`), as it is written. */
export type ValidDecisionRecord = z.output<typeof DecisionRecordSchema>;

/** A decision record as stores return it: the same, with the features as numbers. */
export type DecisionRecord = Omit<ValidDecisionRecord, 'features'> & { features: number[] };

/** Validates records, throwing a ZodError whose issue path names the record index and field. */
export function parseDecisionRecords(records: readonly DecisionRecordInput[]): ValidDecisionRecord[] {
  const parsed: ValidDecisionRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = fastDecisionRecord(records[i]);
    // Anything the fast path does not vouch for: zod over the whole batch, for its error paths.
    if (record === undefined) return z.array(DecisionRecordSchema).parse(records);
    parsed[i] = record;
  }
  return parsed;
}
