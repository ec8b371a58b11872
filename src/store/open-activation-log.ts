/** @module Opens the activation log in the same database as the decision store (same URL/path rules as open-store.ts). */
import { KyselyActivationLog } from './activation-log.ts';
import { isPostgresUrl } from './open-store.ts';
import { openPostgresDb } from './postgres.ts';
import { openSqliteDb } from './sqlite.ts';

/** Options for `openActivationLog`. */
export interface ActivationLogOptions {
  /** Clock for `activatedAt` (tests). */
  now?: () => Date;
}

/**
 * Opens `postgres://…` as PostgreSQL and anything else as a SQLite file (`sqlite:` prefix optional,
 * `:memory:` for tests), then migrates. The log keeps its own small connection rather than going
 * through the decision store: it is read every few seconds by every replica and written rarely,
 * so it must not queue behind batches of decision records.
 */
export async function openActivationLog(urlOrPath: string, options: ActivationLogOptions = {}): Promise<KyselyActivationLog> {
  // PostgreSQL gets two connections: a poll and an admin write never wait for each other.
  const log = isPostgresUrl(urlOrPath)
    ? new KyselyActivationLog(openPostgresDb(urlOrPath, { maxConnections: 2 }), 'postgres', options)
    : new KyselyActivationLog(openSqliteDb(urlOrPath.replace(/^sqlite:(\/\/)?/i, '')), 'sqlite', options);
  try {
    await log.init();
  } catch (error) {
    await log.close();
    throw error;
  }
  return log;
}
