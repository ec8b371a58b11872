import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

let registry: ModelRegistry;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
});
afterAll(async () => registry.close());

/** Synthetic alerts in the API's shape. */
function apiAlerts(rows: number, seed: number) {
  return Array.from(generateAlerts({ rows, seed }), (a) => alertFromRecord(a));
}

describe('guardrails on real traffic', () => {
  it('never auto-closes a sanctions alert, and samples some would-be closures for review', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy });
    const alerts = apiAlerts(1000, 5);
    const res = await app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts }) });
    const { results } = (await res.json()) as { results: { id: string; decision: string; reason: string; sample: boolean; score: number }[] };
    expect(results).toHaveLength(1000);
    const sanctions = results.filter((_, i) => alerts[i].ruleId === 'scr_sanctions');
    expect(sanctions.length).toBeGreaterThan(0);
    expect(sanctions.some((r) => r.decision === 'auto_close')).toBe(false);
    expect(sanctions.some((r) => r.reason === 'never_suppress')).toBe(true);
    const closed = results.filter((r) => r.decision === 'auto_close').length;
    const sampled = results.filter((r) => r.sample);
    expect(closed).toBeGreaterThan(100);
    for (const r of sampled) expect(r).toMatchObject({ decision: 'review', reason: 'below_the_line_sample' });
    // The same request decides the same way: sampling hashes the alert id, it does not roll dice.
    const again = (await (await app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts }) })).json()) as { results: unknown[] };
    expect(again.results).toEqual(results);
  });
});
