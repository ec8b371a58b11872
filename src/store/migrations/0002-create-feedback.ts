/** @module Migration 0002: the append-only `feedback` table (analyst dispositions) and its indexes. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Creates `feedback`: one row per disposition ever received; corrections are new rows. */
export function createFeedback(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('feedback')
        .ifNotExists()
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
          dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
        )
        // The client's idempotency key, or a content hash when it sent none: a retry is a no-op.
        .addColumn('feedback_key', 'text', (column) => column.notNull())
        // Hash of the content, so a reused idempotency key with different content is refused.
        .addColumn('content_hash', 'text', (column) => column.notNull())
        .addColumn('alert_id', 'text', (column) => column.notNull())
        .addColumn('disposition', 'text', (column) => column.notNull())
        .addColumn('analyst_id', 'text', (column) => column.notNull())
        // When the analyst decided (canonical UTC ISO text, as decisions.decided_at).
        .addColumn('decided_at', 'text', (column) => column.notNull())
        // When winnow committed it: what "known at" means for point-in-time features.
        .addColumn('received_at', 'text', (column) => column.notNull())
        .addColumn('note', 'text')
        // Whether a decision for the alert was on record when the feedback arrived.
        .addColumn('matched', 'boolean', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('feedback_key_key').ifNotExists().unique().on('feedback').column('feedback_key').execute();
      await db.schema.createIndex('feedback_alert_idx').ifNotExists().on('feedback').columns(['alert_id', 'decided_at', 'seq']).execute();
      await db.schema.createIndex('feedback_received_idx').ifNotExists().on('feedback').columns(['received_at', 'seq']).execute();
      // Entity history (prior alerts of an entity before a time) reads decisions by entity.
      await db.schema.createIndex('decisions_entity_idx').ifNotExists().on('decisions').columns(['entity_id', 'decided_at']).execute();
      // The sampling probability in force when the decision was made (export weights).
      await db.schema.alterTable('decisions').addColumn('sample_rate', 'double precision').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('feedback').ifExists().execute();
      await db.schema.dropIndex('decisions_entity_idx').ifExists().execute();
      await db.schema.alterTable('decisions').dropColumn('sample_rate').execute();
    },
  };
}
