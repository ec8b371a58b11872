/** @module The alert as pipelines send it, with the size limits that keep one request from hurting the service. */
import { z } from 'zod';
import type { AttributeValue } from '../features/index.ts';
import { MAX_REASON_CODES } from '../explain/reason-codes.ts';
import { boundedInstantText, EVENT_TIME } from '../store/bounded-instant.ts';
import { KeyTextSchema, StorableTextSchema } from '../store/decision-record.ts';

export interface AlertLimits {
  /** Alerts per request. */
  maxBatch: number;
  /** Attributes per alert. */
  maxAttributes: number;
  /** Characters in any string (ids, attribute names and values). */
  maxStringLength: number;
}

export const DEFAULT_LIMITS: AlertLimits = { maxBatch: 1000, maxAttributes: 256, maxStringLength: 1024 };

const schemas = new Map<string, ReturnType<typeof buildAlertSchema>>();

/** zod schema of one alert under the given limits, built once per distinct limits (building costs more than parsing). */
export function alertSchema(limits: AlertLimits) {
  const key = `${limits.maxAttributes}/${limits.maxStringLength}`;
  let schema = schemas.get(key);
  if (!schema) schemas.set(key, (schema = buildAlertSchema(limits)));
  return schema;
}

function buildAlertSchema(limits: AlertLimits) {
  const text = z.string().max(limits.maxStringLength);
  // The fields that become the decision record's (alertId, ruleId, entityId, segment) are the
  // record schema's own text type, so whatever is accepted here can be recorded as sent.
  const recorded = StorableTextSchema.max(limits.maxStringLength);
  const key = KeyTextSchema.max(limits.maxStringLength);
  return z.object({
    id: key.min(1),
    ruleId: recorded.min(1),
    // An event time: 1970 to now + 1 day, kept as sent (bounded-instant.ts says why it is bounded).
    occurredAt: boundedInstantText(EVENT_TIME).optional(),
    entityId: key.optional(),
    segment: recorded.optional(),
    attributes: z
      .record(text.min(1), z.union([z.number(), text, z.boolean(), z.null()]))
      .refine((a) => Object.keys(a).length <= limits.maxAttributes, { message: `at most ${limits.maxAttributes} attributes` })
      .default({}),
  });
}

export type Alert = z.infer<ReturnType<typeof alertSchema>>;

/** zod schema of the request envelope; alerts are checked one by one afterwards, so one bad alert fails alone. */
export function scoreRequestSchema(limits: AlertLimits) {
  return z.object({ alerts: z.array(z.unknown()).min(1).max(limits.maxBatch), explain: explainField });
}

/** `"explain": N` in a score request: reason codes (top N TreeSHAP contributions) per scored alert. */
export const explainField = z.number().int().min(0).max(MAX_REASON_CODES).optional()
  .describe(`reason codes per scored alert: the N features that moved its log-odds most (0–${MAX_REASON_CODES}); default: the server's --reason-codes (0)`);

/**
 * The record `encode` reads: the alert's attributes plus its envelope fields under the column
 * names of training data (`rule_id`, `segment`, `entity_id`, `occurred_at`). Envelope fields win
 * over attributes of the same name, because the envelope is what the rule engine vouches for.
 */
export function recordOf(alert: Alert): Record<string, AttributeValue> {
  return { ...alert.attributes, ...envelopeOf(alert) };
}

/**
 * `recordOf(alert)` as layers for `encodeLayered` (first layer wins), without copying the
 * attributes: the envelope over the attributes.
 */
export function recordLayers(alert: Alert): Record<string, AttributeValue>[] {
  return [envelopeOf(alert), alert.attributes];
}

/** The envelope fields under training data's column names; every key present (an absent field hides an attribute of its name). */
function envelopeOf(alert: Alert): Record<string, AttributeValue> {
  return { rule_id: alert.ruleId, segment: alert.segment, entity_id: alert.entityId, occurred_at: alert.occurredAt };
}

/**
 * The inverse of `recordOf`: a table row (training data's column names) as an API alert. The label,
 * if the row has one, is left out: pipelines do not know it when they ask for a score.
 */
export function alertFromRecord(row: Record<string, AttributeValue>, label = 'is_true_positive'): Alert {
  const { alert_id, rule_id, segment, entity_id, occurred_at, [label]: _label, ...rest } = row;
  const attributes: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(rest)) attributes[k] = v ?? null;
  const text = (v: AttributeValue) => (v === null || v === undefined ? undefined : String(v));
  return { id: String(alert_id), ruleId: String(rule_id), segment: text(segment), entityId: text(entity_id), occurredAt: text(occurred_at), attributes };
}

