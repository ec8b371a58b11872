/** @module Migration 0005: `decision_quarantine`, where records the store refused are kept with the reason. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Creates `decision_quarantine`; existing tables are untouched, so a store migrates forward as it is. */
export function createDecisionQuarantine(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('decision_quarantine')
        .ifNotExists()
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
          dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
        )
        // The alert id as sent when it is storable text, else its JSON spelling (escapes included).
        .addColumn('alert_id', 'text')
        .addColumn('quarantined_at', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        // The whole record as JSON text (store/storable-text.ts: storableJson), for a person to read and replay.
        .addColumn('record', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('decision_quarantine_alert_idx').ifNotExists().on('decision_quarantine').columns(['alert_id', 'seq']).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('decision_quarantine').ifExists().execute();
    },
  };
}
