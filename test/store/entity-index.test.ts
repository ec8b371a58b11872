/**
 * @module The entity index exists only once entity history is read (migration 0006): decision
 * inserts do not pay for it in deployments whose models never read history, and the first
 * history lookup builds it over every decision already stored, on both backends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyDecisionStore } from '../../src/store/kysely-decision-store.ts';
import { openPostgresDb } from '../../src/store/postgres.ts';
import { openSqliteDb } from '../../src/store/sqlite.ts';
import type { StoreDatabase } from '../../src/store/decision-table.ts';
import type { Kysely } from 'kysely';
import { makeRecord } from './fixtures.ts';
import { createTestDatabase, type TestDatabase } from './pg-test-database.ts';

let pgDb: TestDatabase;
beforeAll(async () => {
  pgDb = await createTestDatabase();
});
afterAll(async () => pgDb?.drop());

const indexes = {
  sqlite: (db: Kysely<StoreDatabase>) => sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decisions'`.execute(db),
  postgres: (db: Kysely<StoreDatabase>) => sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'decisions'`.execute(db),
};

describe.each([
  ['sqlite' as const, () => openSqliteDb(join(mkdtempSync(join(tmpdir(), 'winnow-entity-')), 'w.db'))],
  ['postgres' as const, () => openPostgresDb(pgDb.url)],
])('the entity index on %s', (kind, open) => {
  it('is absent until entity history is first read, then built over the decisions already stored', async () => {
    const db = open();
    const store = new KyselyDecisionStore(db, kind);
    try {
      await store.init();
      const names = async () => (await indexes[kind](db)).rows.map((r) => r.name);
      await store.writeDecisions([makeRecord(1, { entityId: 'E-1', decidedAt: '2026-01-01T00:00:00.000Z' }), makeRecord(2, { entityId: 'E-2', decidedAt: '2026-01-01T00:00:01.000Z' })]);
      expect(await names()).not.toContain('decisions_entity_idx');
      const prior = await store.priorActivity(['E-1', 'E-3'], '2026-02-01T00:00:00.000Z');
      expect(prior.decisions).toEqual([{ entityId: 'E-1', alertId: 'a-1', decidedAt: '2026-01-01T00:00:00.000Z' }]);
      expect(await names()).toContain('decisions_entity_idx');
      // A second store over the same database (another replica) finds it built.
      const replica = new KyselyDecisionStore(kind === 'sqlite' ? db : openPostgresDb(pgDb.url), kind);
      expect((await replica.priorActivity(['E-2'], '2026-02-01T00:00:00.000Z')).decisions).toHaveLength(1);
      if (kind === 'postgres') await replica.close();
    } finally {
      await store.close();
    }
  });
});
