/** @module The store contract on PostgreSQL: a database per run, emptied per test, dropped at the end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { makeRecord } from './fixtures.ts';
import { createTestDatabase } from './pg-test-database.ts';
import type { TestDatabase } from './pg-test-database.ts';
import { runStoreContract } from './store-contract.ts';

// No skip when the server is down: beforeAll throws a message saying how to start it, and
// every test below fails with it (CI runs where PostgreSQL runs).
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

runStoreContract('PostgreSQL', async () => {
  await database.reset();
  return openPostgresStore(database.url);
});

runStoreContract('PostgreSQL in a worker thread', async () => {
  await database.reset();
  return openWorkerStore(database.url);
});

describe('PostgreSQL store', () => {
  it('is chosen by openStore for a postgres:// URL and migrates concurrently started replicas once', async () => {
    await database.reset();
    // Two replicas starting together: the Migrator's lock must make one of them wait, not fail.
    const [a, b] = await Promise.all([openStore(database.url), openStore(database.url)]);
    try {
      expect(a.kind).toBe('postgres');
      await a.writeDecisions([makeRecord(1)]);
      expect((await b.getDecision('a-1'))?.alertId).toBe('a-1');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('lets exactly one of many concurrent experiment creates from several replicas run', async () => {
    await database.reset();
    const replicas = await Promise.all([1, 2, 3, 4].map(() => openStore(database.url)));
    try {
      for (let round = 0; round < 3; round++) {
        const creates = replicas.flatMap((store, r) => [0, 1].map((k) => store.createExperiment({ id: `race-${round}-${r}-${k}`, arms: [{ name: 'A' }, { name: 'B' }] }, 'tester')));
        const settled = await Promise.allSettled(creates);
        const refused = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).name] : []));
        expect(refused).toEqual(Array(creates.length - 1).fill('ExperimentConflictError'));
        const running = await replicas[0].listExperiments({ status: 'running' });
        expect(running).toHaveLength(1);
        await replicas[0].stopExperiment(running[0].id, 'next round');
      }
    } finally {
      await Promise.all(replicas.map((store) => store.close()));
    }
  });

  it('reports an unreachable server through health() instead of throwing', async () => {
    const store = openPostgresStore('postgres://postgres@127.0.0.1:1/nowhere', { connectionTimeoutMs: 1_000 });
    try {
      const health = await store.health();
      expect(health.ok).toBe(false);
    } finally {
      await store.close();
    }
  });
});
