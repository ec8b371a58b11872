import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { encodeRecord } from '../../src/features/index.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertFromRecord, recordOf } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { scoreResponseSchema } from '../../src/http/response-schemas.ts';
import { tempModels, defaultPolicy, twoAlerts } from './helpers.ts';

let registry: ModelRegistry;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
});
afterAll(async () => registry.close());

const app = (limits = {}) => createApp({ registry, policyFor: defaultPolicy, limits, maxBodyBytes: 64 * 1024 });
const post = (body: unknown, a = app()) =>
  a.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /v1/score', () => {
  it('scores, ranks and decides every alert with the active model', async () => {
    const res = await post({ alerts: twoAlerts });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.model).toEqual({ name: 'default', version: '1' });
    expect(body.results.map((r: { id: string }) => r.id)).toEqual(['A-1', 'A-2']);
    expect(body.results.map((r: { rank: number }) => r.rank).sort()).toEqual([1, 2]);
    for (const r of body.results) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThan(1);
      expect(['auto_close', 'review', 'escalate']).toContain(r.decision);
      expect(r.degraded).toBe(false);
    }
    // The score is exactly what ONNX Runtime gives the encoded alert.
    const m = registry.active;
    const x = encodeRecord(recordOf(twoAlerts[0]), m.manifest.featureSpec);
    expect(body.results[0].score).toBe((await m.scorer.score(x, 1))[0]);
  });

  it('gives a malformed alert its own error and review, and scores the rest', async () => {
    const res = await post({ alerts: [twoAlerts[0], { id: 'B', attributes: {} }, { ...twoAlerts[1], attributes: { amount_usd: 'lots' } }] });
    expect(res.status).toBe(200);
    const [ok, noRule, badAmount] = ((await res.json()) as { results: Record<string, unknown>[] }).results;
    expect(ok.score).not.toBeNull();
    expect(ok.rank).toBe(1);
    expect(noRule).toMatchObject({ id: 'B', score: null, rank: null, decision: 'review', reason: 'not_scored', error: { path: 'alerts.1.ruleId' } });
    expect(badAmount).toMatchObject({ id: 'A-2', score: null, decision: 'review', error: { path: 'alerts.2.attributes.amount_usd', message: 'expected a number, got "lots"' } });
  });

  it.each([
    ['not JSON', '{"alerts": [', 400, 'invalid_json', undefined],
    ['no alerts', { items: [] }, 400, 'invalid_request', 'alerts'],
    ['an empty batch', { alerts: [] }, 400, 'invalid_request', 'alerts'],
    ['more alerts than the limit', { alerts: [...twoAlerts, ...twoAlerts] }, 400, 'invalid_request', 'alerts'],
  ])('rejects %s with %i and the field path', async (_name, body, status, code, path) => {
    const res = await post(body, app({ maxBatch: 3 }));
    expect(res.status).toBe(status);
    const { error } = (await res.json()) as { error: { code: string; path?: string } };
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await post({ alerts: [{ ...twoAlerts[0], attributes: { note: 'x'.repeat(70_000) } }] });
    expect(res.status).toBe(413);
  });

  it('never answers a random JSON body with a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.json(), fc.record({ alerts: fc.array(fc.jsonValue(), { maxLength: 5 }) }).map((v) => JSON.stringify(v))), async (body) => {
      const res = await post(body);
      expect(res.status).toBeLessThan(500);
    }), { numRuns: 150 });
  });
});

describe('health and models', () => {
  it('reports liveness, readiness and the bundles', async () => {
    expect((await app().request('http://localhost/healthz')).status).toBe(200);
    const ready = await app().request('http://localhost/readyz');
    expect((await ready.json()) as object).toMatchObject({ status: 'ready', model: { name: 'default', version: '1' } });
    const models = (await (await app().request('http://localhost/v1/models')).json()) as { models: unknown[] };
    expect(models.models).toEqual([{ name: 'default', version: '1', active: true }]);
  });

  it('answers readiness with 503 while the store is failing', async () => {
    const res = await createApp({ registry, policyFor: defaultPolicy, storeHealthy: () => false }).request('http://localhost/readyz');
    expect(res.status).toBe(503);
  });

  it('404s an unknown bundle on activation and an unknown route', async () => {
    expect((await app().request('http://localhost/v1/models/default/9/activate', { method: 'POST', headers: { 'content-type': 'application/json' } })).status).toBe(404);
    expect((await app().request('http://localhost/v2/nothing')).status).toBe(404);
  });
});

describe('GET /metrics', () => {
  it('counts requests by route pattern and alerts by decision, and records scores per model', async () => {
    const a = app();
    await post({ alerts: twoAlerts }, a);
    await a.request('http://localhost/v1/decisions/whatever');
    const text = await (await a.request('http://localhost/metrics')).text();
    expect(text).toMatch(/winnow_http_requests_total\{route="\/v1\/score",method="POST",status="200"\} 1/);
    expect(text).toMatch(/winnow_http_requests_total\{route="\/v1\/decisions\/:alertId",method="GET",status="404"\} 1/);
    expect(text).toMatch(/winnow_alerts_total\{decision="(review|auto_close|escalate)",band="\w+",reason="score",model="default\/1"\} \d/);
    expect(text).toMatch(/winnow_score_count\{model="default\/1"\} 2/);
  });
});

describe('winnow_alerts_total', () => {
  it('counts every returned decision under its own labels, batch after batch', async () => {
    const a = app();
    const alerts = Array.from(generateAlerts({ rows: 60, seed: 11 }), (row) => alertFromRecord(row));
    const expected = new Map<string, number>();
    for (const batch of [alerts.slice(0, 25), alerts.slice(25), [alerts[0], { id: 'bad', ruleId: 7 }]]) {
      const body = (await (await post({ alerts: batch }, a)).json()) as { results: { decision: string; band: string | null; reason: string }[] };
      for (const r of body.results) {
        const key = `decision="${r.decision}",band="${r.band ?? 'unscored'}",reason="${r.reason}",model="default/1"`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const text = await (await a.request('http://localhost/metrics')).text();
    const counted = new Map(text.split('\n').filter((l) => l.startsWith('winnow_alerts_total{')).map((l) => [l.slice(l.indexOf('{') + 1, l.lastIndexOf('}')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
    expect(counted).toEqual(expected);
    expect([...expected.values()].reduce((x, y) => x + y, 0)).toBe(62);
  });
});

describe('GET /openapi.json', () => {
  it('documents every route, and real responses match the documented response schema', async () => {
    const doc = (await (await app().request('http://localhost/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/score', '/v1/models', '/v1/models/{name}/{version}/activate', '/v1/decisions/{alertId}', '/healthz', '/readyz', '/metrics']));
    const body = await (await post({ alerts: [...twoAlerts, { id: 'X' }] })).json();
    expect(() => scoreResponseSchema.parse(body)).not.toThrow();
  });
});
