/**
 * /openapi.json against the app's own route table: every API route (everything `createApp` registers
 * but the console's pages and the /docs page) is documented with its method, and every documented
 * operation exists, so a route added later cannot be left out of the reference at /docs. Answers of
 * the adapter and Open Inference routes match the schemas the document shows.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adaptationSchema, triageAnswerSchema } from '../../src/http/adapter-openapi.ts';
import { type AppOptions, createApp } from '../../src/http/app.ts';
import { oipInferenceResponseSchema, oipModelMetadataSchema, oipServerMetadataSchema } from '../../src/http/oip-openapi.ts';
import { parseTazamaFeatures } from '../../src/http/tazama-triage.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { openStore } from '../../src/store/open-store.ts';
import { defaultPolicy, tempModels, twoAlerts } from './helpers.ts';

const features = parseTazamaFeatures(JSON.parse(readFileSync(new URL('../../examples/tazama-features.json', import.meta.url), 'utf8')));
/** Routes of the /docs page itself: the reference, not part of it. */
const DOCS_PAGE = new Set(['/docs', '/docs/assets/{name}']);

let registry: ModelRegistry;
let store: DecisionStore;
let log: Awaited<ReturnType<typeof openActivationLog>>;

beforeAll(async () => {
  const models = tempModels();
  registry = await ModelRegistry.open(models);
  const db = join(mkdtempSync(join(tmpdir(), 'winnow-openapi-')), 'winnow.db');
  store = await openStore(db);
  await store.init();
  log = await openActivationLog(db);
}, 60_000);
afterAll(async () => {
  await log.close();
  await store.close();
  await registry.close();
});

/** Every option that adds routes turned on, as `winnow serve` wires them. */
function fullOptions(): AppOptions {
  return {
    registry, policyFor: defaultPolicy, decisions: store, feedback: store, activations: log, tazama: { features },
    experiments: { current: () => undefined, routes: { store } },
    console: { store, positive: ['true_positive', 'sar_filed'] },
  };
}

/** `METHOD /path/{param}` for each route (middleware excluded); a trailing slash is the same route as without. */
function operations(routes: { method: string; path: string }[]): Set<string> {
  return new Set(routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${openApiPath(r.path)}`));
}
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}').replace(/(.)\/$/, '$1');
}

describe('/openapi.json covers the route table', () => {
  it('documents every API route, and only routes that exist', async () => {
    const full = createApp(fullOptions());
    const withoutConsole = createApp({ ...fullOptions(), console: undefined });
    const consoleRoutes = new Set([...operations(full.routes)].filter((op) => !operations(withoutConsole.routes).has(op)));
    const api = [...operations(full.routes)].filter((op) => !consoleRoutes.has(op) && !DOCS_PAGE.has(op.slice(op.indexOf(' ') + 1)));
    // The console adds pages, and the API is the rest: a sanity check that the split found both.
    expect(consoleRoutes).toContain('GET /queue');
    expect(api).toEqual(expect.arrayContaining(['POST /v1/score', 'POST /v1/adapters/jube', 'POST /v1/adapters/tazama/triage', 'GET /v2', 'POST /v2/models/{name}/versions/{version}/infer']));

    const doc = (await (await full.request('http://localhost/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
    expect(api.filter((op) => !documented.has(op)), 'routes missing from /openapi.json').toEqual([]);
    expect([...documented].filter((op) => !api.includes(op)), 'documented operations with no route').toEqual([]);
  });

  it('tags every operation, so /docs groups them', async () => {
    const doc = (await (await createApp(fullOptions()).request('http://localhost/openapi.json')).json()) as {
      tags: { name: string }[]; paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const names = doc.tags.map((t) => t.name);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) expect(names, `${method} ${path}`).toContain(op.tags?.[0]);
    }
    expect(doc.paths['/v2/models/{name}/infer'].post.tags).toEqual(['Open Inference Protocol (V2)']);
    expect(doc.paths['/healthz'].get.tags).toEqual(['Operations']);
  });

  it('gives every operation a unique operationId that is one word (a clean /docs deep link and client method name)', async () => {
    const doc = (await (await createApp(fullOptions()).request('http://localhost/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    for (const id of ids) expect(id).toMatch(/^(get|post)[A-Z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/decisions/{alertId}/quarantine'].get.operationId).toBe('getV1DecisionsByAlertIdQuarantine');
  });

  it('shows request examples that their routes accept', async () => {
    type Op = { requestBody?: { content: Record<string, { example?: unknown }> } };
    const app = createApp(fullOptions());
    const doc = (await (await app.request('http://localhost/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> };
    const examples = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).flatMap(([method, op]) => {
      const example = op.requestBody?.content['application/json'].example;
      return example === undefined ? [] : [{ method, path: path.replace('{name}', 'default').replace('{version}', '1'), example }];
    }));
    expect(examples.map((e) => e.path)).toEqual(expect.arrayContaining(['/v1/score', '/v1/feedback', '/v1/adapters/jube', '/v2/models/default/infer']));
    for (const { method, path, example } of examples) {
      const res = await app.request(`http://localhost${path}`, { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(example) });
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
      expect(JSON.stringify(await res.json()), path).not.toMatch(/"error":\{|"Error":|"not_scored"/);
    }
  });

  it('shows the configured Tazama vector length, and any length when none is configured', async () => {
    type Doc = { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: { properties: Record<string, { minItems?: number; maxItems?: number }> } }> } } }> };
    const schemaOf = async (app: ReturnType<typeof createApp>) =>
      ((await (await app.request('http://localhost/openapi.json')).json()) as Doc).paths['/v1/adapters/tazama/triage'].post.requestBody.content['application/json'].schema;
    const configured = await schemaOf(createApp({ registry, policyFor: defaultPolicy, tazama: { features } }));
    expect(configured.properties.features).toMatchObject({ minItems: features.length, maxItems: features.length });
    const unconfigured = await schemaOf(createApp({ registry, policyFor: defaultPolicy }));
    expect(unconfigured.properties.features.maxItems).toBeUndefined();
    expect(Object.keys(unconfigured.properties)).toEqual(expect.arrayContaining(['features', 'id', 'caseId', 'ruleId', 'entityId']));
  });
});

