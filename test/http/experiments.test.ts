/** @module Experiments through the HTTP API: routes, arm in responses and records, shadow arms that never decide, the automatic stop. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import type { DecisionRecordInput } from '../../src/store/decision-record.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

const quiet = { info() {}, warn() {}, error() {} };
let models: string;
let registry: ModelRegistry;
beforeAll(async () => {
  models = tempModels();
  registry = await ModelRegistry.open(models);
});
afterAll(async () => registry.close());

async function setup() {
  const store = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-exp-')), 'winnow.db'));
  const follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: ['scr_sanctions'] }, intervalMs: 60_000, logger: quiet });
  const recorded: DecisionRecordInput[] = [];
  const app = createApp({
    registry, policyFor: defaultPolicy, decisions: store,
    record: (results, model, requestId) => void recorded.push(...decisionRecords(results, model, requestId)),
    experiments: { current: () => follower.current(), routes: { store, prepare: (d) => follower.prepare(d), onChange: () => follower.poll() } },
  });
  return { store, follower, app, recorded };
}

const post = (app: ReturnType<typeof createApp>, path: string, body: unknown) => app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const alerts = (rows: number, seed: number) => Array.from(generateAlerts({ rows, seed }), (a) => alertFromRecord(a));
type Result = { id: string; decision: string; reason: string; score: number; rank: number; experiment?: { id: string; arm: string } };

describe('experiments over HTTP', () => {
  it('creates, lists, reads and stops an experiment; refuses a second one and bad definitions naming the field', async () => {
    const { app, store, follower } = await setup();
    const def = { id: 'thr-1', arms: [{ name: 'A' }, { name: 'B', thresholds: { closeBelow: 0.02 } }] };
    expect((await post(app, '/v1/experiments', def)).status).toBe(201);
    expect(follower.current()?.state.id).toBe('thr-1');
    const conflict = await post(app, '/v1/experiments', { ...def, id: 'thr-2' });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { message: string } }).error.message).toBe("experiment 'thr-1' is running; stop it first (one experiment at a time)");
    const bad = await post(app, '/v1/experiments', { id: 'x', arms: [{ name: 'A' }, { name: 'B', thresholds: { closeBelow: 2 } }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { path: string } }).error.path).toBe('arms.1.thresholds.closeBelow');
    const missing = await post(app, '/v1/experiments', { id: 'y', arms: [{ name: 'A' }, { name: 'B', model: 'default/9' }] });
    expect(missing.status).toBe(422);
    const list = (await (await app.request('http://localhost/v1/experiments')).json()) as { experiments: { id: string }[] };
    expect(list.experiments.map((e) => e.id)).toEqual(['thr-1']);
    const stopped = await post(app, '/v1/experiments/thr-1/stop', { reason: 'done' });
    expect(((await stopped.json()) as { experiment: { status: string; stopReason: string } }).experiment).toMatchObject({ status: 'stopped', stopReason: 'done' });
    expect(follower.current()).toBeUndefined();
    expect((await app.request('http://localhost/v1/experiments/nope')).status).toBe(404);
    await follower.stop();
    await store.close();
  });

  it('puts the arm in every result and record; a shadow arm never changes a decision and is never the alert\'s decision', async () => {
    const { app, store, follower, recorded } = await setup();
    const batch = alerts(600, 11);
    const baseline = (await (await post(app, '/v1/score', { alerts: batch })).json()) as { results: Result[] };
    // The control decides like the service; the shadow closes almost everything.
    await post(app, '/v1/experiments', { id: 'shadow-1', arms: [{ name: 'A' }, { name: 'watch', shadow: true, thresholds: { closeBelow: 0.4 } }] });
    const body = (await (await post(app, '/v1/score', { alerts: batch })).json()) as { results: Result[] };
    expect(body.results.map(({ experiment, ...r }) => r)).toEqual(baseline.results);
    expect(new Set(body.results.map((r) => JSON.stringify(r.experiment)))).toEqual(new Set([JSON.stringify({ id: 'shadow-1', arm: 'A' })]));
    const mine = recorded.filter((r) => r.experiment?.id === 'shadow-1');
    expect(mine.filter((r) => r.shadow)).toHaveLength(600);
    expect(mine.filter((r) => !r.shadow)).toHaveLength(600);
    // The shadow would have closed sanctions alerts only if never-suppress did not hold in every arm.
    const sanctions = mine.filter((r) => r.shadow && r.ruleId === 'scr_sanctions');
    expect(sanctions.length).toBeGreaterThan(0);
    expect(sanctions.every((r) => r.decision !== 'auto_close')).toBe(true);
    // Recorded in the store, the alert's decision is still the live one.
    await store.writeDecisions(mine);
    const id = mine[0].alertId;
    const live = mine.find((r) => r.alertId === id && !r.shadow)!;
    expect((await store.getDecision(id))?.decision).toBe(live.decision);
    expect((await store.getDecision(id))?.shadow).toBe(false);
    expect((await store.listDecisions({ limit: 10_000 })).every((d) => !d.record.shadow)).toBe(true);
    expect((await store.listDecisions({ limit: 10_000, includeShadow: true })).some((d) => d.record.shadow)).toBe(true);
    await follower.stop();
    await store.close();
  });

  it('splits live traffic by weight with the arm\'s thresholds, and the report stops an arm that misses too much', async () => {
    const { app, store, follower, recorded } = await setup();
    await post(app, '/v1/experiments', {
      id: 'absurd', guardrail: { maxMissedRate: 0.2 },
      arms: [{ name: 'A' }, { name: 'B', thresholds: { closeBelow: 0.9, escalateAt: 0.95, belowTheLineSampleRate: 0.2 } }],
    });
    const batch = alerts(3000, 12);
    const labels = new Map(Array.from(generateAlerts({ rows: 3000, seed: 12 }), (a) => [String(a.alert_id), Number(a.is_true_positive)]));
    const results: Result[] = [];
    for (let i = 0; i < 3000; i += 1000) results.push(...((await (await post(app, '/v1/score', { alerts: batch.slice(i, i + 1000) })).json()) as { results: Result[] }).results);
    const b = results.filter((r) => r.experiment?.arm === 'B');
    expect(Math.abs(b.length / 3000 - 0.5)).toBeLessThan(0.05);
    expect(b.filter((r) => r.decision === 'auto_close').length / b.length).toBeGreaterThan(0.6);
    await store.writeDecisions(recorded);
    // Analysts label every alert they see.
    const now = new Date().toISOString();
    const items = results.filter((r) => r.decision !== 'auto_close').map((r) => ({ alertId: r.id, disposition: labels.get(r.id) === 1 ? 'true_positive' as const : 'false_positive' as const, analystId: 'an', decidedAt: now }));
    await store.writeFeedback(items);
    const res = await app.request('http://localhost/v1/experiments/absurd/report?minutesPerAlert=20');
    expect(res.status).toBe(200);
    const report = (await res.json()) as { arms: { arm: string; status: string; stop?: { reason: string } }[]; stoppedArms: { arm: string }[] };
    expect(report.stoppedArms.map((s) => s.arm)).toEqual(['B']);
    expect(report.arms[1]).toMatchObject({ arm: 'B', status: 'stopped', stop: { reason: expect.stringMatching(/above the limit 20\.0%/) } });
    // B's traffic went back to the control.
    const again = (await (await post(app, '/v1/score', { alerts: batch.slice(0, 200) })).json()) as { results: Result[] };
    expect(again.results.every((r) => r.experiment?.arm === 'A')).toBe(true);
    await follower.stop();
    await store.close();
  });
});

export type { DecisionStore };
