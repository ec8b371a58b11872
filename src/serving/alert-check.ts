/**
 * @module A hand-written fast path for the alert schema. zod is the contract (its messages and
 * paths are what clients see) but at ~100 alerts × 35 attributes per request its generic
 * machinery cost about a tenth of the serving thread. `checkAlert` accepts exactly what
 * `alertSchema` accepts, builds the same output, and hands anything it would reject to zod, so
 * every error still comes from zod. test/serving/alert-check.test.ts holds the two equal.
 */
import { z } from 'zod';
import { type Alert, type AlertLimits, alertSchema } from './alert-schema.ts';
import { EVENT_TIME, instantBoundsProblem } from '../store/bounded-instant.ts';
import { isStorableText, unstorableKeyReason } from '../store/storable-text.ts';

/** The alert as zod would parse it, or zod's first issue. */
export type AlertCheck = { ok: true; alert: Alert } | { ok: false; issue: z.core.$ZodIssue };

const isoInstant = z.iso.datetime({ offset: true });

/** Validate one raw alert against `alertSchema(limits)`, fast when it is valid. */
export function checkAlert(item: unknown, limits: AlertLimits): AlertCheck {
  const alert = fastPath(item, limits);
  if (alert !== undefined) return { ok: true, alert };
  const parsed = alertSchema(limits).safeParse(item);
  return parsed.success ? { ok: true, alert: parsed.data } : { ok: false, issue: parsed.error.issues[0] };
}

// Returns undefined whenever anything is not plainly valid; zod then decides (and explains).
function fastPath(item: unknown, limits: AlertLimits): Alert | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const { id, ruleId, occurredAt, entityId, segment, attributes } = item as Record<string, unknown>;
  const max = limits.maxStringLength;
  if (!isKeyText(id, 1, max) || !isRecordedText(ruleId, 1, max)) return undefined;
  if (entityId !== undefined && !isKeyText(entityId, 0, max)) return undefined;
  if (segment !== undefined && !isRecordedText(segment, 0, max)) return undefined;
  if (occurredAt !== undefined && (!isoInstant.safeParse(occurredAt).success || instantBoundsProblem(occurredAt as string, EVENT_TIME) !== undefined)) return undefined;
  let attrs: Alert['attributes'] = {};
  if (attributes !== undefined) {
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return undefined;
    // zod copies the record; a parsed request body is ours alone, so a copy buys nothing.
    let count = 0;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) return undefined;
      count += 1;
      // '__proto__' (an own key after JSON.parse) is left to zod, whose copy treats it its own way.
      if (key.length === 0 || key.length > max || key === '__proto__') return undefined;
      const v = (attributes as Record<string, unknown>)[key];
      if (v === null || typeof v === 'boolean') continue;
      if (typeof v === 'number' ? !Number.isFinite(v) : !isText(v, 0, max)) return undefined;
    }
    if (count > limits.maxAttributes || Object.getPrototypeOf(attributes) !== Object.prototype) return undefined;
    attrs = attributes as Alert['attributes'];
  }
  // The keys of zod's output, in its order: optional fields only when present.
  return {
    id,
    ruleId,
    ...(occurredAt !== undefined && { occurredAt: occurredAt as string }),
    ...(entityId !== undefined && { entityId }),
    ...(segment !== undefined && { segment }),
    attributes: attrs,
  };
}

/** Text that goes into the decision record: also storable (see store/storable-text.ts). */
function isRecordedText(v: unknown, min: number, max: number): v is string {
  return isText(v, min, max) && isStorableText(v);
}

/** An indexed id in the decision record: storable and within the index's byte limit. */
function isKeyText(v: unknown, min: number, max: number): v is string {
  return isText(v, min, max) && unstorableKeyReason(v) === undefined;
}

function isText(v: unknown, min: number, max: number): v is string {
  return typeof v === 'string' && v.length >= min && v.length <= max;
}
