/** @module Client timestamps outside sane bounds get a 400 naming the field (issue 15, item 8); those inside are stored canonically. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { defaultPolicy, tempModels, twoAlerts } from './helpers.ts';

// A fixed clock, so "now + 1 day" is an exact instant the edges can be placed around.
const NOW = '2026-06-01T12:00:00.000Z';
const LATEST = '2026-06-02T12:00:00.000Z';
const BOUNDS = `must be from 1970-01-01T00:00:00.000Z to now + 1 day (${LATEST})`;

let registry: ModelRegistry;
let store: DecisionStore;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  store = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-instants-')), 'winnow.db'));
});
afterAll(async () => {
  await registry.close();
  await store.close();
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
});
afterEach(() => {
  vi.useRealTimers();
});

const app = () => createApp({ registry, policyFor: defaultPolicy, feedback: store });
const post = (path: string, body: unknown) =>
  app().request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const item = (alertId: string, decidedAt: string) => ({ alertId, disposition: 'true_positive' as const, analystId: 'an-1', decidedAt });
let seq = 0;
const nextId = () => `bound-${++seq}`;

describe('feedback decidedAt bounds', () => {
  it("refuses the issue's reproduction with a 400 naming decidedAt, and stores nothing", async () => {
    const id = nextId();
    const res = await post('/v1/feedback', item(id, '0000-01-01T00:00:00+01:00'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'invalid_feedback',
        path: 'decidedAt',
        message: `${BOUNDS}; got 0000-01-01T00:00:00+01:00 (-000001-12-31T23:00:00.000Z in UTC)`,
      },
    });
    expect(await store.getFeedbackHistory(id)).toEqual([]);
  });

  it.each([
    ['the last millisecond before 1970', '1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'],
    ['an offset that lands before 1970', '1970-01-01T00:30:00+01:00', '1969-12-31T23:30:00.000Z'],
    ['one millisecond past now + 1 day', '2026-06-02T12:00:00.001Z', '2026-06-02T12:00:00.001Z'],
    ['an offset that lands past now + 1 day', '2026-06-02T11:00:00.001-01:00', '2026-06-02T12:00:00.001Z'],
    ['a year that becomes 10000 in UTC', '9999-12-31T23:30:00-01:00', '+010000-01-01T00:30:00.000Z'],
  ])('refuses %s (%s)', async (_name, decidedAt, utc) => {
    const id = nextId();
    const res = await post('/v1/feedback', item(id, decidedAt));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { path: string; message: string } };
    expect(body.error).toEqual({ code: 'invalid_feedback', path: 'decidedAt', message: `${BOUNDS}; got ${decidedAt} (${utc} in UTC)` });
    expect(await store.getFeedbackHistory(id)).toEqual([]);
  });

  it.each([
    ['the Unix epoch', '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'],
    ['an offset that lands just after 1970', '1969-12-31T23:30:00-01:00', '1970-01-01T00:30:00.000Z'],
    ['exactly now + 1 day', LATEST, LATEST],
    ['an offset that lands exactly on now + 1 day', '2026-06-02T13:00:00+01:00', LATEST],
    ['an ordinary time with an offset', '2025-03-05T09:00:00.5+05:30', '2025-03-05T03:30:00.500Z'],
  ])('accepts %s (%s) and gives it back as %s', async (_name, decidedAt, stored) => {
    const id = nextId();
    const res = await post('/v1/feedback', item(id, decidedAt));
    expect(res.status).toBe(201);
    const history = await app().request(`http://localhost/v1/feedback/${id}`);
    expect(history.status).toBe(200);
    expect(JSON.stringify(await history.json())).toContain(`"decidedAt":"${stored}"`);
    expect((await store.getFeedbackHistory(id)).map((f) => f.decidedAt)).toEqual([stored]);
  });

  it('names the item of a batch, and commits none of it', async () => {
    const [a, b] = [nextId(), nextId()];
    const res = await post('/v1/feedback', { items: [item(a, '2025-03-05T09:00:00Z'), item(b, '1969-07-20T20:17:40Z')] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { path: string } }).error.path).toBe('items.1.decidedAt');
    expect(await store.getFeedbackHistory(a)).toEqual([]);
  });

  it('the store refuses it too, when called directly', async () => {
    await expect(store.writeFeedback([item(nextId(), '0000-01-01T00:00:00+01:00')])).rejects.toMatchObject({ name: 'ZodError' });
  });
});

describe('alert occurredAt bounds', () => {
  it('an alert with an event time outside the bounds fails alone, naming alerts.N.occurredAt; the others are scored', async () => {
    const res = await post('/v1/score', { alerts: [twoAlerts[0], { ...twoAlerts[1], occurredAt: '0000-01-01T00:00:00+01:00' }] });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { score: number | null; decision: string; error?: { path: string; message: string } }[] };
    expect(results[0].score).not.toBeNull();
    expect(results[1]).toMatchObject({
      score: null, decision: 'review',
      error: { path: 'alerts.1.occurredAt', message: `${BOUNDS}; got 0000-01-01T00:00:00+01:00 (-000001-12-31T23:00:00.000Z in UTC)` },
    });
  });

  it.each([
    ['1969-12-31T23:59:59.999Z', false],
    ['1970-01-01T00:00:00.000Z', true],
    ['1970-01-01T00:30:00+01:00', false],
    [LATEST, true],
    ['2026-06-02T12:00:00.001Z', false],
    ['2026-06-02T13:00:00+01:00', true],
  ])('occurredAt %s is accepted: %s', async (occurredAt, ok) => {
    const res = await post('/v1/score', { alerts: [{ ...twoAlerts[0], occurredAt }] });
    const { results } = (await res.json()) as { results: { score: number | null; error?: { path: string } }[] };
    expect(results[0].score !== null).toBe(ok);
    if (!ok) expect(results[0].error?.path).toBe('alerts.0.occurredAt');
  });
});
