/** @module The admin routes over the activation log: who may call them, what they record, and what they refuse. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { newApiKey } from '../../src/http/auth.ts';
import { activationResponseSchema, activationsResponseSchema } from '../../src/http/response-schemas.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { ActivationLog, KyselyActivationLog } from '../../src/store/activation-log.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { addVersion, breakVersion, modelsWithVersions } from '../helpers/model-versions.ts';
import { defaultPolicy } from './helpers.ts';

const scorer = newApiKey('pipeline', ['score']);
const admin = newApiKey('ops', ['admin']);
const analyst = newApiKey('case-tool', ['feedback']);
const keys = [scorer.entry, admin.entry, analyst.entry];

let modelsDir: string;
let registry: ModelRegistry;
let log: KyselyActivationLog;

beforeEach(async () => {
  modelsDir = await modelsWithVersions(['1', '2']);
  registry = await ModelRegistry.open(modelsDir, 'default/1');
  log = await openActivationLog(join(mkdtempSync(join(tmpdir(), 'winnow-log-')), 'winnow.db'));
  await log.record({ model: { name: 'default', version: '1' }, action: 'initial', actor: 'serve@test:1' });
});
afterEach(async () => {
  await registry.close();
  await log.close();
});

type ErrorBody = { error: { code: string; message: string; path?: string } };
function call(app: ReturnType<typeof createApp>, method: string, path: string, key?: string, body?: unknown) {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  return app.request(`http://localhost${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
}
const versions = async () => (await log.history(100)).map((e) => `${e.action}:${e.model.version}:${e.actor}`);

describe('who may call the activation routes', () => {
  it.each([
    ['POST', '/v1/models/default/2/activate', 'no key', undefined, 401, 'missing API key (Authorization: Bearer <key>)'],
    ['POST', '/v1/models/rollback', 'no key', undefined, 401, 'missing API key (Authorization: Bearer <key>)'],
    ['GET', '/v1/models/activations', 'no key', undefined, 401, 'missing API key (Authorization: Bearer <key>)'],
    ['POST', '/v1/models/default/2/activate', 'a score key', scorer.key, 403, "key 'pipeline' lacks the 'admin' scope"],
    ['POST', '/v1/models/rollback', 'a score key', scorer.key, 403, "key 'pipeline' lacks the 'admin' scope"],
    ['GET', '/v1/models/activations', 'a feedback key', analyst.key, 403, "key 'case-tool' lacks the 'score' or 'admin' scope"],
  ])('%s %s with %s → %s', async (method, path, _who, key, status, message) => {
    const app = createApp({ registry, policyFor: defaultPolicy, apiKeys: keys, activations: log });
    const res = await call(app, method, path, key);
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorBody).error.message).toBe(message);
    expect(await versions()).toEqual(['initial:1:serve@test:1']);
  });

  it('lets score and admin keys read the history', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, apiKeys: keys, activations: log });
    expect((await call(app, 'GET', '/v1/models/activations', scorer.key)).status).toBe(200);
    expect((await call(app, 'GET', '/v1/models/activations', admin.key)).status).toBe(200);
  });
});

describe('activate, rollback and history', () => {
  it('activate swaps this replica and records an entry naming the API key', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, apiKeys: keys, activations: log });
    const res = await call(app, 'POST', '/v1/models/default/2/activate', admin.key, { note: 'canary looked good' });
    expect(res.status).toBe(200);
    const body = activationResponseSchema.parse(await res.json());
    expect(body).toMatchObject({ active: { name: 'default', version: '2' }, activation: { model: { name: 'default', version: '2' }, from: { name: 'default', version: '1' }, action: 'activate', actor: 'ops', note: 'canary looked good' } });
    expect(registry.active.version).toBe('2');
    expect(await versions()).toEqual(['activate:2:ops', 'initial:1:serve@test:1']);
  });

  it("records 'anonymous' as the actor when the server runs without keys", async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, activations: log });
    expect((await call(app, 'POST', '/v1/models/default/2/activate')).status).toBe(200);
    expect(await versions()).toEqual(['activate:2:anonymous', 'initial:1:serve@test:1']);
  });

  it('rollback returns to the previous model and records it; history lists newest first', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, apiKeys: keys, activations: log });
    await call(app, 'POST', '/v1/models/default/2/activate', admin.key);
    const res = await call(app, 'POST', '/v1/models/rollback', admin.key);
    expect(res.status).toBe(200);
    expect(activationResponseSchema.parse(await res.json())).toMatchObject({ active: { version: '1' }, activation: { action: 'rollback', model: { version: '1' }, from: { version: '2' }, actor: 'ops' } });
    expect(registry.active.version).toBe('1');
    const history = activationsResponseSchema.parse(await (await call(app, 'GET', '/v1/models/activations', scorer.key)).json());
    expect(history.active).toEqual({ name: 'default', version: '1' });
    expect(history.activations.map((e) => e.action)).toEqual(['rollback', 'activate', 'initial']);
    expect(history.activations.map((e) => e.seq)).toEqual([...history.activations.map((e) => e.seq)].sort((a, b) => b - a));
    const limited = activationsResponseSchema.parse(await (await call(app, 'GET', '/v1/models/activations?limit=1', scorer.key)).json());
    expect(limited.activations.map((e) => e.action)).toEqual(['rollback']);
  });

  it('rollback with nothing before the current model answers 409 and changes nothing', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, activations: log });
    const res = await call(app, 'POST', '/v1/models/rollback');
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'nothing_to_roll_back', message: expect.stringMatching(/^nothing to roll back to: default\/1 is the first entry of the activation log \(#1, initial by serve@test:1 at /) });
    expect(registry.active.version).toBe('1');
  });

  it.each([
    ['a bundle that is not there', 'default/9', 404, 'not_found', /^no bundle default\/9 in /],
    ['a bundle that fails to load', 'default/3', 422, 'activation_failed', /sha256 mismatch.*; the previous model keeps serving and nothing was recorded$/],
  ])('activate of %s answers %s, keeps the old model and records nothing', async (_what, ref, status, code, message) => {
    await addVersion(modelsDir, '3');
    breakVersion(modelsDir, '3');
    const app = createApp({ registry, policyFor: defaultPolicy, activations: log });
    const res = await call(app, 'POST', `/v1/models/${ref}/activate`);
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(registry.active.version).toBe('1');
    expect(await versions()).toEqual(['initial:1:serve@test:1']);
  });

  it('answers 503 and keeps the old model when the log cannot be written', async () => {
    const broken: ActivationLog = { record: async () => { throw new Error('connection terminated'); }, current: () => log.current(), history: (n) => log.history(n) };
    const app = createApp({ registry, policyFor: defaultPolicy, activations: broken });
    const res = await call(app, 'POST', '/v1/models/default/2/activate');
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorBody).error).toEqual({ code: 'store_unavailable', message: 'activation log: connection terminated; nothing was changed' });
    expect(registry.active.version).toBe('1');
  });

  it.each([
    ['a limit of 0', 'GET', '/v1/models/activations?limit=0', undefined, 'limit'],
    ['a limit that is not a number', 'GET', '/v1/models/activations?limit=ten', undefined, 'limit'],
    ['a body that is not JSON', 'POST', '/v1/models/rollback', '{note', '(body)'],
    ['a note that is not text', 'POST', '/v1/models/default/2/activate', { note: 7 }, 'note'],
    ['an unknown field', 'POST', '/v1/models/default/2/activate', { reason: 'x' }, '(body)'],
  ])('refuses %s with 400 naming the field', async (_what, method, path, body, field) => {
    const app = createApp({ registry, policyFor: defaultPolicy, activations: log });
    const res = await call(app, method, path, undefined, body);
    expect(res.status).toBe(400);
    const error = ((await res.json()) as ErrorBody).error;
    expect(error.path ?? '(body)').toBe(field);
    expect(registry.active.version).toBe('1');
  });

  it('without a log, activate stays local and rollback and history answer 404', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy });
    const res = await call(app, 'POST', '/v1/models/default/2/activate');
    expect(activationResponseSchema.parse(await res.json())).toEqual({ active: { name: 'default', version: '2' }, activation: null });
    for (const [method, path] of [['POST', '/v1/models/rollback'], ['GET', '/v1/models/activations']]) {
      const missing = await call(app, method, path);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as ErrorBody).error.code).toBe('not_configured');
    }
  });

  it('documents the routes in /openapi.json', async () => {
    const doc = (await (await call(createApp({ registry, policyFor: defaultPolicy }), 'GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/v1/models/rollback'].post.responses)).toEqual(['200', '404', '409', '413', '422', '503']);
    expect(Object.keys(doc.paths['/v1/models/activations'].get.responses)).toEqual(['200', '400', '404']);
    expect(doc.paths['/v1/models/{name}/{version}/activate'].post.responses).toHaveProperty('503');
  });
});
