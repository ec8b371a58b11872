/**
 * @module Hostile bodies on every JSON route (issue 15; and /v2 infer): 5,000 generated bodies each (seeded,
 * so a failure replays), through the app as `winnow serve` wires it, on the worker-thread SQLite store.
 * No body may get a 5xx, and memory must stay flat: a leak of a few hundred bytes per request
 * shows over 35,000 requests. Bodies mix what a fuzzer finds: random JSON of any shape, text with
 * NUL and lone surrogates, huge and empty strings, deep nesting, wrong types, truncated and
 * non-JSON text, and near-valid bodies with one field broken.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

const BODIES_PER_ROUTE = 5_000;
/** Bodies per route sent before the memory baseline. */
const WARM_UP_BODIES = 500;
/** Bodies per route sent again after the main run, to tell RSS that keeps growing from a kept peak. */
const REPEAT_BODIES = 1_000;
const quiet = { info() {}, warn() {}, error() {} };

let models: string;
let registry: ModelRegistry;
let store: DecisionStore;
let log: Awaited<ReturnType<typeof openActivationLog>>;
let writer: BatchingWriter;
let follower: ExperimentFollower;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  models = tempModels();
  registry = await ModelRegistry.open(models);
  const dir = mkdtempSync(join(tmpdir(), 'winnow-fuzz-'));
  store = await openWorkerStore(join(dir, 'winnow.db'));
  await store.init();
  log = await openActivationLog(join(dir, 'winnow.db'));
  writer = new BatchingWriter({ store, logger: quiet, flushIntervalMs: 0 });
  follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: ['scr_sanctions'] }, intervalMs: 60_000, logger: quiet });
  app = createApp({
    registry, policyFor: defaultPolicy, decisions: store, feedback: store, activations: log, storeHealthy: () => writer.healthy(),
    record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
    experiments: { current: () => follower.current(), routes: { store, prepare: (d) => follower.prepare(d), onChange: () => follower.poll() } },
  });
}, 60_000);
afterAll(async () => {
  await writer.close();
  await log.close();
  await store.close();
  await registry.close();
});

// Text a store or a parser may choke on.
const nasty = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\ud83d\ude00', '𝔘', '\u202e', ' ', '0', 'null', '1e309', '-0', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00+01:00'),
  fc.integer({ min: 1, max: 5 }).map((k) => 'x'.repeat(k * 1_000)),
);
const scalar = fc.oneof(nasty, fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
const anyJson = fc.jsonValue({ maxDepth: 4 });
const deep = fc.integer({ min: 50, max: 3_000 }).chain((depth) => fc.constantFrom('[', '{"a":').map((open) => ({ depth, open })));

/** A near-valid body for the route, with one field replaced by something hostile or removed. */
function nearValid(valid: () => Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid());
  return fc.tuple(fc.constantFrom(...keys), fc.oneof(scalar, anyJson, fc.constant(undefined))).map(([key, value]) => {
    const body = valid();
    if (value === undefined) delete body[key];
    else body[key] = value;
    return body;
  });
}

const item = () => ({ alertId: 'F-1', disposition: 'false_positive', analystId: 'an-1', decidedAt: '2026-01-02T00:00:00Z', note: 'n' });
const alert = () => ({ id: 'F-1', ruleId: 'tm_structuring', entityId: 'E-1', segment: 'retail', occurredAt: '2026-01-01T00:00:00Z', attributes: { amount_usd: 9100 } });

/** A route, and the near-valid bodies that reach its deeper code. */
const routes: { path: string; near: fc.Arbitrary<unknown> }[] = [
  { path: '/v1/score', near: fc.oneof(nearValid(() => ({ alerts: [alert()], explain: 2 })), nearValid(alert).map((a) => ({ alerts: [a] })), fc.array(nearValid(alert), { maxLength: 5 }).map((alerts) => ({ alerts }))) },
  { path: '/v1/feedback', near: fc.oneof(nearValid(item), fc.array(nearValid(item), { minLength: 1, maxLength: 5 }).map((items) => ({ items }))) },
  { path: '/v1/experiments', near: nearValid(() => ({ id: 'exp-f', arms: [{ name: 'A' }, { name: 'B', thresholds: { closeBelow: 0.02 } }], allocation: [0.5, 0.5] })) },
  { path: '/v1/experiments/exp-f/stop', near: nearValid(() => ({ reason: 'r' })) },
  { path: '/v1/models/default/1/activate', near: nearValid(() => ({ note: 'n' })) },
  { path: '/v1/models/rollback', near: nearValid(() => ({ note: 'n' })) },
  {
    path: '/v2/models/default/infer',
    near: fc.oneof(
      nearValid(() => ({ id: 'r', inputs: [{ name: 'alerts', datatype: 'BYTES', shape: [1], data: [JSON.stringify(alert())] }] })),
      nearValid(() => ({ name: 'alerts', datatype: 'BYTES', shape: [1], data: [JSON.stringify(alert())] })).map((input) => ({ inputs: [input] })),
      nearValid(alert).map((a) => ({ inputs: [{ name: 'alerts', datatype: 'BYTES', shape: [1], data: [JSON.stringify(a)] }] })),
    ),
  },
];

