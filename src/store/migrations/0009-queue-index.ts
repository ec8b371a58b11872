/**
 * @module Migration 0009: the console's queue index. The queue lists live review/escalate
 * decisions riskiest first; without an index in that order, every page sorted all of them
 * (221–449 ms on 1M decisions, bench/console-queue.ts). Partial, so auto-closed and shadow rows
 * (most of the table) cost nothing; queries must repeat its predicate for SQLite to use it.
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

export function queueIndex(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await sql`CREATE INDEX IF NOT EXISTS decisions_queue_idx ON decisions (score DESC, seq DESC) WHERE decision IN ('review', 'escalate') AND NOT shadow`.execute(db);
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('decisions_queue_idx').ifExists().execute();
    },
  };
}
