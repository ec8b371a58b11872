/**
 * @module Migration 0008: `decisions.occurred_at`, the alert's own event time as its sender gave it.
 * Entity history measures recency by it (src/feedback/entity-history.ts); the scoring clock made a
 * replay or backfill look like one burst. Older rows read as null: their recency falls back to
 * their decision time, which is what it always was.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Adds the nullable column; existing rows keep their content and their content keys. */
export function decisionOccurredAt(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('decisions').addColumn('occurred_at', 'text').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('decisions').dropColumn('occurred_at').execute();
    },
  };
}
