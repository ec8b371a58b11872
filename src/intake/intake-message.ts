/**
 * @module One broker message as alerts: the same JSON as `POST /v1/score` (`{"alerts":[…]}`, with
 * an optional `"explain"`) or one bare alert object. Pure: bytes in, alerts or the reason the
 * message can never be scored out (it then goes to the dead-letter subject, see jetstream-intake.ts).
 */
import { type AlertLimits, scoreRequestSchema } from '../serving/alert-schema.ts';
import { findUnstorableText } from '../store/storable-text.ts';
import { MAX_JSON_DEPTH, tooDeepAt } from '../http/json-depth.ts';

/** What a message came to: its alert items (checked one by one when scored), or why it is poison. */
export type ParsedMessage =
  | { ok: true; alerts: unknown[]; explain?: number }
  | { ok: false; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Read one message. Poison (never scorable, however often it is redelivered): not UTF-8, not JSON,
 * nested deeper than any alert, text no store can keep, not an object, or an envelope that breaks
 * the `/v1/score` request schema (no alerts, too many, a bad `explain`). An object without an
 * `alerts` key is one alert: its fields are checked when it is scored, and a bad one gets
 * `review` with its error, as over HTTP.
 */
export function parseIntakeMessage(payload: Uint8Array, limits: AlertLimits): ParsedMessage {
  let text: string;
  try {
    text = decoder.decode(payload);
  } catch {
    return { ok: false, reason: 'not_utf8: the message is not UTF-8 text' };
  }
  if (text.trim() === '') return { ok: false, reason: 'empty: the message has no body' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid_json: ${(err as Error).message}` };
  }
  const deep = tooDeepAt(text);
  if (deep >= 0) return { ok: false, reason: `too_deep: JSON nested deeper than ${MAX_JSON_DEPTH} levels (at offset ${deep})` };
  const unstorable = findUnstorableText(value);
  if (unstorable) return { ok: false, reason: `invalid_text: ${unstorable.path}: ${unstorable.problem}` };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'invalid_request: expected one alert object or {"alerts":[…]}' };
  }
  if (!('alerts' in value)) return { ok: true, alerts: [value] };
  const envelope = scoreRequestSchema(limits).safeParse(value);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    return { ok: false, reason: `invalid_request: ${issue.path.join('.') || '(body)'}: ${issue.message}` };
  }
  return { ok: true, alerts: envelope.data.alerts, explain: envelope.data.explain };
}