/** One hostile body as the text sent: JSON of something generated, or text that is not quite JSON. */
function body(near: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: near.map((v) => JSON.stringify(v) ?? '') },
    { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: scalar.map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: deep.map(({ depth, open }) => open.repeat(depth) + (open === '[' ? ']' : '1}').repeat(depth)) },
    { weight: 1, arbitrary: near.map((v) => (JSON.stringify(v) ?? '').slice(0, -3)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const heapMiB = () => process.memoryUsage().heapUsed / 2 ** 20;
/** A full collection, so what is measured is what is still referenced (vitest runs without --expose-gc). */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('every JSON route under 5,000 hostile bodies', () => {
  it('answers each with a status below 500, and memory stays flat', async () => {
    const seen = new Map<string, Map<number, number>>();
    const send = async (path: string, text: string) => app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    // Warm every route up first (ONNX Runtime's arena, zod, the store's thread, model loads): the
    // process's high-water mark is then reached before the baseline, and what the main run adds is
    // growth. With the baseline after the first route only, RSS rose 170 MiB in a loaded CI run and
    // not at all on a quiet machine (the heap stayed flat in both): a peak the allocator kept, not a leak.
    for (const [r, route] of routes.entries()) {
      for (const text of fc.sample(body(route.near), { seed: 1206 + r, numRuns: WARM_UP_BODIES })) await (await send(route.path, text)).arrayBuffer();
    }
    await writer.flush();
    collect();
    const baseline = { rss: rssMiB(), heap: heapMiB() };
    for (const [r, route] of routes.entries()) {
      const statuses = new Map<number, number>();
      seen.set(route.path, statuses);
      const samples = fc.sample(body(route.near), { seed: 20261206 + r, numRuns: BODIES_PER_ROUTE });
      for (const [i, text] of samples.entries()) {
        const res = await send(route.path, text);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) expect.fail(`${route.path} answered ${res.status} to body #${i} (${text.slice(0, 200)}): ${await res.text()}`);
        await res.arrayBuffer();
      }
    }
    // What is still referenced once the work in flight has settled: on a loaded machine the store's
    // thread and the followers' timers may still hold the last requests' objects at the first look
    // (a loaded CI run once read +20 MiB where a quiet one reads +1.4). A leak stays; a backlog goes.
    for (let look = 0; look < 5; look++) {
      await writer.flush();
      collect();
      if (heapMiB() - baseline.heap < 16) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    // 35,000 requests after the baseline: ~290 KB per request (the leak issue 15 found) would be
    // ~10 GB; 1 KB per request would be 33 MiB of heap.
    const seenText = JSON.stringify([...seen].map(([p, s]) => [p, [...s]]));
    expect(heapMiB() - baseline.heap, `JS heap grew from ${baseline.heap.toFixed(0)} MiB; statuses ${seenText}`).toBeLessThan(16);
    // RSS also holds what the allocator keeps after a peak (ONNX Runtime's arenas, malloc's per-thread
    // arenas), and that peak varies from run to run: quiet runs grew 1 MiB, loaded ones 143 and 170.
    // So the whole run gets a loose bound, and a repeat of the first 1,000 bodies of every route,
    // whose peaks the allocator has already seen, a tighter one: a native leak grows there too
    // (the 290 KB per request issue 15 found would be 2 GB over those 7,000 requests; 14 KB, 96 MiB),
    // a kept peak does not. Measured with three busy loops beside it: +2 MiB over the main run, +25
    // over the repeat; a CI run saw +143 over the main run.
    const afterMain = rssMiB();
    expect(afterMain - baseline.rss, `RSS grew from ${baseline.rss.toFixed(0)} MiB; statuses ${seenText}`).toBeLessThan(400);
    for (const [r, route] of routes.entries()) {
      for (const text of fc.sample(body(route.near), { seed: 20261206 + r, numRuns: REPEAT_BODIES })) await (await send(route.path, text)).arrayBuffer();
    }
    await writer.flush();
    collect();
    expect(rssMiB() - afterMain, `RSS grew from ${afterMain.toFixed(0)} MiB over a repeat of ${REPEAT_BODIES} bodies per route (baseline ${baseline.rss.toFixed(0)} MiB)`).toBeLessThan(96);
    // The generators reached past the parser: every route answered some bodies with a 2xx or a 4xx other than 400.
    for (const [path, statuses] of seen) expect([...statuses.keys()].some((s) => s !== 400), path).toBe(true);
  }, 600_000);
});
