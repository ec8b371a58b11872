/**
 * @module A store made before the record redesign (migrations up to 0004: the entity index, the
 * full experiment index, no quarantine, no event time) migrates forward without losing a decision, on both backends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDecisionRecords } from '../../src/store/decision-record.ts';
import { type StoreDatabase, toRow } from '../../src/store/decision-table.ts';
import { KyselyDecisionStore } from '../../src/store/kysely-decision-store.ts';
import { InCodeMigrationProvider, storeMigrations } from '../../src/store/migrations/index.ts';
import { openPostgresDb } from '../../src/store/postgres.ts';
import { openSqliteDb } from '../../src/store/sqlite.ts';
import { makeRecord } from './fixtures.ts';
import { createTestDatabase, type TestDatabase } from './pg-test-database.ts';

let pgDb: TestDatabase;
beforeAll(async () => {
  pgDb = await createTestDatabase();
});
afterAll(async () => pgDb?.drop());

describe.each([
  ['sqlite' as const, () => openSqliteDb(join(mkdtempSync(join(tmpdir(), 'winnow-forward-')), 'w.db'))],
  ['postgres' as const, () => openPostgresDb(pgDb.url)],
])('a store from before migration 0005 on %s', (kind, open) => {
  it('keeps every decision and reads them back after migrating to the latest schema', async () => {
    const db: Kysely<StoreDatabase> = open();
    const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(storeMigrations(kind)) });
    const before = await migrator.migrateTo('0004-create-experiments');
    expect(before.error).toBeUndefined();
    const store = new KyselyDecisionStore(db, kind);
    try {
      const records = [makeRecord(1, { entityId: 'E-1' }), makeRecord(2, { experiment: { id: 'exp-1', arm: 'b' } }), makeRecord(3)];
      // Rows as the code of that schema wrote them: every column but occurred_at (0008).
      const oldRows = parseDecisionRecords(records).map((r) => {
        const { occurred_at: _, ...row } = toRow(r);
        return row;
      });
      await db.insertInto('decisions').values(oldRows).execute();
      await store.init();
      for (const r of records) expect((await store.getDecision(r.alertId))?.alertId).toBe(r.alertId);
      expect(await store.writeDecisions(records)).toEqual({ inserted: 0, duplicates: 3 });
      expect((await store.priorActivity(['E-1'], '2030-01-01T00:00:00.000Z')).decisions).toHaveLength(1);
      expect((await store.experimentCounts('exp-1')).arms.map((a) => a.alerts)).toEqual([1]);
      const tables = kind === 'sqlite'
        ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'decision_quarantine'`.execute(db)
        : await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE tablename = 'decision_quarantine'`.execute(db);
      expect(tables.rows).toHaveLength(1);
      // Old rows read back without an event time; new ones keep theirs.
      expect((await store.getDecision(records[0].alertId))?.occurredAt).toBeUndefined();
      await store.writeDecisions([makeRecord(4, { occurredAt: '2025-02-03T04:05:06.789Z' })]);
      expect((await store.getDecision(makeRecord(4).alertId))?.occurredAt).toBe('2025-02-03T04:05:06.789Z');
    } finally {
      await store.close();
    }
  });
});
