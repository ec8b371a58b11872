/**
 * @module What a web page in the user's browser can make it send (issue 15, item 7): a CORS
 * "simple request" (text/plain, form, no body type), a foreign Origin, or a foreign Host after DNS
 * rebinding. None may change anything; the server's own clients keep working.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { newApiKey } from '../../src/http/auth.ts';
import { type RunningServer, startServer } from '../../src/http/server.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { KyselyActivationLog } from '../../src/store/activation-log.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { modelsWithVersions } from '../helpers/model-versions.ts';
import { defaultPolicy, twoAlerts } from './helpers.ts';

type ErrorBody = { error: { code: string; message: string } };
const JSON_TYPE = { 'content-type': 'application/json' };

let registry: ModelRegistry;
let log: KyselyActivationLog;
beforeEach(async () => {
  registry = await ModelRegistry.open(await modelsWithVersions(['1', '2']), 'default/1');
  log = await openActivationLog(join(mkdtempSync(join(tmpdir(), 'winnow-log-')), 'winnow.db'));
  await log.record({ model: { name: 'default', version: '1' }, action: 'initial', actor: 'serve@test:1' });
});
afterEach(async () => {
  await registry.close();
  await log.close();
});

const entries = async () => (await log.history(100)).map((e) => `${e.action}:${e.model.version}`);
const error = async (res: Response) => ((await res.json()) as ErrorBody).error;

/** Every store call fails the test: a refused request must not reach one. */
const untouchable = new Proxy({}, { get: (_t, name) => () => { throw new Error(`store.${String(name)} called`); } });

