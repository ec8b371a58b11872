/** @module The protocol adapters' part of the OpenAPI document (Jube, Tazama), with zod schemas of their answers. */
import { z } from 'zod';
import { DEFAULT_JUBE_MAPPING, type JubeMapping } from './jube-mapping.ts';
import { JUBE_PROTOCOL_VERSION } from './jube-adaptation.ts';
import { triageRequestSchema } from './tazama-triage.ts';

type Json = (schema: z.ZodType, example?: unknown) => object;
type ErrorResponse = (description: string) => object;

/** Jube's HTTP Adaptation Protocol v1.1 object, as far as winnow fills it (src/http/jube-adaptation.ts). */
export const adaptationSchema = z.object({
  Value: z.number().min(0).max(1).nullable().describe('the score (probability of true risk); null when Error is set'),
  Error: z.string().optional().describe('why there is no value: Jube suppresses the answer and archives the message'),
  Narrative: z.string().optional(),
  HumanLabel: z.string().optional().describe('winnow: <decision>'),
  ProtocolVersion: z.literal(JUBE_PROTOCOL_VERSION),
  Model: z.record(z.string(), z.unknown()).optional().describe('Name, Family, Version, ArtifactHash, TrainedDate, FeatureCount, Validation'),
  Result: z.object({ Threshold: z.number().optional(), Activated: z.boolean(), ExpectedPositiveRate: z.number().optional() }).optional()
    .describe('Activated: the alert is not closed; Threshold: scores below it are closed (0: none is, e.g. a never-suppressed rule)'),
  Calibration: z.record(z.string(), z.unknown()).optional(),
  Contribution: z.object({
    Space: z.string(), Method: z.string(), Exact: z.boolean(),
    Items: z.array(z.object({ Name: z.string(), Weight: z.number(), Source: z.string().optional(), HumanLabel: z.string().optional() })),
  }).optional().describe('reason codes: TreeSHAP contributions in log-odds, naming payload fields'),
  Winnow: z.record(z.string(), z.unknown()).optional().describe('winnow\'s own verdict (alertId, decision, band, reason, sample, degraded, policyVersion, experiment); Jube ignores it'),
});

/** Tazama's triage answer: exactly these two members. */
export const triageAnswerSchema = z.object({
  priority: z.enum(['High', 'Medium', 'Low']).describe('escalate: High, review: Medium, auto_close: Low'),
  confidence: z.number().min(0).max(100).describe('100 exactly when winnow closes the alert; otherwise always below the configured threshold'),
});

export interface AdapterDocOptions {
  /** The Jube mapping in use (its field names are shown and used in the example); absent: the defaults. */
  jubeMapping?: JubeMapping;
  /** The configured Tazama vector length; absent: the triage route is not configured. */
  tazamaFeatures?: number;
  /** A /v1/score alert, shown as the Jube payload it would come from. */
  exampleAlert: { id: string; ruleId: string; occurredAt: string; entityId: string; segment: string; attributes: Record<string, unknown> };
}

/** Path items for `/v1/adapters/…`. */
export function adapterPaths(json: Json, error: ErrorResponse, { jubeMapping: m = DEFAULT_JUBE_MAPPING, tazamaFeatures, exampleAlert: a }: AdapterDocOptions) {
  const secured = [{ apiKey: [] }];
  const adaptationError = (description: string) => ({ description, content: json(adaptationSchema) });
  const denied = { 401: error('missing or unknown API key'), 403: error('the key lacks the score scope'), 413: error('the body is over the size limit') };
  // Configured, the request schema is the route's own (its length the feature list's); otherwise any length is shown.
  const triageRequest = tazamaFeatures ? triageRequestSchema(tazamaFeatures)
    : triageRequestSchema(1).extend({ features: z.array(z.number().nullable()).describe('one number (or null) per position of the configured feature list') });
  return {
    '/v1/adapters/jube': {
      post: {
        summary: 'Jube HTTP Adaptation Protocol v1.1: score one transaction (score scope)', security: secured,
        description: 'Jube POSTs one flat object of the transaction\'s fields. The mapping (winnow serve --jube-mapping FILE) names the alert\'s fields; this server reads '
          + `id ${m.id}, rule ${m.ruleId} (else '${m.defaultRuleId}'), entity ${m.entityId}, time ${m.occurredAt}, segment ${m.segment}. `
          + 'Every other field named like a feature source of the serving model is read as it is. The alert is scored, decided and recorded like one sent to /v1/score.',
        requestBody: { required: true, content: json(z.record(z.string(), z.unknown()).describe('the transaction\'s fields'), jubePayload(m, a)) },
        responses: {
          200: { description: 'the Adaptation object; Error is set (and Value null) for an alert that could not be scored, which is sent to review', content: json(adaptationSchema) },
          400: adaptationError('the body is not a JSON object, or its id field is not a string or number'),
          ...denied,
          503: adaptationError('the decision store is backed up or the record was not committed in time; retry after Retry-After seconds'),
        },
      },
    },
    '/v1/adapters/tazama/triage': {
      post: {
        summary: 'Tazama case-manager triage: score one case\'s feature vector (score scope)', security: secured,
        description: 'Position i of `features` is the attribute the features file names (winnow serve --tazama-features FILE). '
          + 'The case is scored, decided and recorded like an alert sent to /v1/score; its id is `id` or `caseId`, else a hash of the vector, rule and entity.',
        requestBody: { required: true, content: json(triageRequest) },
        responses: {
          200: {
            description: '{priority, confidence}',
            headers: {
              'x-winnow-alert-id': { description: 'the id the decision is recorded under (URI-encoded)', schema: { type: 'string' } },
              'x-winnow-decision': { description: 'auto_close, review or escalate', schema: { type: 'string' } },
            },
            content: json(triageAnswerSchema),
          },
          400: error('not JSON, or features is missing or of the wrong length (the path names the field)'),
          ...denied,
          404: error('not_configured: the server was started without --tazama-features'),
          503: error('the decision store is backed up or the record was not committed in time; retry after Retry-After seconds'),
        },
      },
    },
  };
}

/** The payload Jube would send for alert `a` under mapping `m`: its envelope in the mapped fields, its attributes as they are. */
function jubePayload(m: JubeMapping, a: AdapterDocOptions['exampleAlert']): Record<string, unknown> {
  const payload: Record<string, unknown> = { [m.id]: a.id };
  const envelope = [[m.ruleId, a.ruleId], [m.entityId, a.entityId], [m.occurredAt, a.occurredAt.replace(/Z$/, '')], [m.segment, a.segment]] as const;
  for (const [field, value] of envelope) if (field !== null) payload[field] = value;
  const fieldOf = new Map(Object.entries(m.attributes));
  for (const [name, value] of Object.entries(a.attributes)) payload[fieldOf.get(name) ?? name] = value;
  return payload;
}
