/** @module zod schemas of what the API returns: the source of /openapi.json and of the response tests. */
import { z } from 'zod';
import { DRIFT_THRESHOLDS } from '../drift/drift-report.ts';
import { activationEntrySchema } from '../store/activation-log.ts';
import { FeedbackInputSchema } from '../store/feedback-record.ts';

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), path: z.string().optional() }),
});

const modelRef = z.object({ name: z.string(), version: z.string() });

/** One reason code (src/explain): TreeSHAP contribution of a feature to the alert's log-odds. */
export const reasonCodeSchema = z.object({
  feature: z.string().describe('feature name in the model spec'),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]).describe('the attribute value as sent; null when missing'),
  contribution: z.number().describe('change in log-odds (raw margin, before calibration) this value made against the average alert; > 0 raised the risk'),
  label: z.string().describe('e.g. "amount_usd = 9500 raised the risk"'),
});

/** One alert's result in a `POST /v1/score` response. */
export const alertResultSchema = z.object({
  id: z.string().nullable().describe('the alert id; null when the item had no readable id'),
  index: z.number().int().describe('position of the alert in the request'),
  score: z.number().min(0).max(1).nullable().describe('probability of true risk; null when not scored'),
  rank: z.number().int().min(1).nullable().describe('1 = riskiest scored alert of the batch'),
  band: z.string().nullable(),
  decision: z.enum(['auto_close', 'review', 'escalate']),
  reason: z.enum(['score', 'never_suppress', 'below_the_line_sample', 'not_scored']),
  sample: z.boolean().describe('sent to review as a below-the-line sample'),
  degraded: z.boolean().describe('the model failed or timed out: fail-open review'),
  model: modelRef,
  policyVersion: z.string(),
  experiment: z.object({ id: z.string(), arm: z.string() }).optional().describe('the experiment arm that decided, while an experiment runs'),
  error: z.object({ path: z.string(), message: z.string() }).optional(),
  reasons: z.array(reasonCodeSchema).optional().describe('with explain: the features that moved the log-odds most, largest |contribution| first'),
  reasonsUnavailable: z.string().optional().describe('explain was asked for but no reason codes are given: the model cannot (e.g. its trees carry no node cover), or the request\'s explanation budget ran out first; score and decision stand'),
});

export const scoreResponseSchema = z.object({ model: modelRef, results: z.array(alertResultSchema) });
export const modelsResponseSchema = z.object({ models: z.array(z.object({ name: z.string(), version: z.string(), active: z.boolean() })) });

/** `POST /v1/models/{name}/{version}/activate` and `POST /v1/models/rollback`. */
export const activationResponseSchema = z.object({
  active: modelRef.describe('the model this replica now serves'),
  activation: activationEntrySchema.nullable().describe('the entry recorded in the activation log; null when the server keeps no log'),
});
/** `GET /v1/models/activations`. */
export const activationsResponseSchema = z.object({
  active: modelRef.describe('the model this replica serves (it follows the newest entry within one poll interval)'),
  activations: z.array(activationEntrySchema).describe('newest first'),
});

/** One item's outcome in a `POST /v1/feedback` answer. */
export const feedbackResultSchema = z.strictObject({
  alertId: z.string(),
  status: z.enum(['created', 'duplicate']).describe('duplicate: the same item (same idempotencyKey, or the same content without one) was already stored; nothing changed'),
  seq: z.number().int().describe('the stored item\'s sequence number (the earlier one\'s, for a duplicate)'),
  matched: z.boolean().describe('a decision for the alert was on record when the item arrived; false: kept, and joins once the alert is scored'),
  warning: z.string().optional().describe('set when matched is false'),
});
/** `POST /v1/feedback` with `{"items": [...]}`: one result per item, in request order. */
export const feedbackBatchResponseSchema = z.strictObject({ results: z.array(feedbackResultSchema) });

/** One disposition as the store keeps it: what the client sent (less its idempotency key), and what the store learned. */
const storedFeedbackSchema = FeedbackInputSchema.omit({ idempotencyKey: true }).extend({
  seq: z.number().int().describe('commit order'),
  receivedAt: z.string().describe('when winnow committed it: the "known at" time of exports'),
  matched: z.boolean().describe('a decision for the alert was on record when it arrived'),
});
/** `GET /v1/feedback/{alertId}`. */
export const feedbackHistoryResponseSchema = z.strictObject({
  alertId: z.string(),
  current: storedFeedbackSchema.describe('the label that counts: the latest by decidedAt, then seq'),
  history: z.array(storedFeedbackSchema).describe('every disposition, in decision order; corrections are appended, never replaced'),
});

