/** @module The flags every store-reading command shares, resolved exactly as `winnow serve` resolves them. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPostgresUrl } from '../store/open-store.ts';
import { UsageError } from './args.ts';

/** Usage lines for the store flags. */
export const STORE_FLAGS_USAGE = `  --data-dir DIR       the embedded SQLite store's folder (WINNOW_DATA_DIR, default data)
  --database URL       postgres://… when the service keeps decisions in PostgreSQL (WINNOW_DATABASE_URL)`;

/** parseFlags entries for the store flags. */
export const STORE_FLAGS = { 'data-dir': { type: 'string' }, database: { type: 'string' } } as const;

/** The database URL or SQLite file path the service uses with these flags and environment. */
export function storeLocation(v: { 'data-dir'?: string; database?: string }, env: NodeJS.ProcessEnv = process.env): string {
  if (v.database !== undefined && v['data-dir'] !== undefined) throw new UsageError('give --database or --data-dir, not both');
  // An explicit flag beats the environment; then the same defaults as `winnow serve`.
  return v.database ?? (v['data-dir'] === undefined ? env.WINNOW_DATABASE_URL : undefined) ?? join(v['data-dir'] ?? env.WINNOW_DATA_DIR ?? 'data', 'winnow.db');
}

/**
 * The store a reading command must find, refusing a SQLite file that does not exist instead of
 * creating an empty one: a mistyped --data-dir then says so, rather than "wrote 0 rows" or "no
 * scored decisions" with exit 0. The one place every such command checks it.
 */
export function existingStoreLocation(v: { 'data-dir'?: string; database?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const location = storeLocation(v, env);
  if (!isPostgresUrl(location) && !existsSync(location.replace(/^sqlite:(\/\/)?/i, ''))) {
    throw new Error(`no store at ${location}: give the --data-dir (or --database) that 'winnow serve' used, or start 'winnow serve' there once`);
  }
  return location;
}