describe('adapter and Open Inference answers match their documented schemas', () => {
  const post = (app: ReturnType<typeof createApp>, path: string, body: unknown) =>
    app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('Jube and Tazama', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy, tazama: { features } });
    const jube = await post(app, '/v1/adapters/jube', { TxnId: 'J-1', RuleId: 'tm_structuring', ...twoAlerts[0].attributes });
    expect(jube.status).toBe(200);
    expect(adaptationSchema.strict().parse(await jube.json()).Value).toBeGreaterThan(0);
    const bad = await post(app, '/v1/adapters/jube', [1]);
    expect(bad.status).toBe(400);
    expect(adaptationSchema.strict().parse(await bad.json()).Error).toMatch(/must be a JSON object/);
    const triage = await post(app, '/v1/adapters/tazama/triage', { id: 'T-1', features: features.map((_, i) => (i < 5 ? 1 : null)) });
    expect(triage.status).toBe(200);
    expect(triageAnswerSchema.strict().parse(await triage.json()).priority).toMatch(/^(High|Medium|Low)$/);
  });

  it('Open Inference metadata and inference', async () => {
    const app = createApp({ registry, policyFor: defaultPolicy });
    const get = async (path: string) => (await app.request(`http://localhost${path}`)).json();
    expect(oipServerMetadataSchema.strict().parse(await get('/v2')).name).toBe('winnow');
    const meta = oipModelMetadataSchema.strict().parse(await get('/v2/models/default'));
    const n = meta.inputs[0].shape[1];
    const byFeatures = await post(app, '/v2/models/default/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, n], data: Array(n).fill(0) }] });
    expect(byFeatures.status).toBe(200);
    oipInferenceResponseSchema.strict().parse(await byFeatures.json());
    const byAlerts = await post(app, '/v2/models/default/infer', { inputs: [{ name: 'alerts', datatype: 'BYTES', shape: [2], data: twoAlerts.map((a) => JSON.stringify(a)) }] });
    expect(byAlerts.status).toBe(200);
    expect(oipInferenceResponseSchema.strict().parse(await byAlerts.json()).outputs.map((o) => o.name)).toEqual(['probability', 'decision', 'result']);
  });
});