/** `GET /v1/decisions/{alertId}`: the decision record as stored (src/store/decision-record.ts). */
export const decisionRecordResponseSchema = z.strictObject({
  alertId: z.string(),
  decidedAt: z.string().describe('UTC milliseconds'),
  ruleId: z.string(),
  segment: z.string().optional(),
  entityId: z.string().optional(),
  occurredAt: z.string().optional().describe('when the alert happened, as its sender said'),
  model: modelRef,
  specHash: z.string().describe('hash of the feature spec the vector was built with'),
  features: z.array(z.number().nullable()).describe('the feature vector as scored, in the spec\'s order; missing values (NaN) and non-finite ones are null in JSON'),
  score: z.number().min(0).max(1).nullable().describe('null when the alert could not be scored'),
  band: z.string(),
  decision: z.enum(['auto_close', 'review', 'escalate']),
  reason: z.string().nullable().describe('why the decision did not come from the score alone (never_suppress, below_the_line_sample, not_scored); null otherwise'),
  sample: z.boolean(),
  degraded: z.boolean(),
  policyVersion: z.string(),
  experiment: z.strictObject({ id: z.string(), arm: z.string() }).optional(),
  requestId: z.string().optional(),
  sampleRate: z.number().min(0).max(1).optional().describe('the policy\'s below-the-line sampling rate when decided'),
  shadow: z.boolean().describe('always false here: a shadow arm\'s records are never the alert\'s decision'),
});

/** `GET /v1/decisions/{alertId}/quarantine`. */
export const quarantineResponseSchema = z.strictObject({
  alertId: z.string(),
  quarantined: z.array(z.strictObject({
    seq: z.number().int(),
    alertId: z.string().nullable(),
    quarantinedAt: z.string(),
    reason: z.string().describe('why the database refused the record'),
    record: z.unknown().describe('the record as given, non-finite numbers as strings'),
  })),
});

const driftStatus = z.enum(['stable', 'moderate', 'major', 'no_data']);
const driftReadingSchema = z.strictObject({
  name: z.string(),
  psi: z.number().nullable().describe('null: no values in the window, or no reference'),
  status: driftStatus,
  edges: z.array(z.number()).describe('bin upper edges; the last bin is everything above the last edge, then "missing"'),
  reference: z.array(z.number()).describe('the reference\'s share per bin, missing last'),
  current: z.array(z.number()).describe('the window\'s share per bin, missing last'),
});
/** `GET /v1/models/{name}/{version}/drift`. */
export const driftResponseSchema = z.strictObject({
  model: modelRef,
  windowCapacity: z.number().int().describe('the most recent scored alerts kept (default 10,000)'),
  windowSize: z.number().int().describe('scored alerts in the window now'),
  thresholds: z.strictObject({ moderate: z.literal(DRIFT_THRESHOLDS.moderate), major: z.literal(DRIFT_THRESHOLDS.major) }).readonly().describe('PSI from which a reading is moderate, and major'),
  status: driftStatus.describe('the worst status over the features and the score'),
  score: driftReadingSchema.nullable(),
  features: z.array(driftReadingSchema),
});

/** `GET /healthz`. */
export const healthResponseSchema = z.strictObject({ status: z.literal('ok') });
/** `GET /readyz` (200 and 503 alike). */
export const readinessResponseSchema = z.strictObject({
  status: z.enum(['ready', 'degraded']),
  store: z.enum(['ok', 'failing']),
  model: z.strictObject({
    name: z.string(),
    version: z.string(),
    degraded: z.boolean().describe('an older verified model serves because the activation log\'s latest bundle cannot be served'),
    wanted: z.string().optional().describe('name/version the log asks for'),
    wantedSeq: z.number().int().optional(),
    serving: z.string().optional().describe('name/version this replica serves instead'),
    servingSeq: z.number().int().nullable().optional().describe('the log entry it serves from; null when it serves the --model default'),
    reason: z.string().optional(),
    since: z.string().optional(),
  }),
});
