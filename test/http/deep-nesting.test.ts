/**
 * @module A value nested thousands deep (issue 15, item 1): every route refuses it at parse time (400 too_deep),
 * not 503, and the store's thread stays usable. Through the real worker-thread store `winnow
 * serve` uses, where the failure was: cloning such a value for the thread threw, and the call's
 * pending entry was never removed (about 290 KB leaked per request).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { tooDeepAt } from '../../src/http/json-depth.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

const DEPTH = 5_000;
const deepText = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deep = () => JSON.parse(deepText) as unknown;

let models: string;
let registry: ModelRegistry;
let store: DecisionStore;
beforeAll(async () => {
  models = tempModels();
  registry = await ModelRegistry.open(models);
  store = await openWorkerStore(join(mkdtempSync(join(tmpdir(), 'winnow-deep-')), 'winnow.db'));
  await store.init();
});
afterAll(async () => {
  await store.close();
  await registry.close();
});

describe('a value nested 5,000 deep', () => {
  it('gets 400 too_deep from POST /v1/feedback before anything walks it, and the store keeps working', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, feedback: store });
    const item = { alertId: 'A-1', disposition: 'false_positive', analystId: 'ann', decidedAt: '2026-01-01T00:00:00Z' };
    // Written as text: JSON.stringify itself cannot go 5,000 deep.
    const one = JSON.stringify(item);
    const bodies = [`${one.slice(0, -1)},"note":${deepText}}`, `{"items":[${one},${one.slice(0, -1).replace('"analystId":"ann"', `"analystId":${deepText}`)}}]}`];
    for (const body of bodies) {
      const res = await app.request('http://localhost/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'too_deep' } });
    }
    // Within the limit, the schema judges the value and names the field.
    const shallow = `${one.slice(0, -1)},"note":${'['.repeat(20)}${']'.repeat(20)}}`;
    const res = await app.request('http://localhost/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: shallow });
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_feedback', path: 'note' } });
    const ok = await app.request('http://localhost/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
    expect(ok.status).toBe(201);
  });

  it('is refused at parse time on every JSON route, at 65 levels, whatever the brackets hide in strings', async () => {
    const follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: [] }, intervalMs: 60_000, logger: { info() {}, warn() {}, error() {} } });
    const activations = await openActivationLog(join(mkdtempSync(join(tmpdir(), 'winnow-deep-log-')), 'winnow.db'));
    const app = createApp({
      registry, policyFor: defaultPolicy, feedback: store, decisions: store, activations,
      experiments: { current: () => follower.current(), routes: { store, prepare: (d) => follower.prepare(d), onChange: () => follower.poll() } },
    });
    const routes = ['/v1/score', '/v1/feedback', '/v1/experiments', '/v1/experiments/x/stop', '/v1/models/rollback', '/v1/models/default/1/activate'];
    // 64 levels pass the depth check (and get whatever the route says of them); 65 do not. Brackets
    // inside strings, escaped quotes included, are not nesting.
    const nest = (depth: number) => `{"note":"[[[{{\\\"[[","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    expect(tooDeepAt(nest(64))).toBe(-1);
    expect(tooDeepAt(nest(65))).toBeGreaterThan(0);
    for (const path of routes) {
      const res = await app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: nest(65) });
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ error: { code: 'too_deep' } });
      const ok = await app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: nest(64) });
      expect(((await ok.json()) as { error?: { code: string } }).error?.code, path).not.toBe('too_deep');
    }
    await activations.close();
  });

  it('fails a store call whose arguments cannot cross to the thread, at once, and the next call works', async () => {
    await expect(store.createExperiment({ id: 'x', arms: deep() }, 'test')).rejects.toThrow(/call stack/);
    expect(await store.health()).toEqual({ ok: true });
  });
});
