/**
 * @module A hand-written fast path for `DecisionRecordSchema`, the same pattern as
 * src/serving/alert-check.ts. Every scored alert's record is checked once when it is queued and
 * once by the store that writes it; zod's generic machinery (≈30 feature values, nested objects,
 * an ISO-instant regex and a Date round trip per record) was an eighth of the serving thread
 * under batch load. `fastDecisionRecord` accepts only records that are plainly valid and already
 * canonical, builds exactly the object zod would, and returns undefined for everything else so
 * zod decides and names the field. test/store/decision-record-check.test.ts holds the two equal.
 */
import { z } from 'zod';
import type { ValidDecisionRecord } from './decision-record.ts';
import { isStorableText, unstorableKeyReason } from './storable-text.ts';

const isoInstant = z.iso.datetime({ offset: true });
/** The last `decidedAt` found canonical: every record of a batch shares its instant, so most checks are one comparison. */
let lastInstant = '1970-01-01T00:00:00.000Z';

/** The record zod would output for `input`, or undefined when zod must look (invalid or not canonical). */
export function fastDecisionRecord(input: unknown): ValidDecisionRecord | undefined {
  if (!isPlainObject(input)) return undefined;
  const r = input as Record<string, unknown>;
  const { alertId, decidedAt, ruleId, model, specHash, features, score, band, decision, reason, sample, degraded, policyVersion, shadow } = r;
  if (!isText(alertId) || unstorableKeyReason(alertId) !== undefined || !isText(ruleId) || !isText(specHash) || !isText(band) || !isText(decision) || !isText(policyVersion)) return undefined;
  if (!isCanonicalInstant(decidedAt)) return undefined;
  if (!isPlainObject(model) || !isText(model.name) || !isText(model.version)) return undefined;
  if (!(features instanceof Float32Array) && (!Array.isArray(features) || !allNumbers(features))) return undefined;
  if (score !== null && !(typeof score === 'number' && score >= 0 && score <= 1)) return undefined;
  if (reason !== null && !isStorableString(reason)) return undefined;
  if (typeof sample !== 'boolean' || typeof degraded !== 'boolean') return undefined;
  if (shadow !== undefined && typeof shadow !== 'boolean') return undefined;
  const { segment, entityId, occurredAt, experiment, requestId, sampleRate } = r;
  if (!isOptionalText(segment) || !isOptionalText(entityId) || !isOptionalText(requestId)) return undefined;
  if (occurredAt !== undefined && occurredAt !== null && !isCanonicalEventTime(occurredAt)) return undefined;
  if (typeof entityId === 'string' && unstorableKeyReason(entityId) !== undefined) return undefined;
  if (experiment !== undefined && experiment !== null && !(isPlainObject(experiment) && isText(experiment.id) && isText(experiment.arm))) return undefined;
  if (sampleRate !== undefined && sampleRate !== null && !(typeof sampleRate === 'number' && sampleRate >= 0 && sampleRate <= 1)) return undefined;
  // zod's output: the shape's keys in declaration order, an optional key only when the input has
  // it (as undefined when it was null), copies of the nested objects, unknown keys dropped. The
  // feature array is the caller's own, not a copy: every writer builds it fresh for the record
  // and nothing changes it afterwards, and a second copy of ~30 numbers per alert bought nothing.
  const has = (key: string) => Object.hasOwn(r, key);
  const out: Record<string, unknown> = { alertId, decidedAt, ruleId };
  if (has('segment')) out.segment = segment ?? undefined;
  if (has('entityId')) out.entityId = entityId ?? undefined;
  if (has('occurredAt')) out.occurredAt = occurredAt ?? undefined;
  out.model = { name: model.name, version: model.version };
  out.specHash = specHash;
  out.features = features;
  out.score = score;
  out.band = band;
  out.decision = decision;
  out.reason = reason;
  out.sample = sample;
  out.degraded = degraded;
  out.policyVersion = policyVersion;
  if (has('experiment')) out.experiment = experiment ? { id: (experiment as { id: string }).id, arm: (experiment as { arm: string }).arm } : undefined;
  if (has('requestId')) out.requestId = requestId ?? undefined;
  if (has('sampleRate')) out.sampleRate = sampleRate ?? undefined;
  out.shadow = shadow ?? false;
  return out as ValidDecisionRecord;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function isStorableString(v: unknown): v is string {
  return typeof v === 'string' && isStorableText(v);
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && isStorableText(v);
}

// Empty optional text is valid (as in the alert schema); only null and absent mean "none".
function isOptionalText(v: unknown): boolean {
  return v === undefined || v === null || isStorableString(v);
}

function allNumbers(values: unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'number') return false;
  return true;
}

// Canonical = what InstantSchema would output unchanged: an ISO instant zod accepts that is
// already `toISOString()` text. Anything else (an offset, no milliseconds) goes to zod to convert.
// An event time differs per alert, so the one-entry cache above would only miss. A string that
// is its own Date round trip, 24 characters long (a four-digit year), is text zod accepts as is.
function isCanonicalEventTime(v: unknown): boolean {
  if (typeof v !== 'string' || v.length !== 24) return false;
  const time = Date.parse(v);
  return !Number.isNaN(time) && new Date(time).toISOString() === v;
}

function isCanonicalInstant(v: unknown): v is string {
  if (v === lastInstant) return true;
  if (typeof v !== 'string' || !isoInstant.safeParse(v).success) return false;
  const time = Date.parse(v);
  if (Number.isNaN(time) || new Date(time).toISOString() !== v) return false;
  lastInstant = v;
  return true;
}
