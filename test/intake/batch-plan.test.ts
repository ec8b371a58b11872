import { describe, expect, it } from 'vitest';
import { messageResults, planScoring, recordKeys } from '../../src/intake/batch-plan.ts';
import { parseIntakeMessage } from '../../src/intake/intake-message.ts';
import { DEFAULT_LIMITS } from '../../src/serving/alert-schema.ts';
import type { AlertResult } from '../../src/serving/score-alerts.ts';
import type { DecisionRecord } from '../../src/store/decision-record.ts';

const alert = (id: unknown) => ({ id, ruleId: 'r', attributes: {} });

describe('batch plan', () => {
  const messages = [
    { seq: 10, alerts: [alert('a'), alert('b')] },
    { seq: 11, alerts: [alert('a')] },
    { seq: 12, alerts: [alert(''), alert('c')] },
    { seq: 13, alerts: [alert('d')], explain: 2 },
  ];
  const keys = recordKeys(messages, 'S');

  it('keys alerts by id, and an id-less item by its message and place (the same on every delivery)', () => {
    expect(keys).toEqual([['a', 'b'], ['a'], ['nats:S:12#0', 'c'], ['d']]);
  });

  it('scores what is not on record once per id, a message with an id-less item alone, one call per explain value', () => {
    const calls = planScoring(messages, keys, new Set(['b']), 'S', 'batch');
    expect(calls.map((c) => ({ id: c.requestId, slots: c.slots, explain: c.explain }))).toEqual([
      { id: 'batch/0', slots: [{ message: 0, item: 0 }], explain: undefined },
      { id: 'nats:S:12', slots: [{ message: 2, item: 0 }, { message: 2, item: 1 }], explain: undefined },
      { id: 'batch/1', slots: [{ message: 3, item: 0 }], explain: 2 },
    ]);
  });

  it('places each result in its message: index, rank among the message\'s scored alerts, error path, replays from the record', () => {
    const fresh = (id: string, score: number | null, index: number): AlertResult => ({
      id, index, score, rank: 9, band: score === null ? null : 'low', decision: 'review', reason: 'score', sample: false, degraded: false,
      model: { name: 'm', version: '1' }, policyVersion: 'p', features: null, ruleId: 'r', scoredAt: '2025-01-01T00:00:00.000Z',
      ...(score === null ? { error: { path: `alerts.${index}.ruleId`, message: 'bad' } } : {}),
    });
    const record = { alertId: 'b', score: 0.9, band: 'high', decision: 'escalate', reason: 'score', sample: false, degraded: false, model: { name: 'm', version: '1' }, policyVersion: 'p' } as DecisionRecord;
    const answers = new Map<string, { record: DecisionRecord } | { result: AlertResult }>([['a', { result: fresh('a', 0.2, 7) }], ['b', { record }]]);
    expect(messageResults(messages[0], keys[0], answers).map((r) => [r.id, r.index, r.rank, r.score, r.decision])).toEqual([['a', 0, 2, 0.2, 'review'], ['b', 1, 1, 0.9, 'escalate']]);
    answers.set('nats:S:12#0', { result: fresh('', null, 4) });
    answers.set('c', { result: fresh('c', 0.1, 5) });
    const third = messageResults(messages[2], keys[2], answers);
    expect(third[0]).toMatchObject({ index: 0, rank: null, error: { path: 'alerts.0.ruleId' } });
    expect(third[1]).toMatchObject({ index: 1, rank: 1 });
  });
});

describe('intake message', () => {
  it('reads one alert or the /v1/score envelope, and names why anything else is poison', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(parseIntakeMessage(enc('{"id":"x","ruleId":"r"}'), DEFAULT_LIMITS)).toEqual({ ok: true, alerts: [{ id: 'x', ruleId: 'r' }] });
    expect(parseIntakeMessage(enc('{"alerts":[{"id":"x"}],"explain":3}'), DEFAULT_LIMITS)).toEqual({ ok: true, alerts: [{ id: 'x' }], explain: 3 });
    expect(parseIntakeMessage(enc('{"alerts":[{}],"explain":-1}'), DEFAULT_LIMITS)).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid_request: explain/) });
    expect(parseIntakeMessage(enc('nope'), DEFAULT_LIMITS)).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid_json/) });
    expect(parseIntakeMessage(enc('null'), DEFAULT_LIMITS)).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid_request/) });
  });
});
