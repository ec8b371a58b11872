/** @module The activation log contract on PostgreSQL, plus two logs (two replicas) writing at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';
import { runActivationLogContract } from './activation-log-contract.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

runActivationLogContract('PostgreSQL', async (now) => {
  await database.reset();
  return openActivationLog(database.url, { now });
});

describe('PostgreSQL activation log', () => {
  it('keeps the chain intact when two replicas record at once, and lets exactly one initial entry in', async () => {
    await database.reset();
    const [a, b] = await Promise.all([openActivationLog(database.url), openActivationLog(database.url)]);
    try {
      const initials = await Promise.allSettled([a, b].map((log, i) => log.record({ model: { name: 'default', version: '1' }, action: 'initial', actor: `r${i}`, expectedLatestSeq: null })));
      expect(initials.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(initials.find((r) => r.status === 'rejected')).toMatchObject({ reason: { name: 'ActivationConflictError' } });
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).record({ model: { name: 'm', version: String(i) }, action: 'activate', actor: 'api' })));
      const entries = (await b.history(100)).reverse();
      expect(entries).toHaveLength(11);
      for (let i = 1; i < entries.length; i++) expect(entries[i].from).toEqual(entries[i - 1].model);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
