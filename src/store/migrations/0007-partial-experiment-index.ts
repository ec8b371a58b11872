/**
 * @module Migration 0007: the experiment index covers only decisions made under an experiment.
 * Most decisions have none; each still cost an entry in (experiment_id, experiment_arm), which
 * no query reads: reports look up one experiment id, and `experiment_id = ?` implies NOT NULL, so
 * both planners use the partial index for it.
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Replaces `decisions_experiment_idx` with the same index over rows that have an experiment. */
export function partialExperimentIndex(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('decisions_experiment_idx').ifExists().execute();
      await db.schema.createIndex('decisions_experiment_idx').on('decisions').columns(['experiment_id', 'experiment_arm']).where(sql.ref('experiment_id'), 'is not', null).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('decisions_experiment_idx').ifExists().execute();
      await db.schema.createIndex('decisions_experiment_idx').on('decisions').columns(['experiment_id', 'experiment_arm']).execute();
    },
  };
}
