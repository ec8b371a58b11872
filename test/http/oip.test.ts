/**
 * @module Open Inference Protocol V2 over the real app, the shipped model (ONNX Runtime) and real
 * SQLite stores: shapes as the protocol documents them, FP32 rows scored exactly as `/v1/score`
 * scores the same alerts, JSON alerts decided and recorded exactly as `/v1/score` does, errors in
 * the protocol's `{"error": "…"}`, and seeded hostile bodies that never get a 5xx.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { hashKey } from '../../src/http/auth.ts';
import { encodeRecord, parseFeatureSpec } from '../../src/features/index.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { type Alert, alertFromRecord, recordOf } from '../../src/serving/alert-schema.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { DEFAULT_BUNDLE, defaultPolicy, tempModels } from './helpers.ts';

const quiet = { info() {}, warn() {}, error() {} };
const NF = 31;
// Read here rather than from the registry: the error table below is built before beforeAll runs.
const spec = parseFeatureSpec((JSON.parse(readFileSync(join(DEFAULT_BUNDLE, 'manifest.json'), 'utf8')) as { featureSpec: unknown }).featureSpec);
let models: string;
let registry: ModelRegistry;
const opened: { store: DecisionStore; writer: BatchingWriter; follower: ExperimentFollower }[] = [];

beforeAll(async () => {
  models = tempModels();
  // A second version of the same bundle, for an experiment arm to load.
  cpSync(join(models, 'default', '1'), join(models, 'default', '2'), { recursive: true });
  const manifestPath = join(models, 'default', '2', 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), version: '2' }));
  registry = await ModelRegistry.open(models, 'default/1');
});
afterAll(async () => {
  for (const { writer, store, follower } of opened) {
    await follower.stop();
    await writer.close();
    await store.close();
  }
  await registry.close();
});

/** An app as `serve` wires it, over its own SQLite store; records are committed before each answer. */
async function setup(o: { apiKeys?: { name: string; sha256: string; scopes: ('score' | 'admin')[] }[]; maxBatch?: number; storeHealthy?: () => boolean } = {}) {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'winnow-oip-')), 'winnow.db');
  const store = await openStore(dbPath);
  await store.init();
  const writer = new BatchingWriter({ store, logger: quiet, flushIntervalMs: 0 });
  const follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: ['scr_sanctions'] }, intervalMs: 60_000, logger: quiet });
  opened.push({ store, writer, follower });
  const app = createApp({
    registry, policyFor: defaultPolicy, decisions: store, apiKeys: o.apiKeys, limits: o.maxBatch ? { maxBatch: o.maxBatch } : {},
    storeHealthy: o.storeHealthy ?? (() => writer.healthy()),
    record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
    experiments: { current: () => follower.current(), routes: { store, prepare: (d) => follower.prepare(d), onChange: () => follower.poll() } },
  });
  const recordsOf = (alertId: string): number => {
    const db = new Database(dbPath, { readonly: true });
    try {
      return (db.prepare('select count(*) as n from decisions where alert_id = ?').get(alertId) as { n: number }).n;
    } finally {
      db.close();
    }
  };
  return { app, store, recordsOf };
}

