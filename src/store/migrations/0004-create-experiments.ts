/** @module Migration 0004: the `experiments` table, and the `shadow` flag on decisions (a shadow arm's record never is the alert's decision). */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Creates `experiments` and adds `decisions.shadow` (default false, so existing rows stay live decisions). */
export function createExperiments(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('experiments')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        // The validated definition as JSON text (src/experiments/experiment-schema.ts).
        .addColumn('definition', 'text', (column) => column.notNull())
        // 'running' | 'stopped'
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .addColumn('stopped_at', 'text')
        .addColumn('stop_reason', 'text')
        // JSON array of {arm, at, reason}: arms a guardrail stopped while the experiment ran.
        .addColumn('stopped_arms', 'text', (column) => column.notNull().defaultTo('[]'))
        .execute();
      await db.schema.createIndex('experiments_status_idx').ifNotExists().on('experiments').column('status').execute();
      // `false` literal: SQLite (3.23+) and PostgreSQL both read it as their boolean false.
      await db.schema.alterTable('decisions').addColumn('shadow', 'boolean', (column) => column.notNull().defaultTo(sql`false`)).execute();
      // The report groups an experiment's decisions by arm.
      await db.schema.createIndex('decisions_experiment_idx').ifNotExists().on('decisions').columns(['experiment_id', 'experiment_arm']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('decisions_experiment_idx').ifExists().execute();
      await db.schema.alterTable('decisions').dropColumn('shadow').execute();
      await db.schema.dropTable('experiments').ifExists().execute();
    },
  };
}
