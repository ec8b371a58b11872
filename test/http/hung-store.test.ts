/**
 * @module A hung store does not look healthy (issue 15, item 4), on both stores: with the tables
 * locked by another session, feedback answers 503 with Retry-After at its deadline instead of
 * hanging, /readyz turns 503 once a write has waited past the deadline, and once the lock is gone
 * everything lands and readiness recovers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

let registry: ModelRegistry;
let pgDb: TestDatabase;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  pgDb = await createTestDatabase();
});
afterAll(async () => {
  await registry.close();
  await pgDb.drop();
});

const DEADLINE_MS = 800;

/** A store, and a way to lock its tables from another session until `release()`. */
interface Backend {
  open(): Promise<DecisionStore>;
  lock(): Promise<{ release(): Promise<void> }>;
}

function sqliteBackend(): Backend {
  const path = join(mkdtempSync(join(tmpdir(), 'winnow-hung-')), 'winnow.db');
  return {
    // On its own thread, as `winnow serve` runs it: better-sqlite3 blocks the thread that waits on a lock.
    async open() {
      const store = await openWorkerStore(path);
      await store.init();
      return store;
    },
    async lock() {
      const db = new Database(path);
      db.exec('BEGIN EXCLUSIVE');
      return { release: async () => { db.exec('COMMIT'); db.close(); } };
    },
  };
}

function postgresBackend(): Backend {
  return {
    async open() {
      await pgDb.reset();
      return openStore(pgDb.url);
    },
    async lock() {
      const client = new pg.Client({ connectionString: pgDb.url });
      await client.connect();
      await client.query('BEGIN');
      await client.query('LOCK TABLE decisions, feedback IN ACCESS EXCLUSIVE MODE');
      return { release: async () => { await client.query('COMMIT'); await client.end(); } };
    },
  };
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const alert = (id: string) => ({ id, ruleId: 'tm_structuring', attributes: { amount_usd: 9100 } });
const item = { alertId: 'H-1', disposition: 'false_positive', analystId: 'an-1', decidedAt: '2026-01-02T00:00:00Z', idempotencyKey: 'case-1/1' };

describe.each([['SQLite', sqliteBackend], ['PostgreSQL', postgresBackend]] as const)('a store locked by another session (%s)', (_name, backend) => {
  it('answers 503 with Retry-After at the deadline, turns /readyz 503, and recovers when the lock goes', async () => {
    const b = backend();
    const store = await b.open();
    const writer = new BatchingWriter({ store, logger: { info() {}, error() {} }, flushIntervalMs: 0, retryDelayMs: 20, maxRetryDelayMs: 100, stallMs: DEADLINE_MS });
    const app = createApp({
      registry, policyFor: defaultPolicy, decisions: store, feedback: store, storeHealthy: () => writer.healthy(), recordTimeoutMs: DEADLINE_MS,
      record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
    });
    const ready = async () => (await app.request('http://localhost/readyz')).status;
    try {
      expect(await ready()).toBe(200);
      const lock = await b.lock();
      try {
        // Feedback: answered at its deadline, not when the lock goes.
        let t0 = performance.now();
        const fb = await app.request('http://localhost/v1/feedback', json(item));
        const fbMs = performance.now() - t0;
        expect(fb.status).toBe(503);
        expect(fb.headers.get('retry-after')).toBe('1');
        expect(((await fb.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
        expect(fbMs).toBeLessThan(DEADLINE_MS + 1_500);
        // Scoring: the records are not committed in time, so nothing is acknowledged.
        t0 = performance.now();
        const scored = await app.request('http://localhost/v1/score', json({ alerts: [alert('H-1')] }));
        expect(scored.status).toBe(503);
        expect(performance.now() - t0).toBeLessThan(DEADLINE_MS + 1_500);
        // The write has now waited past the deadline: not ready, though nothing has failed.
        await new Promise((r) => setTimeout(r, 100));
        expect(await ready()).toBe(503);
        expect(((await (await app.request('http://localhost/readyz')).json()) as { store: string }).store).toBe('failing');
      } finally {
        await lock.release();
      }
      // Once the lock is gone the queued record commits and readiness comes back.
      await writer.flush();
      const deadline = Date.now() + 10_000;
      while ((await ready()) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await ready()).toBe(200);
      expect((await app.request('http://localhost/v1/decisions/H-1')).status).toBe(200);
      // The client retries its feedback: it lands once (a late commit of the first try is a duplicate).
      const again = await app.request('http://localhost/v1/feedback', json(item));
      expect([200, 201]).toContain(again.status);
      expect(((await (await app.request('http://localhost/v1/feedback/H-1')).json()) as { history: unknown[] }).history).toHaveLength(1);
    } finally {
      await writer.close();
      await store.close();
    }
  }, 60_000);
});
