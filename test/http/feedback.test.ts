import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { newApiKey } from '../../src/http/auth.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { makeRecord } from '../store/fixtures.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

let registry: ModelRegistry;
let store: DecisionStore;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  store = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-fb-')), 'winnow.db'));
  await store.writeDecisions([makeRecord(1), makeRecord(2)]);
});
afterAll(async () => {
  await registry.close();
  await store.close();
});

const analyst = newApiKey('case-tool', ['feedback']);
const pipeline = newApiKey('pipeline', ['score']);
const app = () => createApp({ registry, policyFor: defaultPolicy, feedback: store, apiKeys: [analyst.entry, pipeline.entry] });
const post = (body: unknown, key = analyst.key) =>
  app().request('http://localhost/v1/feedback', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const item = (alertId: string, disposition: string, extra: object = {}) => ({ alertId, disposition, analystId: 'an-1', decidedAt: '2025-03-05T09:00:00Z', ...extra });

describe('POST /v1/feedback', () => {
  it('commits a single item (201), and a retry answers 200 as a duplicate', async () => {
    const first = await post(item('a-1', 'false_positive'));
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ alertId: 'a-1', status: 'created', matched: true });
    const retry = await post(item('a-1', 'false_positive'));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ alertId: 'a-1', status: 'duplicate' });
  });

  it('commits a batch, keeping feedback for an alert it never scored but saying so', async () => {
    const res = await post({ items: [item('a-2', 'sar_filed'), item('ghost-9', 'true_positive')] });
    expect(res.status).toBe(201);
    const { results } = (await res.json()) as { results: { alertId: string; matched: boolean; warning?: string }[] };
    expect(results.map((r) => r.matched)).toEqual([true, false]);
    expect(results[1].warning).toContain("no decision is recorded for alert 'ghost-9'");
    expect((await store.getFeedbackHistory('ghost-9')).length).toBe(1);
  });

  it.each([
    ['a bad disposition in a batch', { items: [item('a-1', 'true_positive'), item('a-2', 'maybe')] }, 400, 'items.1.disposition'],
    ['a bad time in a single item', item('a-1', 'true_positive', { decidedAt: 'last tuesday' }), 400, 'decidedAt'],
    ['an unknown field', item('a-1', 'true_positive', { analyst: 'x' }), 400, '(body)'],
    ['neither an item nor a batch', { feedback: [] }, 400, '(body)'],
    ['an empty batch', { items: [] }, 400, '(body)'],
  ])('refuses %s with %s naming %s, writing nothing', async (_name, body, status, path) => {
    const before = (await store.listFeedback({ limit: 10_000 })).length;
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { path: string } }).error.path).toBe(path);
    expect((await store.listFeedback({ limit: 10_000 })).length).toBe(before);
  });

  it('answers 409 when an idempotency key comes back with different content', async () => {
    expect((await post(item('a-1', 'true_positive', { idempotencyKey: 'k-1' }))).status).toBe(201);
    const res = await post({ items: [item('a-1', 'false_positive', { idempotencyKey: 'k-1' })] });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { path: string } }).error.path).toBe('items.0.idempotencyKey');
  });

  it('needs the feedback scope', async () => {
    expect((await post(item('a-1', 'true_positive'), pipeline.key)).status).toBe(403);
    expect((await app().request('http://localhost/v1/feedback', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('answers 503 and commits nothing when the store fails, so the client retries', async () => {
    const closed = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-fb-')), 'winnow.db'));
    await closed.close();
    const res = await createApp({ registry, policyFor: defaultPolicy, feedback: closed }).request('http://localhost/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item('a-1', 'true_positive')) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
  });
});

describe('GET /v1/feedback/{alertId}', () => {
  it('returns the history and the current label (a correction wins by decision time)', async () => {
    await post(item('a-2', 'false_positive', { decidedAt: '2025-03-06T09:00:00Z', note: 'customer explained' }));
    const res = await app().request('http://localhost/v1/feedback/a-2', { headers: { authorization: `Bearer ${analyst.key}` } });
    const body = (await res.json()) as { current: { disposition: string }; history: { disposition: string }[] };
    expect(body.history.map((f) => f.disposition)).toEqual(['sar_filed', 'false_positive']);
    expect(body.current.disposition).toBe('false_positive');
    expect((await app().request('http://localhost/v1/feedback/none', { headers: { authorization: `Bearer ${analyst.key}` } })).status).toBe(404);
  });
});
