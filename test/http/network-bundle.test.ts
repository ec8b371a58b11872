/** @module A bundle trained with --algo mlp serves /v1/score like any other; reason codes say why there are none. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { scoreResponseSchema } from '../../src/http/response-schemas.ts';
import { writeAlerts } from '../../src/io/write-table.ts';
import { trainBundle } from '../../src/pipeline/train-bundle.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { ALERT_COLUMNS } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { defaultPolicy, twoAlerts } from './helpers.ts';

let registry: ModelRegistry;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-mlp-serve-'));
  const data = join(dir, 'alerts.csv');
  await writeAlerts(data, generateAlerts({ rows: 6000, seed: 8 }), ALERT_COLUMNS);
  await trainBundle({
    algo: 'mlp', data, label: 'is_true_positive', timeColumn: 'occurred_at', exclude: ['alert_id', 'entity_id'],
    params: { epochs: 3, hidden: '16' }, out: join(dir, 'models', 'mlp', '1'),
  });
  registry = await ModelRegistry.open(join(dir, 'models'));
}, 60_000);
afterAll(async () => registry?.close());

const post = (body: unknown) =>
  createApp({ registry, policyFor: defaultPolicy }).request('http://localhost/v1/score', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });

describe('POST /v1/score on an MLP bundle', () => {
  it('scores every alert through ONNX Runtime', async () => {
    const res = await post({ alerts: twoAlerts });
    expect(res.status).toBe(200);
    const body = scoreResponseSchema.parse(await res.json());
    expect(body.model).toEqual({ name: 'mlp', version: '1' });
    expect(body.results).toHaveLength(2);
    for (const r of body.results) {
      expect(r.degraded).toBe(false);
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThan(1);
    }
  });

  it('scores without reasons when asked for reason codes, and says they need a tree model', async () => {
    const res = await post({ alerts: twoAlerts, explain: 2 });
    expect(res.status).toBe(200);
    const body = scoreResponseSchema.parse(await res.json());
    for (const r of body.results) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.reasons).toBeUndefined();
      expect(r.reasonsUnavailable).toBe('reason codes need a tree model: mlp/1 is an MLP (--algo mlp), and TreeSHAP reads trees');
    }
  });
});
