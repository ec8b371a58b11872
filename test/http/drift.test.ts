/** @module GET /v1/models/{name}/{version}/drift and the drift gauges, over the default bundle and over one without references. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/drift-report.ts';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { defaultPolicy, tempModels, twoAlerts } from './helpers.ts';

let registry: ModelRegistry;
let oldRegistry: ModelRegistry;

beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  // A manifest from before drift monitoring: no reference distributions at all.
  const old = tempModels();
  const file = join(old, 'default', '1', 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  delete m.reference;
  delete m.scoreReference;
  writeFileSync(file, JSON.stringify(m, null, 2));
  oldRegistry = await ModelRegistry.open(old);
});
afterAll(async () => {
  await registry.close();
  await oldRegistry.close();
});

const score = (app: ReturnType<typeof createApp>) =>
  app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: [...twoAlerts, { id: 'bad', ruleId: 'tm_x', attributes: { amount_usd: 'lots' } }] }) });

describe('drift over HTTP', () => {
  it('reports PSI per feature and for the score over the alerts scored so far', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy });
    expect((await score(app)).status).toBe(200);
    const res = await app.request('http://localhost/v1/models/default/1/drift');
    expect(res.status).toBe(200);
    const body = (await res.json()) as DriftReport & { model: unknown; windowCapacity: number };
    // The malformed alert was not scored, so it is not in the window.
    expect(body).toMatchObject({ model: { name: 'default', version: '1' }, windowSize: 2, windowCapacity: 10_000, thresholds: { moderate: 0.1, major: 0.25 } });
    expect(body.features).toHaveLength(registry.active.manifest.featureSpec.features.length);
    const amount = body.features.find((f) => f.name === 'amount_usd')!;
    expect(amount.reference).toHaveLength(amount.edges.length + 2);
    expect(amount.current.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(body.score!.psi).toBeGreaterThan(0);
    const metrics = await (await app.request('http://localhost/metrics')).text();
    expect(metrics).toMatch(/winnow_drift_psi\{model="default\/1",feature="score"\} [0-9.]+/);
    expect(metrics).toContain('winnow_drift_window_alerts{model="default/1"} 2');
  });

  it('answers 404 for a model this process has not scored with', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy });
    const res = await app.request('http://localhost/v1/models/default/1/drift');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('no_data');
  });

  it('keeps serving a bundle without reference distributions, with no drift for it', async () => {
    const app = createApp({ registry: oldRegistry, policyFor: defaultPolicy });
    expect((await score(app)).status).toBe(200);
    expect((await app.request('http://localhost/v1/models/default/1/drift')).status).toBe(404);
    expect(await (await app.request('http://localhost/metrics')).text()).not.toContain('winnow_drift_psi{');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await createApp({ registry, policyFor: defaultPolicy }).request('http://localhost/openapi.json')).json()) as { paths: Record<string, { get: { responses: object } }> };
    expect(Object.keys(doc.paths['/v1/models/{name}/{version}/drift'].get.responses)).toEqual(['200', '404']);
  });
});
