/** @module The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
import { z } from 'zod';
import { FEEDBACK_LIMITS, FeedbackInputSchema } from '../store/feedback-record.ts';
import { type AlertLimits, alertSchema, explainField } from '../serving/alert-schema.ts';
import { MAX_HISTORY_LIMIT } from '../store/activation-log.ts';
import { noteBodySchema as noteBody } from './model-routes.ts';
import { experimentPaths } from './experiment-openapi.ts';
import { type AdapterDocOptions, adapterPaths } from './adapter-openapi.ts';
import { oipPaths } from './oip-openapi.ts';
import {
  activationResponseSchema, activationsResponseSchema, decisionRecordResponseSchema, driftResponseSchema, errorBodySchema, feedbackBatchResponseSchema,
  feedbackHistoryResponseSchema, feedbackResultSchema, healthResponseSchema, modelsResponseSchema, quarantineResponseSchema, readinessResponseSchema, scoreResponseSchema,
} from './response-schemas.ts';

const json = (schema: z.ZodType, example?: unknown) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: withoutSafeIntegerBounds }), ...(example === undefined ? {} : { example }) },
});
/** zod's `.int()` bounds every integer by ±(2^53 − 1); /docs would print that range beside every count. */
function withoutSafeIntegerBounds({ jsonSchema: s }: { jsonSchema: { type?: unknown; minimum?: number; maximum?: number } }): void {
  if (s.type !== 'integer') return;
  if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
  if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
}
const error = (description: string) => ({ description, content: json(errorBodySchema) });

/** Swagger UI (/docs) groups operations by tag, in this order; a path's tag is the first whose pattern it matches. */
const TAGS: { name: string; description: string; paths: RegExp }[] = [
  { name: 'Scoring', description: 'Score, rank and decide alerts', paths: /^\/v1\/score$/ },
  { name: 'Feedback', description: 'Analyst dispositions: the labels of the next model', paths: /^\/v1\/feedback/ },
  { name: 'Decisions', description: 'What was scored and decided, as recorded', paths: /^\/v1\/decisions/ },
  { name: 'Models', description: 'Bundles, activation, rollback and drift', paths: /^\/v1\/models/ },
  { name: 'Experiments', description: 'A/B comparisons of models and policies on live traffic', paths: /^\/v1\/experiments/ },
  { name: 'Protocol adapters', description: 'Jube and Tazama call winnow in their own wire formats', paths: /^\/v1\/adapters\// },
  { name: 'Open Inference Protocol (V2)', description: 'KServe, Seldon and Triton clients; errors are {"error": "…"}', paths: /^\/v2(\/|$)/ },
  { name: 'Operations', description: 'Health, readiness, metrics and this document', paths: /^/ },
];

/** The alert of the request examples (each is sent to its route by test/http/openapi-coverage.test.ts). */
const EXAMPLE_ALERT = {
  id: 'A-1001', ruleId: 'tm_structuring', occurredAt: '2025-09-01T10:15:00Z', entityId: 'C-77', segment: 'retail',
  attributes: { amount_usd: 9500, account_age_days: 12, txn_count_24h: 14, prior_alerts_90d: 3, vpn_detected: true },
};

/** What the document says about this server's configuration: the adapters' settings. */
export type OpenApiOptions = Omit<AdapterDocOptions, 'exampleAlert'>;

/** Build the document for the given limits (they appear as maxItems/maxLength in the schemas). */
export function openApiDocument(limits: AlertLimits, options: OpenApiOptions = {}) {
  const doc = document(limits, options);
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { tags?: string[]; operationId?: string }>>)) {
    for (const [method, operation] of Object.entries(item)) {
      operation.tags ??= [TAGS.find((t) => t.paths.test(path))!.name];
      operation.operationId ??= operationId(method, path);
    }
  }
  return doc;
}

