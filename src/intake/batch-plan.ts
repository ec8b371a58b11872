/**
 * @module What to do with one pulled batch of messages, and what to publish for each: pure.
 *
 * Exactly-once outcome over at-least-once delivery: every alert has a record key (its id, as the
 * decision record is keyed). Before scoring, the consumer looks the batch's keys up in the store;
 * an alert already on record (a redelivery after a crash between commit and ack, or an alert sent
 * twice) is answered from its record instead of being scored again, and an id seen twice within a
 * batch is scored once. Why a lookup and not the store's idempotency: a record's content hash
 * includes its `decidedAt`, so a re-score is a new record, and a new decision (below-the-line
 * sampling, a promoted model or a moved threshold could even change it).
 *
 * An item without a usable id (it fails validation; over HTTP its record is keyed
 * `<requestId>#<index>`) needs a request id that a redelivery repeats: its whole message is scored
 * alone, as request `nats:<stream>:<stream sequence>`.
 */
import { isUsableRecordId } from '../serving/decision-records.ts';
import { type PresentedResult, presentResult } from '../serving/present-result.ts';
import type { AlertResult } from '../serving/score-alerts.ts';
import type { DecisionRecord } from '../store/decision-record.ts';

/** A parsed message of the batch: its stream sequence, alerts and the reason codes it asks for. */
export interface BatchMessage {
  seq: number;
  alerts: unknown[];
  explain?: number;
}

/** One `ScoringService.score` call of the plan; `slots[i]` is where `items[i]` came from. */
export interface ScoreCall {
  requestId: string;
  explain?: number;
  items: unknown[];
  slots: { message: number; item: number }[];
}

/** The request id a message with id-less items is scored under, the same on every delivery. */
export function messageRequestId(stream: string, seq: number): string {
  return `nats:${stream}:${seq}`;
}

/** The record key of every alert of every message (see the module comment). */
export function recordKeys(messages: readonly BatchMessage[], stream: string): string[][] {
  return messages.map((m) => m.alerts.map((item, i) => {
    const id = (item as { id?: unknown } | null)?.id;
    return isUsableRecordId(id) ? id : `${messageRequestId(stream, m.seq)}#${i}`;
  }));
}

/**
 * The score calls for what is not on record: one call for the batch's alerts with usable ids per
 * `explain` value (each key once), and one call per message that has an id-less item.
 */
export function planScoring(messages: readonly BatchMessage[], keys: readonly string[][], recorded: ReadonlySet<string>, stream: string, batchRequestId: string): ScoreCall[] {
  const claimed = new Set<string>(recorded);
  const shared = new Map<string, ScoreCall>();
  const calls: ScoreCall[] = [];
  messages.forEach((m, message) => {
    const own = keys[message];
    const solo = m.alerts.some((item) => !isUsableRecordId((item as { id?: unknown } | null)?.id));
    if (solo && own.every((k) => !claimed.has(k))) {
      // All of it, alone, so each item's position (and so its record key) is its place in the message.
      own.forEach((k) => claimed.add(k));
      calls.push({ requestId: messageRequestId(stream, m.seq), explain: m.explain, items: m.alerts, slots: m.alerts.map((_, item) => ({ message, item })) });
      return;
    }
    // A partly recorded message with id-less items (a crash between two commits of one call) scores
    // the rest under a request id of its own: those records' keys cannot repeat on a later delivery.
    const key = solo ? `solo:${m.seq}` : `explain:${m.explain ?? ''}`;
    let call = shared.get(key);
    m.alerts.forEach((item, i) => {
      if (claimed.has(own[i])) return;
      claimed.add(own[i]);
      if (!call) {
        call = { requestId: solo ? `${messageRequestId(stream, m.seq)}~${batchRequestId}` : batchRequestId, explain: m.explain, items: [], slots: [] };
        shared.set(key, call);
        calls.push(call);
      }
      call.items.push(item);
      call.slots.push({ message, item: i });
    });
  });
  // Calls sharing the batch's request id get a suffix each: a request id names one score call.
  const explainCalls = calls.filter((c) => c.requestId === batchRequestId);
  if (explainCalls.length > 1) explainCalls.forEach((c, n) => { c.requestId = `${batchRequestId}/${n}`; });
  return calls;
}

/** One alert's answer as `POST /v1/score` gives it, placed in its message. */
export type IntakeResult = PresentedResult;

/** The answer of an alert already on record: what the record holds (reason codes are not recorded). */
export function resultFromRecord(record: DecisionRecord, item: unknown, index: number): IntakeResult {
  const id = (item as { id?: unknown } | null)?.id;
  return {
    id: typeof id === 'string' ? id : null, index, score: record.score, rank: null,
    band: record.score === null && record.band === 'unscored' ? null : record.band, decision: record.decision, reason: record.reason as string,
    sample: record.sample, degraded: record.degraded, model: record.model, policyVersion: record.policyVersion,
    ...(record.experiment ? { experiment: record.experiment } : {}),
  };
}

/** Where an alert's answer comes from: its record, or this batch's scoring. */
export type AnswerSource = { record: DecisionRecord } | { result: AlertResult };

/**
 * The results of one message, in its order: `index` is the alert's place in the message, `rank`
 * its rank among the message's scored alerts (1 = riskiest), and an error's path names
 * `alerts.<index>`, as if the message had been posted to /v1/score on its own.
 */
export function messageResults(m: BatchMessage, keys: readonly string[], answers: ReadonlyMap<string, AnswerSource>): IntakeResult[] {
  const results = m.alerts.map((item, index): IntakeResult => {
    const source = answers.get(keys[index]);
    if (!source) throw new Error(`no answer for alert ${index} of message ${m.seq}`);
    if ('record' in source) return resultFromRecord(source.record, item, index);
    const r = presentResult(source.result);
    const error = r.error ? { error: { ...r.error, path: r.error.path.replace(/^alerts\.\d+/, `alerts.${index}`) } } : {};
    return { ...r, index, rank: null, ...error };
  });
  const scored = results.filter((r) => r.score !== null).sort((p, q) => (q.score as number) - (p.score as number) || p.index - q.index);
  scored.forEach((r, k) => { r.rank = k + 1; });
  return results;
}
