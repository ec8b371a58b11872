/**
 * @module POST /v1/score past the explanation budget (issue 15, item 5): the alerts left without
 * reasons say so in `reasonsUnavailable`, keep score and decision, and are counted in /metrics.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { scoreResponseSchema } from '../../src/http/response-schemas.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

let registry: ModelRegistry;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
});
afterAll(async () => registry.close());

const alerts = Array.from(generateAlerts({ rows: 200, seed: 8 }), (a) => alertFromRecord(a));

it('answers alerts past a 1-ms budget with their score and decision, reasonsUnavailable, and counts them', async () => {
  const app = createApp({ registry, policyFor: defaultPolicy, explainBudgetMs: 1 });
  const post = (explain: number) =>
    app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts, explain }) });
  const plain = scoreResponseSchema.parse(await (await post(0)).json());
  const res = await post(20);
  expect(res.status).toBe(200);
  const body = scoreResponseSchema.parse(await res.json());
  const cut = body.results.filter((r) => r.reasonsUnavailable !== undefined);
  expect(cut.length).toBeGreaterThan(0);
  for (const r of body.results) {
    const { reasons, reasonsUnavailable, ...verdict } = r;
    expect(verdict).toEqual(plain.results[r.index]);
    expect(reasons === undefined).toBe(reasonsUnavailable !== undefined);
  }
  expect(cut[0].reasonsUnavailable).toBe('explanation budget of 1 ms exceeded: scored and decided as usual, without reason codes');
  expect(cut[0]).not.toHaveProperty('reasonsOverBudget');
  const metrics = await (await app.request('http://localhost/metrics')).text();
  expect(metrics).toContain(`winnow_reasons_over_budget_total{model="default/1"} ${cut.length}`);
});
