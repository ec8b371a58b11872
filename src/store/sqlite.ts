/** @module Opens the embedded SQLite decision store (the default backend) with durable settings. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { StoreDatabase } from './decision-table.ts';
import { KyselyDecisionStore } from './kysely-decision-store.ts';

/** Options for `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** How long a writer waits for another process's lock before failing (ms). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating the file and its directory if needed) a SQLite decision store; call `init()` next.
 *
 * Durability: WAL with `synchronous=FULL`. In WAL mode `NORMAL` syncs the log only at
 * checkpoints, so a power cut or OS crash can roll back transactions that already returned;
 * `FULL` fsyncs the log on every commit, so a resolved `writeDecisions` survives a crash
 * ("nothing acknowledged is lost"). The price is one fsync per transaction, which is why the
 * hot path batches records (batching-writer.ts) instead of committing one alert at a time.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): KyselyDecisionStore {
  return new KyselyDecisionStore(openSqliteDb(path, options), 'sqlite');
}

/**
 * A Kysely instance over a SQLite file with the durable settings above; the decision store and
 * the activation log each open their own connection to the same file this way.
 */
export function openSqliteDb(path: string, options: SqliteStoreOptions = {}): Kysely<StoreDatabase> {
  const { busyTimeoutMs = 5_000 } = options;
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    // Checkpoint the log every ~40 MB instead of SQLite's ~4 MB. Decision inserts land on random
    // pages of the entity index, so a small log forced a checkpoint (copy back and fsync) every
    // few batches: bench/sqlite-decision-inserts.mjs, 200-row commits, measured about 19 µs of
    // CPU per row with the default and about 16 µs with this. Readers are unaffected.
    database.pragma('wal_autocheckpoint = 10000');
    // Other connections (the CLI, the activation log, another process) write to the same file:
    // wait for their lock instead of failing.
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/** How many distinct write statements stay prepared (the stores issue a handful). */
const CACHED_STATEMENTS = 64;

/**
 * The database as Kysely's SQLite driver sees it, with write statements kept prepared. The
 * driver prepares every query anew; for the decision inserts, run every few rows, preparing
 * cost more than executing. Only statements that return no rows are cached: a reader may still
 * be iterating (a streamed export) when the same SQL runs again, which one statement cannot do.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = database.prepare(sql);
      if (!statement.reader) {
        if (cache.size >= CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
