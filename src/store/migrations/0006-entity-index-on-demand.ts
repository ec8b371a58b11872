/**
 * @module Migration 0006: the entity index is built on demand. It serves one query, entity
 * history (priorActivity), which only models whose features read history ask for; every other
 * deployment paid for it on each decision: entity ids arrive in random order, so each insert
 * touched a random page of it, about half of a row's insert cost in bare SQLite
 * (bench/sqlite-decision-inserts.mjs). The store builds it before its first history lookup.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './index.ts';

/** Drops `decisions_entity_idx`; `KyselyDecisionStore.priorActivity` creates it again when history is first read. */
export function entityIndexOnDemand(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('decisions_entity_idx').ifExists().execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('decisions_entity_idx').ifNotExists().on('decisions').columns(['entity_id', 'decided_at']).execute();
    },
  };
}
