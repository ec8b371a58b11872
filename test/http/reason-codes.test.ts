/** @module POST /v1/score with reason codes: "explain": N in the body, or the server's default. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { scoreResponseSchema } from '../../src/http/response-schemas.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { defaultPolicy, tempModels, twoAlerts } from './helpers.ts';

let registry: ModelRegistry;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
});
afterAll(async () => registry.close());

const post = (body: unknown, reasonCodes?: number) =>
  createApp({ registry, policyFor: defaultPolicy, reasonCodes }).request('http://localhost/v1/score', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });

describe('POST /v1/score reason codes', () => {
  it('gives each scored alert its top N contributions, largest first, with the values as sent', async () => {
    const res = await post({ alerts: twoAlerts, explain: 3 });
    expect(res.status).toBe(200);
    const body = scoreResponseSchema.parse(await res.json());
    const names = registry.active.manifest.featureSpec.features.map((f) => f.name);
    body.results.forEach((r, i) => {
      expect(r.reasons).toHaveLength(3);
      const size = r.reasons!.map((x) => Math.abs(x.contribution));
      expect(size).toEqual([...size].sort((a, b) => b - a));
      for (const reason of r.reasons!) {
        expect(names).toContain(reason.feature);
        expect(reason.value).toBe(twoAlerts[i].attributes[reason.feature] ?? null);
        expect(reason.label).toMatch(new RegExp(`^${reason.feature} (= .+|missing) (raised|lowered) the risk$`));
        expect(reason.label.endsWith('raised the risk')).toBe(reason.contribution > 0);
      }
    });
    // A structuring alert of 9,500 USD: the amount just under the reporting limit is among its reasons.
    expect(body.results[0].reasons!.map((r) => r.feature)).toContain('amount_usd');
  });

  it('gives no reasons unless asked, and the server default when the request does not say', async () => {
    const plain = (await (await post({ alerts: twoAlerts })).json()) as any;
    expect(plain.results[0]).not.toHaveProperty('reasons');
    const byDefault = (await (await post({ alerts: twoAlerts }, 2)).json()) as any;
    expect(byDefault.results[0].reasons).toHaveLength(2);
    const overridden = (await (await post({ alerts: twoAlerts, explain: 0 }, 2)).json()) as any;
    expect(overridden.results[0]).not.toHaveProperty('reasons');
  });

  it('explains the scored alerts of a batch and not the malformed one', async () => {
    const body = (await (await post({ alerts: [twoAlerts[0], { id: 'bad' }], explain: 1 })).json()) as any;
    expect(body.results[0].reasons).toHaveLength(1);
    expect(body.results[1].error).toBeDefined();
    expect(body.results[1]).not.toHaveProperty('reasons');
  });

  it.each([[21], [-1], [1.5], ['3']])('refuses explain = %j with a 400 naming the field', async (explain) => {
    const res = await post({ alerts: twoAlerts, explain });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.path).toBe('explain');
  });

  it('documents explain and reasons in /openapi.json', async () => {
    const doc = (await (await createApp({ registry, policyFor: defaultPolicy }).request('http://localhost/openapi.json')).json()) as any;
    const op = doc.paths['/v1/score'].post;
    expect(op.requestBody.content['application/json'].schema.properties.explain).toMatchObject({ type: 'integer', minimum: 0, maximum: 20 });
    const result = op.responses[200].content['application/json'].schema.properties.results.items;
    expect(Object.keys(result.properties.reasons.items.properties)).toEqual(['feature', 'value', 'contribution', 'label']);
  });
});
