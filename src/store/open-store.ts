/** @module Chooses the decision store backend from a database URL or a file path. */
import type { DecisionStore } from './decision-store.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/**
 * Opens a `postgres://` / `postgresql://` URL as PostgreSQL and anything else as a SQLite file
 * path (`sqlite:` prefix optional, `:memory:` for tests); migrations run before it returns.
 */
export async function openStore(urlOrPath: string): Promise<DecisionStore> {
  const store = POSTGRES_URL.test(urlOrPath)
    ? openPostgresStore(urlOrPath)
    : openSqliteStore(urlOrPath.replace(/^sqlite:(\/\/)?/i, ''));
  try {
    await store.init();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Whether `openStore` would pick PostgreSQL for this URL or path. */
export function isPostgresUrl(urlOrPath: string): boolean {
  return POSTGRES_URL.test(urlOrPath);
}
