/**
 * A console page over a hung store: another session holds an ACCESS EXCLUSIVE lock on the decisions
 * table, so every read of it waits (PostgreSQL gives up only after lock_timeout, 5 s). The pages
 * answer 503 with a page that says so at the store's deadline, then work again once the lock goes.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { defaultPolicy, tempModels, twoAlerts } from '../http/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';

const quiet = { info() {}, warn() {}, error() {} };
// Well under PostgreSQL's 5-s lock_timeout, and long enough that a warm read never misses it on a
// loaded 2-core machine (400 ms did once, before any lock, in a CI run twice as slow as usual).
const DEADLINE_MS = 1_000;

let db: TestDatabase;
let store: DecisionStore;
let registry: ModelRegistry;
let writer: BatchingWriter;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  store = await openStore(db.url);
  await store.init();
  registry = await ModelRegistry.open(tempModels());
  writer = new BatchingWriter({ store, logger: quiet, flushIntervalMs: 0 });
  app = createApp({
    registry, policyFor: defaultPolicy, decisions: store, feedback: store, recordTimeoutMs: DEADLINE_MS,
    record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
    console: { store, positive: ['true_positive', 'sar_filed'] },
  });
  const scored = await app.request('/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: twoAlerts }) });
  expect(scored.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await writer?.close();
  await store?.close();
  await registry?.close();
  await db?.drop();
});

it('answers 503 with a page saying the store is not answering, at the deadline, while a lock holds the decisions table', async () => {
  // Warm: the pool's first connection counts against the deadline like any read.
  for (const page of ['/queue', '/alerts/A-1']) expect(await statusWithin(page, 15_000)).toBe(200);

  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE decisions IN ACCESS EXCLUSIVE MODE');
    for (const page of ['/queue', '/alerts/A-1', '/']) {
      const started = performance.now();
      const res = await app.request(page);
      const waited = performance.now() - started;
      expect(res.status, page).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      expect(html).toContain('The store is not answering');
      expect(html).toMatch(new RegExp(`did not answer within ${DEADLINE_MS} ms`));
      // At the deadline, not at PostgreSQL's own lock_timeout (5 s).
      expect(waited, page).toBeLessThan(4_000);
    }
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }

  // The reads that missed their deadline finish in the store's own time; the pages work again.
  expect(await statusWithin('/queue', 15_000)).toBe(200);
  expect((await app.request('/alerts/A-1')).status).toBe(200);
}, 60_000);

/** The page's status once it answers 200, or its last status when `ms` pass first. */
async function statusWithin(page: string, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let status = 0;
  while ((status = (await app.request(page)).status) !== 200 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  return status;
}
