/** @module Migration 0001: the append-only `decisions` table and the indexes its queries use. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Creates `decisions`; only the sequence column differs between the two dialects. */
export function createDecisions(dialect: StoreDialect): Migration {
  return {
    // Kysely<any> is the documented type for migrations: they must not depend on today's schema types.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('decisions')
        .ifNotExists()
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
          // AUTOINCREMENT: SQLite then never reuses a sequence number, so seq only grows.
          dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
        )
        .addColumn('record_key', 'text', (column) => column.notNull())
        .addColumn('alert_id', 'text', (column) => column.notNull())
        // Canonical UTC ISO text (fixed width), so text order is time order on both backends.
        .addColumn('decided_at', 'text', (column) => column.notNull())
        .addColumn('rule_id', 'text', (column) => column.notNull())
        .addColumn('segment', 'text')
        .addColumn('entity_id', 'text')
        .addColumn('model_name', 'text', (column) => column.notNull())
        .addColumn('model_version', 'text', (column) => column.notNull())
        .addColumn('spec_hash', 'text', (column) => column.notNull())
        // Feature vector text: 'f32:' + base64 float32, or a JSON array with NaN as null (see store/feature-codec.ts).
        .addColumn('features', 'text', (column) => column.notNull())
        .addColumn('score', 'double precision')
        .addColumn('band', 'text', (column) => column.notNull())
        .addColumn('decision', 'text', (column) => column.notNull())
        .addColumn('reason', 'text')
        .addColumn('sample', 'boolean', (column) => column.notNull())
        .addColumn('degraded', 'boolean', (column) => column.notNull())
        .addColumn('policy_version', 'text', (column) => column.notNull())
        .addColumn('experiment_id', 'text')
        .addColumn('experiment_arm', 'text')
        .addColumn('request_id', 'text')
        .execute();

      // Unique content key (decision time + hash): re-writing an identical record (a retried batch) is skipped.
      await db.schema
        .createIndex('decisions_record_key_key')
        .ifNotExists()
        .unique()
        .on('decisions')
        .column('record_key')
        .execute();
      // getDecision / getDecisionHistory: latest per alert.
      await db.schema
        .createIndex('decisions_alert_id_idx')
        .ifNotExists()
        .on('decisions')
        .columns(['alert_id', 'decided_at', 'seq'])
        .execute();
      // listDecisions: export in time order with a keyset cursor.
      await db.schema
        .createIndex('decisions_decided_at_idx')
        .ifNotExists()
        .on('decisions')
        .columns(['decided_at', 'seq'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('decisions').ifExists().execute();
    },
  };
}
