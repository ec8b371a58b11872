/**
 * @module The keyset cursor of `listDecisions` seeks in the (decided_at, seq) index on both
 * backends. Export and drift page through every decision with it; a cursor the planner cannot
 * seek with makes each page walk the index from its start (quadratic in the table size), which
 * no functional test notices. So this checks each database's own plan.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreDatabase } from '../../src/store/decision-table.ts';
import { decisionPage, KyselyDecisionStore } from '../../src/store/kysely-decision-store.ts';
import { openPostgresDb } from '../../src/store/postgres.ts';
import { openSqliteDb } from '../../src/store/sqlite.ts';
import { createTestDatabase, type TestDatabase } from './pg-test-database.ts';

const cursor = { after: { decidedAt: '2026-01-02T00:00:00.000Z', seq: 5 }, limit: 100 };

let pg: TestDatabase;
beforeAll(async () => {
  pg = await createTestDatabase();
});
afterAll(async () => pg?.drop());

async function migrated(db: Kysely<StoreDatabase>, kind: 'sqlite' | 'postgres'): Promise<Kysely<StoreDatabase>> {
  await new KyselyDecisionStore(db, kind).init();
  return db;
}

describe('listDecisions / listDecisionKeys cursor plan', () => {
  it('SQLite searches decisions_decided_at_idx from the cursor instead of scanning it', async () => {
    const db = await migrated(openSqliteDb(join(mkdtempSync(join(tmpdir(), 'winnow-plan-')), 'w.db')), 'sqlite');
    try {
      const q = decisionPage(db, cursor).selectAll().compile();
      const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
      expect(plan.rows.map((r) => r.detail)).toEqual(['SEARCH decisions USING INDEX decisions_decided_at_idx (decided_at>?)']);
    } finally {
      await db.destroy();
    }
  });

  it('SQLite reads one experiment through the partial experiment index (decisions without one are not in it)', async () => {
    const db = await migrated(openSqliteDb(join(mkdtempSync(join(tmpdir(), 'winnow-plan-')), 'w.db')), 'sqlite');
    try {
      const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT count(*) FROM decisions WHERE experiment_id = ${'exp-1'}`.execute(db);
      expect(plan.rows.map((r) => r.detail)).toEqual(['SEARCH decisions USING COVERING INDEX decisions_experiment_idx (experiment_id=?)']);
      const ddl = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE name = 'decisions_experiment_idx'`.execute(db);
      expect(ddl.rows[0].sql).toMatch(/where "experiment_id" is not null$/i);
    } finally {
      await db.destroy();
    }
  });

  it('PostgreSQL uses the cursor as the index condition, not as a filter', async () => {
    const db = await migrated(openPostgresDb(pg.url), 'postgres');
    try {
      const lines = await db.transaction().execute(async (trx) => {
        // An empty table would rather be read whole or through a bitmap; ask for the plan a large one gets.
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
        const q = decisionPage(trx, cursor).selectAll().compile();
        const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${q.sql}`, [...q.parameters]));
        return plan.rows.map((r) => r['QUERY PLAN'].trim());
      });
      expect(lines.some((l) => l.startsWith('->  Index Scan using decisions_decided_at_idx on decisions'))).toBe(true);
      expect(lines.some((l) => /^Index Cond: \(ROW\(decided_at, seq\) > ROW\('2026-01-02T00:00:00\.000Z'::text, '5'::bigint\)\)$/.test(l))).toBe(true);
    } finally {
      await db.destroy();
    }
  });
});
