/**
 * @module Jube's HTTP Adaptation payload as a winnow alert. Jube POSTs one flat JSON object: the
 * transaction's fields (`TxnId`, `AccountId`, `TxnDateTime`, `SettlementAmount`, …) merged with its
 * abstraction values. Which field is the alert id, the rule, the entity, the event time and the
 * segment, and which fields feed the model, comes from a small mapping file
 * (`winnow serve --jube-mapping FILE`) whose defaults fit Jube's own example payload.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_REASON_CODES } from '../explain/reason-codes.ts';

const fieldName = z.string().min(1, 'must name a payload field').max(256);
/** A payload field, or null: this part of the alert is not read from the payload. */
const optionalField = fieldName.nullable();

/** The mapping file: every key optional, unknown keys refused (a misspelt key silently ignored would change what is scored). */
export const jubeMappingSchema = z.strictObject({
  /** Payload field holding the alert id (a string or a number). Absent from a payload: the id is `jube-<sha256 of the payload>`. */
  id: fieldName.default('TxnId'),
  /** Payload field holding the rule id; null or absent from a payload: `defaultRuleId`. */
  ruleId: optionalField.default('RuleId'),
  /** Rule id of payloads that carry none: what policy overrides and never-suppress lists name for Jube's traffic. */
  defaultRuleId: z.string().min(1).max(256).default('jube'),
  /** Payload field holding the entity (account, customer): what entity-history features and experiments key on. */
  entityId: optionalField.default('AccountId'),
  /** Payload field holding when the transaction happened (ISO 8601; without an offset it is read as UTC, as Jube writes TxnDateTime). */
  occurredAt: optionalField.default('TxnDateTime'),
  /** Payload field holding the customer segment. */
  segment: optionalField.default('Segment'),
  /**
   * Model feature source → payload field, for fields whose names differ from the model's sources.
   * Every other payload field whose name IS a source of the serving model is read as it is.
   */
  attributes: z.record(z.string().min(1).max(256), fieldName).default({}),
  /** Reason codes per answer (TreeSHAP contributions, sent as Contribution.Items); 0: none. */
  reasonCodes: z.number().int().min(0).max(MAX_REASON_CODES).default(5),
});

/** A validated mapping, defaults filled in. */
export type JubeMapping = z.infer<typeof jubeMappingSchema>;

/** The mapping used without a file: Jube's example payload fields. */
export const DEFAULT_JUBE_MAPPING: JubeMapping = jubeMappingSchema.parse({});

/** Validates a parsed mapping file; the error names the offending key (`attributes.amount_usd: …`). */
export function parseJubeMapping(input: unknown, source = 'Jube mapping'): JubeMapping {
  const parsed = jubeMappingSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${source}: ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/** What an adaptation payload became: the alert to score, and where each of its parts came from (to name payload fields in answers). */
export interface MappedPayload {
  alert: { id: string; ruleId: string; entityId?: string; occurredAt?: string; segment?: string; attributes: Record<string, unknown> };
  /** Alert field or feature source → the payload field it was read from. */
  fieldOf: Map<string, string>;
}

/** A payload that cannot become an alert at all (not an object, an id that is no scalar): answered with the field named. */
export class PayloadError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

/** The column name under which the model reads each envelope field (alert-schema.ts recordOf), so a contribution of `rule_id` names Jube's field. */
const ENVELOPE_COLUMN = { id: 'alert_id', ruleId: 'rule_id', entityId: 'entity_id', occurredAt: 'occurred_at', segment: 'segment' } as const;

const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/**
 * The alert for one payload under `mapping`, reading as attributes the payload fields named by
 * `sources` (the serving model's feature sources) plus the mapped ones. Values are passed as sent:
 * the alert's own validation (ids, text, attribute types) judges them, so a bad value fails open
 * to review with its error, as over `/v1/score`.
 */
export function payloadToAlert(payload: unknown, mapping: JubeMapping, sources: Iterable<string>): MappedPayload {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new PayloadError('(body)', 'must be a JSON object of the transaction\'s fields (Jube\'s HTTP Adaptation payload)');
  }
  const p = payload as Record<string, unknown>;
  const fieldOf = new Map<string, string>();
  const read = (part: keyof typeof ENVELOPE_COLUMN, field: string | null): unknown => {
    if (field === null || !Object.hasOwn(p, field)) return undefined;
    fieldOf.set(part, field);
    fieldOf.set(ENVELOPE_COLUMN[part], field);
    return p[field];
  };
  const rawId = read('id', mapping.id);
  const id = rawId === undefined ? `jube-${sha256(canonicalJson(p))}` : idText(rawId, mapping.id);
  const rawRule = read('ruleId', mapping.ruleId);
  const ruleId = rawRule === undefined || rawRule === null || rawRule === '' ? mapping.defaultRuleId : rawRule;
  const occurredAt = read('occurredAt', mapping.occurredAt);
  const entityId = read('entityId', mapping.entityId);
  const segment = read('segment', mapping.segment);
  const attributes: Record<string, unknown> = {};
  for (const source of sources) {
    if (Object.hasOwn(p, source)) {
      attributes[source] = p[source];
      // The envelope wins over an attribute of its column's name (recordOf), so its field is the one to name.
      if (!fieldOf.has(source)) fieldOf.set(source, source);
    }
  }
  for (const [source, field] of Object.entries(mapping.attributes)) {
    if (!Object.hasOwn(p, field)) continue;
    attributes[source] = p[field];
    fieldOf.set(source, field);
  }
  const alert: MappedPayload['alert'] = { id, ruleId: ruleId as string, attributes };
  if (entityId !== undefined && entityId !== null) alert.entityId = typeof entityId === 'number' ? String(entityId) : (entityId as string);
  if (occurredAt !== undefined && occurredAt !== null) alert.occurredAt = typeof occurredAt === 'string' && ZONELESS_DATE_TIME.test(occurredAt) ? `${occurredAt}Z` : (occurredAt as string);
  if (segment !== undefined && segment !== null) alert.segment = segment as string;
  return { alert, fieldOf };
}

/** An id as text: Jube's ids are strings or numbers; anything else cannot key a decision record. */
function idText(value: unknown, field: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new PayloadError(field, `the alert id must be a non-empty string or a number, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'an empty string' : `a ${typeof value}`;
}

/** JSON with object keys sorted, so the same payload hashes the same whatever order Jube wrote its fields in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
