/** @module Opens the PostgreSQL decision store, for deployments with several replicas or a managed database. */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { StoreDatabase } from './decision-table.ts';
import { KyselyDecisionStore } from './kysely-decision-store.ts';

/** Options for `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** Pool size; writes are batched, so a few connections serve many requests. */
  maxConnections?: number;
  /** How long to wait for a connection before a query (and readiness) fails (ms). */
  connectionTimeoutMs?: number;
  /**
   * How long a statement may wait for a lock before it fails (ms): a table locked by someone else
   * then fails the write (retried, and readiness turns 503) instead of hanging it.
   */
  lockTimeoutMs?: number;
  /** How long any statement may run (ms); generous, as export pages and index builds are long. */
  statementTimeoutMs?: number;
}

/**
 * Opens a pool to `url` (`postgres://user@host:port/db`) as a decision store; call `init()` next.
 * Durability comes from the server's default `synchronous_commit = on`: a commit returns after
 * its WAL record is flushed, so a resolved `writeDecisions` survives a server crash.
 */
export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): KyselyDecisionStore {
  return new KyselyDecisionStore(openPostgresDb(url, options), 'postgres');
}

/** A Kysely instance over a connection pool to `url`; the decision store and the activation log each keep their own. */
export function openPostgresDb(url: string, options: PostgresStoreOptions = {}): Kysely<StoreDatabase> {
  const { maxConnections = 4, connectionTimeoutMs = 5_000, lockTimeoutMs = 5_000, statementTimeoutMs = 120_000 } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    // Without a timeout a dead server makes every query, and /readyz, hang instead of failing.
    connectionTimeoutMillis: connectionTimeoutMs,
    // Session settings sent at connect: the server cancels what waits or runs too long.
    lock_timeout: lockTimeoutMs,
    statement_timeout: statementTimeoutMs,
    // A transaction left open by a stuck client would hold its locks for everyone else.
    idle_in_transaction_session_timeout: 60_000,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that kills the
  // process. The next query fails and is retried by its caller, so this only needs swallowing.
  pool.on('error', () => {});
  return new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
}
