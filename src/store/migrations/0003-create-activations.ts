/** @module Migration 0003: the append-only `activations` log; its latest row is the active model of every replica. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Creates `activations`: who switched which model version in, when, and from what. */
export function createActivations(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('activations')
        .ifNotExists()
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
          dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
        )
        .addColumn('model_name', 'text', (column) => column.notNull())
        .addColumn('model_version', 'text', (column) => column.notNull())
        .addColumn('from_name', 'text')
        .addColumn('from_version', 'text')
        // 'promote' | 'rollback' | 'activate' (admin API) | 'initial'
        .addColumn('action', 'text', (column) => column.notNull())
        .addColumn('actor', 'text', (column) => column.notNull())
        .addColumn('activated_at', 'text', (column) => column.notNull())
        .addColumn('note', 'text')
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('activations').ifExists().execute();
    },
  };
}
