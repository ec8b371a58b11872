/** @module A throwaway PostgreSQL database per test run, dropped afterwards; fails loudly when the server is down. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL suite uses; CI (`.ci/run`) makes sure it is running. */
export const ADMIN_URL = process.env.WINNOW_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database created for this run, with a way to empty it between tests. */
export interface TestDatabase {
  url: string;
  /** Drops and recreates the `public` schema, so the next store starts from no tables at all. */
  reset(): Promise<void>;
  drop(): Promise<void>;
}

/** Creates `winnow_test_<pid>_<random>`; throws a message saying how to start PostgreSQL if it cannot connect. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `winnow_test_${process.pid}_${randomUUID().slice(0, 8)}`;
  const admin = await connect(ADMIN_URL);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async reset() {
      const client = await connect(url.toString());
      try {
        await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = await connect(ADMIN_URL);
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    // Connection refused on both ::1 and 127.0.0.1 is an AggregateError with an empty message.
    const code = (error as { code?: string }).code;
    const reason = [code, error instanceof Error ? error.message : String(error)].filter(Boolean).join(': ') || 'unknown error';
    throw new Error(
      `PostgreSQL is not reachable at ${redact(url)} (${reason}). The PostgreSQL store suite does not skip: ` +
        'start the server (`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, as .ci/run does) ' +
        'or set WINNOW_TEST_POSTGRES_URL to a server where this user may CREATE DATABASE.',
      { cause: error },
    );
  }
  return client;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
