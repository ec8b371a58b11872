/**
 * @module A value nested thousands deep (issue 15, item 1): feedback answers 400 naming the field,
 * not 503, and the store's thread stays usable. Through the real worker-thread store `winnow
 * serve` uses, where the failure was: cloning such a value for the thread threw, and the call's
 * pending entry was never removed (about 290 KB leaked per request).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

const DEPTH = 5_000;
const deepText = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deep = () => JSON.parse(deepText) as unknown;

let registry: ModelRegistry;
let store: DecisionStore;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  store = await openWorkerStore(join(mkdtempSync(join(tmpdir(), 'winnow-deep-')), 'winnow.db'));
  await store.init();
});
afterAll(async () => {
  await store.close();
  await registry.close();
});

describe('a value nested 5,000 deep', () => {
  it('gets 400 naming the field from POST /v1/feedback, and the store keeps working', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, feedback: store });
    const item = { alertId: 'A-1', disposition: 'false_positive', analystId: 'ann', decidedAt: '2026-01-01T00:00:00Z' };
    // Written as text: JSON.stringify itself cannot go 5,000 deep.
    const one = JSON.stringify(item);
    const bodies = [[`${one.slice(0, -1)},"note":${deepText}}`, 'note'], [`{"items":[${one},${one.slice(0, -1).replace('"analystId":"ann"', `"analystId":${deepText}`)}}]}`, 'items.1.analystId']] as const;
    for (const [body, path] of bodies) {
      const res = await app.request('http://localhost/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_feedback', path } });
    }
    const ok = await app.request('http://localhost/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
    expect(ok.status).toBe(201);
  });

  it('fails a store call whose arguments cannot cross to the thread, at once, and the next call works', async () => {
    await expect(store.createExperiment({ id: 'x', arms: deep() }, 'test')).rejects.toThrow(/call stack/);
    expect(await store.health()).toEqual({ ok: true });
  });
});
