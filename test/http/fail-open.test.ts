import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { tempModels, defaultPolicy, twoAlerts } from './helpers.ts';

describe('fail open', () => {
  it('sends every alert to review, flagged degraded, when the model cannot score', async () => {
    const registry = await ModelRegistry.open(tempModels());
    // A real ONNX Runtime session in a failed state: released under the registry's feet.
    await registry.active.scorer.release();
    const app = createApp({ registry, policyFor: defaultPolicy });
    const res = await app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: twoAlerts }) });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { error: { message: string } }[] };
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r).toMatchObject({ decision: 'review', degraded: true, score: null, rank: null });
      expect(r.error.message).toMatch(/not scored: model error: .*released/);
    }
  });
});
