/** @module Store migrations, compiled in (no files read at run time) and applied by Kysely's Migrator. */
import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { createDecisions } from './0001-create-decisions.ts';
import { createFeedback } from './0002-create-feedback.ts';
import { createActivations } from './0003-create-activations.ts';
import { createExperiments } from './0004-create-experiments.ts';
import { createDecisionQuarantine } from './0005-create-decision-quarantine.ts';
import { entityIndexOnDemand } from './0006-entity-index-on-demand.ts';
import { partialExperimentIndex } from './0007-partial-experiment-index.ts';
import { decisionOccurredAt } from './0008-decision-occurred-at.ts';
import { queueIndex } from './0009-queue-index.ts';

/** The SQL dialects a store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** All migrations in order; names sort lexically, so keep the zero-padded prefix. */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-create-decisions': createDecisions(dialect),
    '0002-create-feedback': createFeedback(dialect),
    '0003-create-activations': createActivations(dialect),
    '0004-create-experiments': createExperiments(dialect),
    '0005-create-decision-quarantine': createDecisionQuarantine(dialect),
    '0006-entity-index-on-demand': entityIndexOnDemand(dialect),
    '0007-partial-experiment-index': partialExperimentIndex(dialect),
    '0008-decision-occurred-at': decisionOccurredAt(dialect),
    '0009-queue-index': queueIndex(dialect),
  };
}

/** A provider over in-code migrations, so a bundled or installed winnow needs no migration folder. */
export class InCodeMigrationProvider implements MigrationProvider {
  readonly #migrations: Record<string, Migration>;

  constructor(migrations: Record<string, Migration>) {
    this.#migrations = migrations;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    return this.#migrations;
  }
}

/** Brings the schema to the latest migration; throws naming the migration that failed. */
export async function migrateToLatest(db: Kysely<any>, dialect: StoreDialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(storeMigrations(dialect)) });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const name = failed === undefined ? 'migration bookkeeping' : `migration ${failed.migrationName}`;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`decision store: ${name} failed: ${message}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