describe('state-changing requests must be declared JSON', () => {
  it('refuses the issue reproduction (text/plain, empty body, no keys) with 415 and records nothing', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, activations: log });
    const res = await app.request('http://localhost/v1/models/default/2/activate', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' });
    expect(res.status).toBe(415);
    expect(await error(res)).toEqual({
      code: 'unsupported_media_type',
      message: "POST /v1/models/default/2/activate needs 'Content-Type: application/json' (got 'text/plain'), even with an empty body: any web page can make a browser send other types here",
    });
    expect(registry.active.version).toBe('1');
    expect(await entries()).toEqual(['initial:1']);
  });

  it.each([
    ['no Content-Type', undefined, 'none'],
    ['a form', 'application/x-www-form-urlencoded', "'application/x-www-form-urlencoded'"],
    ['multipart', 'multipart/form-data; boundary=x', "'multipart/form-data; boundary=x'"],
    ['text/plain with a charset', 'text/plain;charset=UTF-8', "'text/plain;charset=UTF-8'"],
  ])('refuses %s with 415, then accepts the same activation declared JSON (empty body still allowed)', async (_what, type, got) => {
    const app = createApp({ registry, policyFor: defaultPolicy, activations: log });
    const url = 'http://localhost/v1/models/default/2/activate';
    const refused = await app.request(url, { method: 'POST', headers: type ? { 'content-type': type } : {} });
    expect(refused.status).toBe(415);
    expect((await error(refused)).message).toContain(`(got ${got})`);
    expect(await entries()).toEqual(['initial:1']);
    const ok = await app.request(url, { method: 'POST', headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
    expect(ok.status).toBe(200);
    expect(registry.active.version).toBe('2');
    expect(await entries()).toEqual(['activate:2', 'initial:1']);
  });

  it('refuses text/plain on every POST, PUT, PATCH or DELETE route the app has, before any store is touched', async () => {
    const app = createApp({
      registry, policyFor: defaultPolicy, activations: untouchable as never, feedback: untouchable as never, decisions: untouchable as never,
      experiments: { current: () => undefined, routes: { store: untouchable as never } },
    });
    const routes = app.routes.filter((r) => !['GET', 'ALL'].includes(r.method));
    expect(new Set(routes.map((r) => r.path))).toEqual(new Set(['/v1/score', '/v1/feedback', '/v1/models/rollback', '/v1/models/:name/:version/activate', '/v1/experiments', '/v1/experiments/:id/stop',
      '/v1/adapters/jube', '/v1/adapters/tazama/triage', '/v2/models/:name/infer', '/v2/models/:name/versions/:version/infer']));
    for (const { method, path } of routes) {
      const concrete = path.replace(/:(\w+)/g, (_m, p: string) => (p === 'version' ? '2' : p === 'name' ? 'default' : 'x'));
      const res = await app.request(`http://localhost${concrete}`, { method, headers: { 'content-type': 'text/plain' }, body: '{"alerts":[],"alertId":"a","items":[{}]}' });
      // Under /v2 errors take the Open Inference Protocol's shape, {"error": "<message>"}.
      const body = (await res.json()) as { error: { code: string } | string };
      const code = typeof body.error === 'string' ? (/application\/json/.test(body.error) ? 'unsupported_media_type' : body.error) : body.error.code;
      expect({ path, status: res.status, code }).toEqual({ path, status: 415, code: 'unsupported_media_type' });
    }
    expect(registry.active.version).toBe('1');
  });

  it('with keys: no key is still 401, an admin key with text/plain is 415', async () => {
    const admin = newApiKey('ops', ['admin']);
    const app = createApp({ registry, policyFor: defaultPolicy, activations: log, apiKeys: [admin.entry] });
    const url = 'http://localhost/v1/models/default/2/activate';
    expect((await app.request(url, { method: 'POST', headers: { 'content-type': 'text/plain' } })).status).toBe(401);
    expect((await app.request(url, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${admin.key}` } })).status).toBe(415);
    expect(await entries()).toEqual(['initial:1']);
  });
});

describe('Origin and Host', () => {
  const app = (extra: Partial<Parameters<typeof createApp>[0]> = {}) => createApp({ registry, policyFor: defaultPolicy, activations: log, ...extra });
  const activate = (a: ReturnType<typeof createApp>, url: string, headers: Record<string, string> = {}) =>
    a.request(url, { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: '{"note":"x"}' });

  it('refuses a cross-origin Origin with 403 and changes nothing; the same origin is served', async () => {
    const a = app();
    const res = await activate(a, 'http://localhost:8080/v1/models/default/2/activate', { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await error(res)).toEqual({
      code: 'origin_not_allowed',
      message: "Origin 'https://evil.example' is not this server's own (http://localhost:8080): browsers send it for pages of other sites, which must not act here. "
        + "If pages at that origin reach this server through a proxy, allow it with 'winnow serve --allowed-origin https://evil.example' (or WINNOW_ALLOWED_ORIGINS)",
    });
    expect(await entries()).toEqual(['initial:1']);
    // Reads too: a page must not read the decisions of another origin's server.
    expect((await a.request('http://localhost:8080/v1/models', { headers: { origin: 'http://localhost:3000' } })).status).toBe(403);
    expect((await a.request('http://localhost:8080/v1/models', { headers: { origin: 'null' } })).status).toBe(403);
    expect((await activate(a, 'http://localhost:8080/v1/models/default/2/activate', { origin: 'http://localhost:8080' })).status).toBe(200);
    expect(await entries()).toEqual(['activate:2', 'initial:1']);
  });

  it('admits an origin the operator allowed', async () => {
    const a = app({ origins: { allowedOrigins: ['https://ops.example'] } });
    expect((await activate(a, 'http://localhost:8080/v1/models/default/2/activate', { origin: 'https://ops.example' })).status).toBe(200);
    expect((await activate(a, 'http://localhost:8080/v1/models/default/1/activate', { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('without keys, refuses a foreign Host (DNS rebinding) with 403 and answers the loopback names', async () => {
    const a = app();
    const res = await activate(a, 'http://evil.example:8080/v1/models/default/2/activate', { origin: 'http://evil.example:8080' });
    expect(res.status).toBe(403);
    expect(await error(res)).toEqual({
      code: 'host_not_allowed',
      message: "Host 'evil.example:8080' is not one this server answers to (localhost, 127.0.0.1, [::1]): a web page whose DNS name points here could otherwise call it from a browser. "
        + "If clients really address it so, allow it with 'winnow serve --allowed-host evil.example' (or WINNOW_ALLOWED_HOSTS)",
    });
    expect((await a.request('http://localhost/v1/models', { headers: { host: 'evil.example' } })).status).toBe(403);
    expect(await entries()).toEqual(['initial:1']);
    for (const host of ['localhost', '127.0.0.1:8080', '[::1]:9']) {
      expect((await a.request(`http://${host}/healthz`)).status, host).toBe(200);
    }
  });

  it('answers the listening host and allowed hosts; with keys, the Host is checked only once hosts are listed', async () => {
    const a = app({ origins: { listenHost: '127.0.0.2', allowedHosts: ['winnow.internal', 'proxy.example:443'] } });
    for (const [host, status] of [['127.0.0.2:8080', 200], ['winnow.internal:8080', 200], ['proxy.example:443', 200], ['proxy.example:8443', 403], ['evil.example', 403]] as const) {
      expect((await a.request(`http://${host}/healthz`)).status, host).toBe(status);
    }
    const scorer = newApiKey('pipeline', ['score']);
    const keyed = app({ apiKeys: [scorer.entry] });
    expect((await keyed.request('http://10.1.2.3:8080/healthz')).status).toBe(200);
    const keyedListed = app({ apiKeys: [scorer.entry], origins: { allowedHosts: ['winnow.internal'] } });
    expect((await keyedListed.request('http://10.1.2.3:8080/healthz')).status).toBe(403);
    expect((await keyedListed.request('http://winnow.internal/healthz')).status).toBe(200);
  });
});

describe('/metrics and /openapi.json with API keys', () => {
  const scorer = newApiKey('pipeline', ['score']);
  const scraper = newApiKey('prometheus', ['metrics']);
  const admin = newApiKey('ops', ['admin']);
  const keys = [scorer.entry, scraper.entry, admin.entry];
  const get = (a: ReturnType<typeof createApp>, path: string, key?: string) => a.request(`http://localhost${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('needs a key with the metrics or admin scope for /metrics; /openapi.json stays public', async () => {
    const a = createApp({ registry, policyFor: defaultPolicy, apiKeys: keys });
    const anonymous = await get(a, '/metrics');
    expect(anonymous.status).toBe(401);
    expect((await error(anonymous)).message).toBe('missing API key (Authorization: Bearer <key>)');
    const wrongScope = await get(a, '/metrics', scorer.key);
    expect(wrongScope.status).toBe(403);
    expect((await error(wrongScope)).message).toBe("key 'pipeline' lacks the 'metrics' or 'admin' scope");
    for (const key of [scraper.key, admin.key]) {
      const res = await get(a, '/metrics', key);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('winnow_http_requests_total');
    }
    expect((await get(a, '/openapi.json')).status).toBe(200);
    // The metrics scope reads metrics, nothing else.
    expect((await get(a, '/v1/models', scraper.key)).status).toBe(403);
  });

  it('serves /metrics without a key with publicMetrics (serve --public-metrics), and without keys as before', async () => {
    const pub = createApp({ registry, policyFor: defaultPolicy, apiKeys: keys, publicMetrics: true });
    expect((await get(pub, '/metrics')).status).toBe(200);
    expect((await get(pub, '/v1/models')).status).toBe(401);
    expect((await get(createApp({ registry, policyFor: defaultPolicy }), '/metrics')).status).toBe(200);
    const locked = createApp({ registry, policyFor: defaultPolicy, apiKeys: keys });
    expect((await get(locked, '/metrics')).status).toBe(401);
  });
});

describe('over a real socket', () => {
  let server: RunningServer;
  afterEach(async () => server?.close());

  /** A raw request, so Host and Origin can be whatever a browser might send. */
  function send(path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; json: ErrorBody & Record<string, unknown> }> {
    const url = new URL(path, server.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(parts).toString()) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses text/plain, a foreign Origin and a foreign Host, and serves same-origin JSON', async () => {
    server = await startServer(createApp({ registry, policyFor: defaultPolicy, activations: log }), '127.0.0.1', 0);
    const own = new URL(server.url).host;
    const activate = '/v1/models/default/2/activate';
    expect((await send(activate, { 'content-type': 'text/plain' })).status).toBe(415);
    // A body the refusal does not read must not upset the connection or the next request.
    expect((await send(activate, { 'content-type': 'text/plain' }, '{"note":"sneaky"}')).json.error.code).toBe('unsupported_media_type');
    expect((await send(activate, { ...JSON_TYPE, origin: 'https://evil.example' })).json.error.code).toBe('origin_not_allowed');
    expect((await send(activate, { ...JSON_TYPE, host: `evil.example:${new URL(server.url).port}` })).json.error.code).toBe('host_not_allowed');
    expect(await entries()).toEqual(['initial:1']);
    expect(registry.active.version).toBe('1');

    const scored = await fetch(`${server.url}/v1/score`, { method: 'POST', headers: { ...JSON_TYPE, origin: `http://${own}` }, body: JSON.stringify({ alerts: twoAlerts }) });
    expect(scored.status).toBe(200);
    const ok = await send(activate, { ...JSON_TYPE, origin: `http://${own}` }, '{"note":"from the console"}');
    expect(ok.status).toBe(200);
    expect(await entries()).toEqual(['activate:2', 'initial:1']);
  });
});