type App = Awaited<ReturnType<typeof setup>>['app'];
const post = (app: App, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const get = (app: App, path: string, headers: Record<string, string> = {}) => app.request(`http://localhost${path}`, { headers });

const alerts = (rows: number, seed: number): Alert[] => Array.from(generateAlerts({ rows, seed }), (row) => alertFromRecord(row));
/** An alert as `/v1/score` encodes it, with NaN (missing) sent as null. */
const encoded = (a: Alert): (number | null)[] => Array.from(encodeRecord(recordOf(a), spec), (v) => (Number.isNaN(v) ? null : v));
const featuresInput = (rows: (number | null)[][]) => ({ name: 'features', datatype: 'FP32', shape: [rows.length, NF], data: rows.flat() });
const alertsInput = (items: unknown[]) => ({ name: 'alerts', datatype: 'BYTES', shape: [items.length], data: items.map((a) => JSON.stringify(a)) });

type Output = { name: string; datatype: string; shape: number[]; data: (number | string | null)[] };
type InferResponse = { model_name: string; model_version: string; id: string; outputs: Output[] };
type ScoreResult = { id: string; score: number | null; rank: number | null; band: string | null; decision: string; reason: string; error?: { path: string } };

describe('server and model metadata, health', () => {
  it('answers GET /v2 with the server name, version and no extensions', async () => {
    const { app } = await setup();
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(await (await get(app, '/v2')).json()).toEqual({ name: 'winnow', version, extensions: [] });
  });

  it('answers health with the status alone: live, ready, and not ready (4xx) while the store fails', async () => {
    const { app } = await setup();
    for (const path of ['/v2/health/live', '/v2/health/ready', '/v2/models/default/ready', '/v2/models/default/versions/1/ready']) {
      const res = await get(app, path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe('');
    }
    expect((await get(app, '/v2/models/default/versions/2/ready')).status).toBe(404);
    expect((await get(app, '/v2/models/nope/ready')).status).toBe(404);
    const failing = await setup({ storeHealthy: () => false });
    expect((await get(failing.app, '/v2/health/ready')).status).toBe(400);
    expect((await get(failing.app, '/v2/health/live')).status).toBe(200);
  });

  it('describes the active model: both inputs and every output, with how to build a feature row', async () => {
    const { app } = await setup();
    for (const path of ['/v2/models/default', '/v2/models/default/versions/1']) {
      const body = (await (await get(app, path)).json()) as Record<string, unknown> & { parameters: Record<string, unknown> };
      expect(body, path).toMatchObject({
        name: 'default', versions: ['1'], platform: 'onnx_onnxv1',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, NF] }, { name: 'alerts', datatype: 'BYTES', shape: [-1] }],
        outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1] }, { name: 'decision', datatype: 'BYTES', shape: [-1] }, { name: 'result', datatype: 'BYTES', shape: [-1] }],
        parameters: { version: '1', active: true, spec_hash: registry.active.manifest.specHash },
      });
      const features = JSON.parse(body.parameters.features as string) as { name: string; kind: string; categories?: string[] }[];
      expect(features.map((f) => f.name)).toEqual(registry.active.manifest.featureSpec.features.map((f) => f.name));
      expect(features[0]).toEqual({ name: 'rule_id', kind: 'categorical', categories: registry.active.manifest.featureSpec.features[0].categories });
    }
  });
});