/** `get /v1/decisions/{alertId}/quarantine` → `getV1DecisionsByAlertIdQuarantine`: stable, unique, and a plain word in /docs deep links. */
function operationId(method: string, path: string): string {
  const words = path.split('/').filter(Boolean).map((part) => part.replace(/^\{(.+)\}$/, 'By-$1').replace(/\.json$/, 'Json'));
  return method + words.flatMap((w) => w.split(/[-_]/)).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** `POST /v1/feedback` answers one result for one item, `{results}` for a batch. */
const feedbackAnswer = z.union([feedbackResultSchema, feedbackBatchResponseSchema]);

function document(limits: AlertLimits, options: OpenApiOptions) {
  const scoreRequest = z.object({ alerts: z.array(alertSchema(limits)).min(1).max(limits.maxBatch), explain: explainField });
  const secured = [{ apiKey: [] }];
  return {
    openapi: '3.1.0',
    info: { title: 'winnow', version: '0.1.0', description: 'Second-stage scoring for compliance alerts: score, rank and decide under a policy; every decision is recorded. '
      + 'Every POST needs Content-Type: application/json, even with an empty body (415 unsupported_media_type otherwise). '
      + 'A request whose Origin is not the server\'s own gets 403 origin_not_allowed; without API keys, so does one whose Host is not a loopback or allowed name (host_not_allowed). '
      + 'This document is public.' },
    tags: TAGS.map(({ name, description }) => ({ name, description })),
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key (also accepted as X-API-Key); not required when the server runs without keys on loopback' } } },
    paths: {
      '/v1/score': {
        post: {
          summary: 'Score, rank and decide a batch of alerts',
          security: secured,
          requestBody: { required: true, content: json(scoreRequest, { alerts: [EXAMPLE_ALERT], explain: 3 }) },
          responses: {
            200: {
              description: 'one result per alert, in request order; malformed alerts get an error and review; with explain, scored alerts carry reasons. '
                + 'Sent after every decision is committed (unless the server runs with --record async)',
              content: json(scoreResponseSchema),
            },
            400: error('the body is not JSON, the envelope is invalid, or a string holds U+0000 or a lone surrogate (invalid_text); the error names the field'),
            401: error('missing or unknown API key'),
            403: error('the key lacks the score scope'),
            413: error('the body is over the size limit'),
            503: error('store_backlog: decision records are backed up behind a slow or failing store (nothing was scored); record_unavailable: the decisions were not committed in time. Retry after the Retry-After seconds'),
          },
        },
      },
      '/v1/models': { get: { summary: 'Model bundles and the active one', security: secured, responses: { 200: { description: 'bundles', content: json(modelsResponseSchema) } } } },
      '/v1/models/{name}/{version}/activate': {
        post: {
          summary: 'Load, probe and swap in another bundle (admin)', security: secured,
          parameters: ['name', 'version'].map((n) => ({ name: n, in: 'path', required: true, schema: { type: 'string' } })),
          requestBody: { required: false, content: json(noteBody) },
          responses: {
            200: { description: 'now active here; with a store, recorded in the activation log, which every replica follows', content: json(activationResponseSchema) },
            400: error('the body is not {"note": "…"}'),
            404: error('no such bundle'),
            422: error('the bundle failed to load or probe; the old one keeps serving and nothing is recorded'),
            413: error('the body is over 16 KB'),
            503: error('the activation log could not be written; nothing changed'),
          },
        },
      },
      '/v1/models/{name}/{version}/drift': {
        get: {
          summary: 'Drift of recently scored alerts vs the model reference (score or admin scope)', security: secured,
          description: 'PSI per feature and for the score over this process\'s rolling window of recent scored alerts (default the last 10,000), with reference and current bin shares (missing share last) and a status: stable < 0.1 ≤ moderate < 0.25 ≤ major.',
          parameters: ['name', 'version'].map((n) => ({ name: n, in: 'path', required: true, schema: { type: 'string' } })),
          responses: {
            200: { description: 'the window\'s drift', content: json(driftResponseSchema) },
            404: error('this process has not scored alerts with that model, or its manifest has no reference distributions'),
          },
        },
      },
      '/v1/models/rollback': {
        post: {
          summary: 'Return every replica to the model active before the current one (admin)', security: secured,
          description: 'Goes to the `from` of the newest activation-log entry, so a second rollback undoes the first.',
          requestBody: { required: false, content: json(noteBody) },
          responses: {
            200: { description: 'rolled back here and recorded; other replicas follow within their poll interval', content: json(activationResponseSchema) },
            404: error('this server keeps no activation log'),
            409: error('nothing to roll back to, or the log changed meanwhile'),
            413: error('the body is over 16 KB'),
            422: error('the previous bundle no longer loads; nothing is recorded'),
            503: error('the activation log could not be read or written; nothing changed'),
          },
        },
      },
      '/v1/models/activations': {
        get: {
          summary: 'The activation log, newest first (score or admin scope)', security: secured,
          parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_HISTORY_LIMIT, default: 50 } }],
          responses: {
            200: { description: 'entries and the model this replica serves', content: json(activationsResponseSchema) },
            400: error('limit is not a whole number in range'),
            404: error('this server keeps no activation log'),
          },
        },
      },
      '/v1/feedback': {
        post: {
          summary: 'Record analyst dispositions (feedback scope): one item, or {"items": [...]} of up to 1,000', security: secured,
          description: 'A 2xx means every item is committed. A retry (same idempotencyKey, or same content without one) is a duplicate and changes nothing; a correction is appended and becomes the current label. Feedback for an alert with no recorded decision is kept with matched: false.',
          requestBody: {
            required: true,
            content: json(z.union([FeedbackInputSchema, z.object({ items: z.array(FeedbackInputSchema).min(1).max(FEEDBACK_LIMITS.maxBatch) })]), {
              alertId: EXAMPLE_ALERT.id, disposition: 'false_positive', analystId: 'analyst-7', decidedAt: '2025-09-02T08:30:00Z', note: 'source of funds documented',
            }),
          },
          responses: {
            201: { description: 'committed; at least one item was new (one result, or {"results": [...]} for a batch)', content: json(feedbackAnswer) },
            200: { description: 'committed; every item was a duplicate of one already stored', content: json(feedbackAnswer) },
            400: error('not JSON, not an item or batch, or an item is invalid (the path names it, e.g. items.3.disposition)'),
            409: error('an idempotencyKey was already used for different content; nothing written'),
            503: error('not committed (store unavailable); retry'),
          },
        },
      },
      '/v1/feedback/{alertId}': {
        get: {
          summary: 'Every disposition recorded for an alert, and the current one (feedback scope)', security: secured,
          parameters: [{ name: 'alertId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: { description: 'the current disposition and the history', content: json(feedbackHistoryResponseSchema) },
            400: error('the alert id holds U+0000 or a lone surrogate (invalid_text)'),
            404: error('no feedback recorded for this alert'),
          },
        },
      },
      '/v1/decisions/{alertId}': {
        get: {
          summary: 'The latest recorded decision for an alert', security: secured,
          parameters: [{ name: 'alertId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: { description: 'the decision record (features as scored; missing values as null)', content: json(decisionRecordResponseSchema) },
            400: error('the alert id holds U+0000 or a lone surrogate (invalid_text)'),
            404: error('no decision recorded (the message says when records of the alert are quarantined)'),
          },
        },
      },
      '/v1/decisions/{alertId}/quarantine': {
        get: {
          summary: 'Records of an alert the database refused, kept with the reason instead of blocking the others', security: secured,
          parameters: [{ name: 'alertId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'the refused records, oldest first', content: json(quarantineResponseSchema) }, 404: error('no quarantined record for this alert') },
        },
      },
      ...experimentPaths(json, error),
      ...adapterPaths(json, error, { ...options, exampleAlert: EXAMPLE_ALERT }),
      ...oipPaths(json, EXAMPLE_ALERT),
      '/openapi.json': { get: { summary: 'This document (public); rendered at /docs', responses: { 200: { description: 'OpenAPI 3.1' } } } },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'alive', content: json(healthResponseSchema) } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: a model is loaded and the decision store writes',
          responses: {
            200: { description: "ready; model.degraded is true while an older verified model serves because the activation log's latest bundle cannot be served", content: json(readinessResponseSchema) },
            503: { description: 'the decision store is failing (status degraded, store failing)', content: json(readinessResponseSchema) },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (with API keys: the metrics or admin scope, unless the server runs with --public-metrics)', security: secured,
          responses: { 200: { description: 'text exposition format' }, 401: error('missing or unknown API key'), 403: error('the key lacks the metrics or admin scope') },
        },
      },
    },
  };
}
