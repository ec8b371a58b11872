/** @module End to end on synthetic alerts: a deliberate shift shows in the drift endpoint, in /metrics and in `winnow drift`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftMonitor } from '../../src/drift/drift-monitor.ts';
import type { DriftReport } from '../../src/drift/drift-report.ts';
import { createApp } from '../../src/http/app.ts';
import { writeAlerts, type TableRow } from '../../src/io/write-table.ts';
import { trainBundle } from '../../src/pipeline/train-bundle.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { policyForModels } from '../../src/serving/policy-decider.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ALERT_COLUMNS } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import type { Shift } from '../../src/synth/shift.ts';
import { runCli } from '../cli/run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'winnow-drift-'));
const models = join(tmp, 'models');
const dataDir = join(tmp, 'data');
const SHIFT: Shift = { amount_usd: 5, txn_count_24h: 3 };
const WINDOW = 2000;
let registry: ModelRegistry;
let store: DecisionStore;
let writer: BatchingWriter;
let app: ReturnType<typeof createApp>;
let mid = '';

async function send(seed: number, shift?: Shift): Promise<void> {
  // The newest fifth of a fresh stream: the same period as the reference (the training file's holdout),
  // so the generator's built-in trends over time do not read as drift.
  const alerts = [...generateAlerts({ rows: 5 * WINDOW, seed, shift })].slice(-WINDOW).map((r) => alertFromRecord(r as unknown as Record<string, string | number | boolean | null>));
  for (let i = 0; i < alerts.length; i += 250) {
    const res = await app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: alerts.slice(i, i + 250) }) });
    expect(res.status).toBe(200);
  }
}

async function drift(): Promise<DriftReport> {
  const res = await app.request('http://localhost/v1/models/syn/1/drift');
  expect(res.status).toBe(200);
  return (await res.json()) as DriftReport;
}

const psiOf = (r: DriftReport, name: string) => r.features.find((f) => f.name === name)!.psi!;
const others = (r: DriftReport) => r.features.filter((f) => !(f.name in SHIFT));

beforeAll(async () => {
  await writeAlerts(join(tmp, 'train.csv'), generateAlerts({ rows: 6000, seed: 1 }) as Iterable<unknown> as Iterable<TableRow>, ALERT_COLUMNS);
  await trainBundle({
    data: join(tmp, 'train.csv'), label: 'is_true_positive', timeColumn: 'occurred_at', exclude: ['alert_id', 'entity_id'],
    out: join(models, 'syn', '1'), params: { numTrees: 40, threads: 1 },
  });
  registry = await ModelRegistry.open(models);
  store = await openStore(join(dataDir, 'winnow.db'));
  await store.init();
  writer = new BatchingWriter({ store, logger: { info() {}, error() {} } });
  app = createApp({
    registry, policyFor: policyForModels({ neverSuppress: ['scr_sanctions'] }), drift: new DriftMonitor(WINDOW), maxBodyBytes: 16 * 1024 * 1024,
    limits: { maxBatch: 1000 },
    record: (results, model, requestId) => void writer.enqueue(decisionRecords(results, model, requestId)),
  });
}, 120_000);

afterAll(async () => {
  await writer?.close();
  await store?.close();
  await registry?.close();
});

describe('drift on synthetic alerts', () => {
  it('keeps the manifest reference (holdout) for every feature and the score', () => {
    const m = registry.active.manifest;
    expect(Object.keys(m.reference!)).toEqual(m.featureSpec.features.map((f) => f.name));
    expect(m.scoreReference).toMatchObject({ source: 'holdout', rows: 1200 });
  });

  it('reads stable on fresh unshifted alerts, then major on exactly the shifted features', async () => {
    await send(2);
    const before = await drift();
    expect(before.windowSize).toBe(WINDOW);
    for (const f of before.features) expect(f.psi, f.name).toBeLessThan(0.1);
    expect(before.score!.psi).toBeLessThan(0.1);
    await writer.flush();
    await new Promise((r) => setTimeout(r, 5));
    mid = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));

    // The same alerts with the shift: only the shifted columns differ from the first phase.
    await send(2, SHIFT);
    const after = await drift();
    expect(psiOf(after, 'amount_usd')).toBeGreaterThan(0.25);
    expect(psiOf(after, 'txn_count_24h')).toBeGreaterThan(0.25);
    expect(after.status).toBe('major');
    for (const f of others(after)) expect(f.psi, f.name).toBeLessThan(0.1);

    const metrics = await (await app.request('http://localhost/metrics')).text();
    const gauge = /winnow_drift_psi\{model="syn\/1",feature="txn_count_24h"\} ([0-9.e+-]+)/.exec(metrics);
    expect(Number(gauge?.[1])).toBeCloseTo(psiOf(after, 'txn_count_24h'), 10);
    expect(metrics).toContain(`winnow_drift_window_alerts{model="syn/1"} ${WINDOW}`);
    await writer.flush();
  }, 60_000);

  it('`winnow drift` reports the same jump from the stored decisions, period by period', () => {
    const run = (args: string[]) => {
      const res = runCli(['drift', '--data-dir', dataDir, '--models', models, '--model', 'syn/1', '--json', ...args], tmp);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      return JSON.parse(res.stdout).models[0] as { decisions: number; report: DriftReport };
    };
    const before = run(['--to', mid]);
    const after = run(['--from', mid]);
    expect(before.decisions).toBe(WINDOW);
    expect(after.decisions).toBe(WINDOW);
    for (const f of before.report.features) expect(f.psi, f.name).toBeLessThan(0.1);
    expect(psiOf(after.report, 'amount_usd')).toBeGreaterThan(0.25);
    expect(psiOf(after.report, 'txn_count_24h')).toBeGreaterThan(0.25);
    for (const f of others(after.report)) expect(f.psi, f.name).toBeLessThan(0.1);
    const table = runCli(['drift', '--data-dir', dataDir, '--models', models, '--from', mid], tmp);
    expect(table.stdout).toMatch(/syn\/1: 2000 scored alerts; overall major/);
    expect(table.stdout).toMatch(/txn_count_24h +[0-9.]+ {2}major/);
  }, 60_000);
});
