/** @module Issue 7's check: a GBDT bundle and an MLP bundle trained on the same data, served side by side and compared by an experiment. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { writeAlerts } from '../../src/io/write-table.ts';
import { trainBundle } from '../../src/pipeline/train-bundle.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ALERT_COLUMNS } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { defaultPolicy } from './helpers.ts';

const quiet = { info() {}, warn() {}, error() {} };
let models: string;
let registry: ModelRegistry;
let store: DecisionStore;

// Both families on the same 8,000 synthetic alerts, with the same split.
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-mlp-gbdt-'));
  models = join(dir, 'models');
  const data = join(dir, 'alerts.csv');
  await writeAlerts(data, generateAlerts({ rows: 8000, seed: 21 }), ALERT_COLUMNS);
  const common = { data, label: 'is_true_positive', timeColumn: 'occurred_at', exclude: ['alert_id', 'entity_id'] };
  await trainBundle({ ...common, params: { numTrees: 40 }, out: join(models, 'gbdt', '1') });
  await trainBundle({ ...common, algo: 'mlp', params: { epochs: 4, hidden: '16' }, out: join(models, 'mlp', '1') });
  registry = await ModelRegistry.open(models, 'gbdt/1');
  store = await openStore(join(dir, 'winnow.db'));
}, 120_000);
afterAll(async () => {
  await registry?.close();
  await store?.close();
});

describe('an experiment comparing an MLP bundle with a GBDT bundle', () => {
  it('routes each arm to its own model, records the arm, and reports both', async () => {
    const writes: Promise<unknown>[] = [];
    const follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: ['scr_sanctions'] }, intervalMs: 60_000, logger: quiet });
    const app = createApp({
      registry, policyFor: defaultPolicy, decisions: store,
      record: (results, model, requestId) => void writes.push(store.writeDecisions(decisionRecords(results, model, requestId))),
      experiments: { current: () => follower.current(), routes: { store, prepare: (d) => follower.prepare(d), onChange: () => follower.poll() } },
    });
    const post = (path: string, body: unknown) => app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/experiments', { id: 'families', arms: [{ name: 'gbdt' }, { name: 'mlp', model: 'mlp/1' }] })).status).toBe(201);

    const rows = [...generateAlerts({ rows: 1000, seed: 22 })];
    const res = await post('/v1/score', { alerts: rows.map((r) => alertFromRecord(r)) });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { id: string; decision: string; degraded: boolean; model: { name: string }; experiment: { arm: string } }[] };
    const mlp = results.filter((r) => r.experiment.arm === 'mlp');
    expect(new Set(results.map((r) => r.experiment.arm))).toEqual(new Set(['gbdt', 'mlp']));
    for (const r of results) {
      expect(r.degraded).toBe(false);
      expect(r.model.name).toBe(r.experiment.arm); // the arm's own bundle scored it
    }
    expect(Math.abs(mlp.length / 1000 - 0.5)).toBeLessThan(0.06);

    const truth = new Map(rows.map((r) => [String(r.alert_id), Number(r.is_true_positive)]));
    await Promise.all(writes);
    const reviewed = results.filter((r) => r.decision !== 'auto_close');
    await store.writeFeedback(reviewed.map((r) => ({ alertId: r.id, disposition: truth.get(r.id) === 1 ? 'true_positive' : 'false_positive', analystId: 'an', decidedAt: new Date().toISOString() })));
    const report = (await (await app.request('http://localhost/v1/experiments/families/report')).json()) as { arms: { arm: string; alerts: number; labelled: number }[] };
    expect(report.arms.map((a) => a.arm)).toEqual(['gbdt', 'mlp']);
    expect(report.arms.reduce((s, a) => s + a.alerts, 0)).toBe(1000);
    for (const a of report.arms) expect(a.labelled).toBeGreaterThan(0);
  }, 60_000);
});
