/**
 * Hostile input on every console route, found from the app's own route table (so pages added later
 * are covered too): random query strings and path segments on every GET page, random forms (with a
 * valid session and CSRF token, so they reach the handlers) on every POST, wrong content types and
 * oversized bodies. No request may get a 5xx; refusals are plain text that names what was wrong.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { defaultPolicy, tempModels, twoAlerts } from '../http/helpers.ts';

const quiet = { info() {}, warn() {}, error() {} };
const RUNS = 300;

let registry: ModelRegistry;
let store: DecisionStore;
let log: Awaited<ReturnType<typeof openActivationLog>>;
let writer: BatchingWriter;
let app: ReturnType<typeof createApp>;
let cookie: string;
let csrf: string;

beforeAll(async () => {
  const models = tempModels();
  registry = await ModelRegistry.open(models);
  const dir = mkdtempSync(join(tmpdir(), 'winnow-console-fuzz-'));
  store = await openWorkerStore(join(dir, 'winnow.db'));
  await store.init();
  log = await openActivationLog(join(dir, 'winnow.db'));
  writer = new BatchingWriter({ store, logger: quiet, flushIntervalMs: 0 });
  const follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: ['scr_sanctions'] }, intervalMs: 60_000, logger: quiet });
  app = createApp({
    registry, policyFor: defaultPolicy, decisions: store, feedback: store, activations: log, storeHealthy: () => writer.healthy(),
    record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
    experiments: { current: () => follower.current(), routes: { store, prepare: (d) => follower.prepare(d), onChange: () => follower.poll() } },
    console: { store, positive: ['true_positive', 'sar_filed'] },
  });
  const scored = await app.request('/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: twoAlerts }) });
  expect(scored.status).toBe(200);
  const home = await app.request('/');
  cookie = home.headers.get('set-cookie')!.split(';')[0];
  csrf = /name="_csrf" value="([^"]+)"/.exec(await (await app.request('/alerts/A-1', { headers: { cookie } })).text())![1];
}, 60_000);
afterAll(async () => {
  await writer.close();
  await log.close();
  await store.close();
  await registry.close();
});

/** The console's routes, from the app's table: everything that is not the API, metrics or health. */
function consoleRoutes(method: 'GET' | 'POST'): string[] {
  const api = /^\/(v1|v2|openapi\.json|metrics|healthz|readyz)(\/|$)/;
  return [...new Set(app.routes.filter((r) => r.method === method && !api.test(r.path) && !r.path.includes('*')).map((r) => r.path))];
}

const nasty = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\ud83d\ude00', '\u202e', '%', '%00', '%ZZ', '..', '../..', '/', 'null', 'NaN', '-1', '1e309', '0.5:1', 'null:1', '2026-02-30', '9999-99-99', '<script>alert(1)</script>'),
  fc.integer({ min: 1, max: 4 }).map((k) => 'x'.repeat(k * 2_000)),
);
const FIELDS = ['days', 'rule', 'segment', 'band', 'decision', 'from', 'to', 'labelled', 'after', 'model', 'recall', 'budget', 'period', 'policy', 'id', 'name', 'version', 'disposition', 'analystId', 'note', 'reason', 'idempotencyKey', 'decidedAt'];
const params = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), nasty), nasty), { maxLength: 6 });

/** Lone surrogates cannot be percent-encoded as UTF-8; send the bytes a hostile client would (CESU-style), raw. */
function escapeText(text: string): string {
  return text.split(/([\ud800-\udfff])/).map((part, i) => (i % 2 === 1 ? `%ED%${(0xa0 + ((part.charCodeAt(0) >> 6) & 0x1f)).toString(16)}%${(0x80 + (part.charCodeAt(0) & 0x3f)).toString(16)}` : encodeURIComponent(part))).join('');
}

/** A path with each `:param` replaced by a hostile segment. */
function fill(path: string, segment: string): string {
  return path.replace(/:[A-Za-z]+/g, () => escapeText(segment));
}

function encode(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${escapeText(k)}=${escapeText(v)}`).join('&');
}

describe('console routes under hostile input', () => {
  it('finds the console pages in the route table', () => {
    // The API reference page (/docs) is a page too; both asset routes get the same hostile segments.
    expect(consoleRoutes('GET')).toEqual(expect.arrayContaining(['/', '/queue', '/alerts/:alertId', '/login', '/docs', '/docs/assets/:name', '/console/assets/:name']));
    expect(consoleRoutes('POST')).toEqual(expect.arrayContaining(['/alerts/:alertId/disposition', '/login', '/logout']));
  });

  it('no GET page answers 5xx to random query strings and path segments', async () => {
    const routes = consoleRoutes('GET').filter((r) => r !== '/logout');
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), nasty, params, async (route, segment, query) => {
      const res = await app.request(`${fill(route, segment)}?${encode(query)}`, { headers: { cookie } });
      const body = await res.text();
      expect(res.status, `${route} ${body.slice(0, 300)}`).toBeLessThan(500);
      if (res.status >= 400) expect(body.length).toBeGreaterThan(10);
    }), { numRuns: RUNS * routes.length, seed: 1616 });
  });

  it('no form POST answers 5xx to random fields (with a valid session and token)', async () => {
    const routes = consoleRoutes('POST').filter((r) => r !== '/logout');
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), nasty, params, async (route, segment, fields) => {
      const res = await app.request(fill(route, segment), {
        method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `${encode(fields)}&_csrf=${csrf}`,
      });
      const body = await res.text();
      expect(res.status, `${route} ${body.slice(0, 300)}`).toBeLessThan(500);
    }), { numRuns: RUNS * routes.length, seed: 1617 });
  });

  it('refuses forms without the token, of the wrong type, or too large, before acting', async () => {
    for (const route of consoleRoutes('POST').filter((r) => r !== '/login')) {
      const path = fill(route, 'A-1');
      const noToken = await app.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'disposition=true_positive' });
      expect(noToken.status, route).toBe(403);
      const json = await app.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ _csrf: csrf }) });
      expect(json.status, route).toBe(415);
      const huge = await app.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}&note=${'x'.repeat(100_000)}` });
      expect(huge.status, route).toBe(413);
    }
    // Nothing was recorded by any of them.
    expect(await store.getFeedbackHistory('A-1')).toEqual([]);
  });

  it('sends pages with a strict content security policy and no caching', async () => {
    const res = await app.request('/queue', { headers: { cookie } });
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('escapes what alerts carried: an alert id with markup shows as text', async () => {
    const id = '<img src=x onerror=alert(1)>';
    const res = await app.request('/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: [{ ...twoAlerts[0], id }] }) });
    expect(res.status).toBe(200);
    const page = await (await app.request(`/alerts/${encodeURIComponent(id)}`, { headers: { cookie } })).text();
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