describe('POST /v2/models/{name}[/versions/{v}]/infer', () => {
  it('scores FP32 feature rows exactly as /v1/score scores the same alerts, flat or nested, and records nothing', async () => {
    const { app, recordsOf } = await setup();
    const batch = alerts(40, 71).map((a) => ({ ...a, id: `FP-${a.id}` }));
    const rows = batch.map(encoded);
    expect(rows.flat().some((v) => v === null)).toBe(true);
    const viaV1 = ((await (await post(app, '/v1/score', { alerts: batch })).json()) as { results: ScoreResult[] }).results.map((r) => r.score);
    for (const [path, data] of [['/v2/models/default/infer', rows.flat()], ['/v2/models/default/versions/1/infer', rows]] as const) {
      const res = await post(app, path, { id: 'req-7', inputs: [{ ...featuresInput(rows), data }] });
      expect(res.status, path).toBe(200);
      expect(await res.json()).toEqual({
        model_name: 'default', model_version: '1', id: 'req-7',
        outputs: [{ name: 'probability', datatype: 'FP32', shape: [40], data: viaV1 }],
      });
    }
    // The rows carry no alert id: nothing was decided or recorded for them beyond /v1/score's own.
    expect(recordsOf(batch[0].id)).toBe(1);
  });

  it('decides JSON alerts through the data plane: the same score, rank, band and decision as /v1/score, one record per alert', async () => {
    const v1 = await setup();
    const v2 = await setup();
    const batch = [...alerts(30, 72), { id: 'BROKEN', ruleId: 'tm_structuring', attributes: { amount_usd: 'lots' } }];
    const expected = ((await (await post(v1.app, '/v1/score', { alerts: batch })).json()) as { results: ScoreResult[] }).results;
    const res = await post(v2.app, '/v2/models/default/infer', { inputs: [alertsInput(batch)] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as InferResponse;
    expect(body.id).toBe(res.headers.get('x-request-id'));
    expect(body.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual([
      { name: 'probability', datatype: 'FP32', shape: [31] }, { name: 'decision', datatype: 'BYTES', shape: [31] }, { name: 'result', datatype: 'BYTES', shape: [31] },
    ]);
    const [probability, decision, result] = body.outputs.map((o) => o.data);
    expect(probability).toEqual(expected.map((r) => r.score));
    expect(decision).toEqual(expected.map((r) => r.decision));
    expect(result.map((r) => JSON.parse(r as string))).toEqual(expected);
    expect(probability[30]).toBeNull();
    expect(JSON.parse(result[30] as string)).toMatchObject({ id: 'BROKEN', decision: 'review', error: { path: 'alerts.30.attributes.amount_usd' } });
    expect(new Set(decision).size).toBeGreaterThan(1);
    for (const a of batch) {
      expect(v2.recordsOf(a.id), a.id).toBe(1);
      expect((await v2.store.getDecision(a.id))!.decision).toBe(decision[batch.indexOf(a)]);
    }
  });

  it('returns only the outputs asked for, in the order asked', async () => {
    const { app } = await setup();
    const res = await post(app, '/v2/models/default/infer', { inputs: [alertsInput(alerts(2, 73))], outputs: [{ name: 'decision' }, { name: 'probability' }] });
    expect(((await res.json()) as InferResponse).outputs.map((o) => o.name)).toEqual(['decision', 'probability']);
  });

  it('serves an experiment arm\'s version for FP32 rows, and refuses it alerts (only the data plane picks an arm)', async () => {
    const { app } = await setup();
    expect((await post(app, '/v1/experiments', { id: 'oip-arms', arms: [{ name: 'A' }, { name: 'B', model: 'default/2' }] })).status).toBe(201);
    const meta = (await (await get(app, '/v2/models/default/versions/2')).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ name: 'default', versions: ['1', '2'], inputs: [{ name: 'features' }], outputs: [{ name: 'probability' }], parameters: { version: '2', active: false } });
    expect((await get(app, '/v2/models/default/versions/2/ready')).status).toBe(200);
    const rows = alerts(3, 74).map(encoded);
    const res = await post(app, '/v2/models/default/versions/2/infer', { inputs: [featuresInput(rows)] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as InferResponse).model_version).toBe('2');
    const refused = await post(app, '/v2/models/default/versions/2/infer', { inputs: [alertsInput(alerts(1, 74))] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^inputs\.0\.name: alerts are decided only by the active model \(default\/1\)/);
    // Without a version the name means the active model, which decides.
    const decided = await post(app, '/v2/models/default/infer', { inputs: [alertsInput(alerts(1, 75))] });
    expect(((await decided.json()) as InferResponse).outputs.map((o) => o.name)).toEqual(['probability', 'decision', 'result']);
    expect((await post(app, '/v1/experiments/oip-arms/stop', { reason: 'done' })).status).toBe(200);
  });

  const row = () => alerts(1, 76).map(encoded)[0];
  const one = (input: Record<string, unknown>) => ({ inputs: [{ ...featuresInput([row()]), ...input }] });
  it.each([
    ['a body that is not JSON', '{"inputs": [', 400, /^request body is not JSON/],
    ['no inputs', { inputs: [] }, 400, /^inputs: /],
    ['a shape that is not integers', one({ shape: [1.5, NF] }), 400, /^inputs\.0\.shape\.0: /],
    ['FP64 features', one({ datatype: 'FP64' }), 400, /^inputs\.0\.datatype: 'features' is FP32, got 'FP64'$/],
    ['the wrong feature count', one({ shape: [1, 30] }), 400, /^inputs\.0\.shape: 'features' is \[n, 31\] .*got \[1, 30\]$/],
    ['data shorter than its shape', one({ shape: [2, NF] }), 400, /^inputs\.0\.data: shape \[2, 31\] holds 62 element\(s\), data has 31$/],
    ['data longer than its shape', { inputs: [{ ...featuresInput([row()]), data: [...row(), 1] }] }, 400, /data has more than 31$/],
    ['a string value', { inputs: [{ ...featuresInput([row()]), data: ['NaN', ...row().slice(1)] }] }, 400, /^inputs\.0\.data: row 0, feature 0 'rule_id' \(categorical\): expected a number, or null for a missing value; got "NaN"$/],
    ['a value past FP32', { inputs: [{ ...featuresInput([row()]), data: [...row().slice(0, 10), 1e39, ...row().slice(11)] }] }, 400, /feature 10 'amount_usd' \(numeric\): 1e\+39 is not a finite FP32 value/],
    ['an unknown category code', { inputs: [{ ...featuresInput([row()]), data: [99, ...row().slice(1)] }] }, 400, /a category code is an integer from 0 to \d+/],
    ['a boolean that is not 0 or 1', { inputs: [{ ...featuresInput([row()]), data: [...row().slice(0, 17), 0.5, ...row().slice(18)] }] }, 400, /feature 17 'is_round_amount' \(boolean\): a boolean is 0 or 1, got 0.5/],
    ['more rows than the batch limit', { inputs: [featuresInput([row(), row(), row(), row()])] }, 400, /^inputs\.0\.shape: 1 to 3 rows per request, got 4$/],
    ['two inputs', { inputs: [featuresInput([row()]), alertsInput([{ id: 'x' }])] }, 400, /^inputs: send one input, 'features' \(FP32 \[-1, 31\]\) or 'alerts' \(BYTES \[-1\]\); got 2$/],
    ['an unknown input', one({ name: 'input0' }), 400, /^inputs\.0\.name: default\/1 takes .*; got 'input0'$/],
    ['an output FP32 rows do not give', { ...one({}), outputs: [{ name: 'decision' }] }, 400, /^outputs\.0\.name: no output 'decision' \('decision' comes only with the 'alerts' input\)/],
    ['alerts that are not text', { inputs: [{ name: 'alerts', datatype: 'BYTES', shape: [1], data: [{ id: 'x' }] }] }, 400, /^inputs\.0\.data\.0: each element is one alert as JSON text/],
    ['an alert that is not JSON', { inputs: [{ name: 'alerts', datatype: 'BYTES', shape: [1], data: ['{"id": '] }] }, 400, /^inputs\.0\.data\.0: not JSON: /],
    ['an alert with an escaped NUL', { inputs: [{ name: 'alerts', datatype: 'BYTES', shape: [1], data: ['{"id": "a\\u0000b"}'] }] }, 400, /^inputs\.0\.data\.0: id: contains U\+0000/],
    ['more alerts than the batch limit', { inputs: [alertsInput([1, 2, 3, 4])] }, 400, /^inputs\.0\.shape: 1 to 3 alerts per request, got 4$/],
  ])('refuses %s with %i and {"error": "<field>: …"}', async (_name, body, status, message) => {
    const { app } = await setup({ maxBatch: 3 });
    const res = await post(app, '/v2/models/default/infer', body);
    expect(res.status).toBe(status);
    const answer = (await res.json()) as { error: string };
    expect(Object.keys(answer)).toEqual(['error']);
    expect(answer.error).toMatch(message);
  });

  it('answers unknown models and versions 404, and every other refusal in the protocol\'s shape', async () => {
    const key = 'wnw_oip-test';
    const { app } = await setup({ apiKeys: [{ name: 'ops', sha256: hashKey(key), scopes: ['score'] }] });
    const auth = { authorization: `Bearer ${key}` };
    const body = { inputs: [featuresInput([row()])] };
    const cases: [string, Response | Promise<Response>, number, RegExp][] = [
      ['unknown model', post(app, '/v2/models/nope/infer', body, auth), 404, /^no loaded model 'nope' \(loaded: default\/1; the active model is default\/1\)$/],
      ['unknown version', post(app, '/v2/models/default/versions/9/infer', body, auth), 404, /^no loaded model 'default' version '9'/],
      ['unknown model metadata', get(app, '/v2/models/nope', auth), 404, /^no loaded model 'nope'/],
      ['no key', post(app, '/v2/models/default/infer', body), 401, /^missing API key/],
      ['no key for metadata', get(app, '/v2/models/default'), 401, /^missing API key/],
      ['not JSON', app.request('http://localhost/v2/models/default/infer', { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: '{}' }), 415, /application\/json/],
      ['unknown route', get(app, '/v2/nothing', auth), 404, /^no route GET \/v2\/nothing$/],
    ];
    for (const [name, pending, status, message] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      const answer = (await res.json()) as { error: unknown };
      expect(typeof answer.error, name).toBe('string');
      expect(answer.error, name).toMatch(message);
    }
    expect((await post(app, '/v2/models/nope/infer', body)).headers.get('www-authenticate')).toMatch(/^Bearer/);
    // Health needs no key, as /healthz does.
    expect((await get(app, '/v2/health/ready')).status).toBe(200);
    expect((await post(app, '/v2/models/default/infer', body, auth)).status).toBe(200);
  });

  it('never answers a hostile body with a 5xx (2,000 seeded bodies)', async () => {
    const { app } = await setup();
    const valid = () => ({ id: 'f', inputs: [featuresInput([row()])] });
    const scalar = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }), fc.constantFrom('', '\u0000', '\ud800', 'NaN', '1e39'));
    const tensorData = fc.oneof(fc.array(scalar, { maxLength: 70 }), fc.array(fc.array(scalar, { maxLength: 35 }), { maxLength: 3 }), fc.array(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), { maxLength: 4 }));
    const input = fc.record({
      name: fc.constantFrom('features', 'alerts', 'x', ''),
      datatype: fc.constantFrom('FP32', 'BYTES', 'FP64', 'INT64', 'fp32'),
      shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 40 }), { maxLength: 3 }), fc.constant([1, NF]), fc.constant([2])),
      data: tensorData,
    }, { requiredKeys: ['name', 'datatype', 'shape'] });
    const nearValid = fc.tuple(fc.constantFrom('id', 'inputs', 'outputs', 'parameters'), fc.oneof(scalar, fc.jsonValue({ maxDepth: 3 }), fc.array(input, { maxLength: 3 }))).map(([k, v]) => ({ ...valid(), [k]: v }));
    const bodies = fc.oneof(
      { weight: 4, arbitrary: fc.array(input, { minLength: 1, maxLength: 2 }).map((inputs) => JSON.stringify({ inputs })) },
      { weight: 2, arbitrary: nearValid.map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    );
    const statuses = new Map<number, number>();
    const paths = ['/v2/models/default/infer', '/v2/models/default/versions/1/infer', '/v2/models/default/versions/x/infer'];
    for (const [i, text] of fc.sample(bodies, { seed: 20260117, numRuns: 2_000 }).entries()) {
      const res = await post(app, paths[i % paths.length], text);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) expect.fail(`answered ${res.status} to body #${i} (${text.slice(0, 200)}): ${await res.text()}`);
      const answer = (await res.json()) as { error?: unknown };
      if (res.status >= 400) expect(typeof answer.error).toBe('string');
    }
    // The generators reach past the parser: some bodies are scored.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
