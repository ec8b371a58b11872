/**
 * @module Migration 0009: the console's queue index. The queue lists live review/escalate
 * decisions riskiest first; without an index in that order, every page sorted all of them
 * (221–449 ms on 1M decisions, bench/console-queue.ts), and a rare rule's queue walked nearly all
 * of them. Partial, so auto-closed and shadow rows cost nothing; queries must repeat the predicate
 * for SQLite to use them.
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

export function queueIndex(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await sql`CREATE INDEX IF NOT EXISTS decisions_queue_idx ON decisions (score DESC, seq DESC) WHERE decision IN ('review', 'escalate') AND NOT shadow`.execute(db);
      // Analysts work a rule at a time: a rule's queue is then a range of its own, however rare the rule.
      await sql`CREATE INDEX IF NOT EXISTS decisions_queue_rule_idx ON decisions (rule_id, score DESC, seq DESC) WHERE decision IN ('review', 'escalate') AND NOT shadow`.execute(db);
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('decisions_queue_rule_idx').ifExists().execute();
      await db.schema.dropIndex('decisions_queue_idx').ifExists().execute();
    },
  };
}
