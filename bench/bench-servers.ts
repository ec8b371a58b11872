/**
 * @module The servers the serving benchmarks take turns with, each its own child process:
 * `bench/floor-server.ts` (the bare floor), and the real `winnow serve` on a fresh SQLite data
 * dir or on a fresh scratch PostgreSQL database. Each can count the decisions in its store, and
 * `dispose()` releases everything it made (process, temp dir, database) even after an error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { exited, freePort, REPO_ROOT, startServe } from '../test/helpers/serve-process.ts';

export interface BenchServer {
  pid: number;
  url: string;
  /** Whether the process is still running (it should be, until `stop`). */
  alive(): boolean;
  /** Rows in the `decisions` table now (`count(*)`); undefined for the floor server, which keeps none. */
  storedCount?(): Promise<number>;
  /** Highest `decisions.seq` now: a cheap reading while the server writes (equals the count without gaps). */
  storedMaxSeq?(): Promise<number>;
  /** Graceful stop (SIGTERM), waits for the exit ('killed' if it took SIGKILL after 120 s); the store stays readable until `dispose`. */
  stop(): Promise<'exited' | 'killed'>;
  /** Kills the process if it still runs and deletes its temp dir or scratch database; safe to call twice. */
  dispose(): Promise<void>;
}

/** How long a graceful stop may take (a write-behind store may have many records left to write) before SIGKILL. */
const STOP_GRACE_MS = 120_000;

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`; says which ended it. */
async function terminate(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<'exited' | 'killed'> {
  if (child.exitCode !== null || child.signalCode !== null) return 'exited';
  child.kill('SIGTERM');
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, graceMs);
  await exited(child);
  clearTimeout(timer);
  return killed ? 'killed' : 'exited';
}

/** `bench/floor-server.ts` on a free port, ready when this resolves. */
export async function startFloorServer(): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor-server.ts', String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bench/floor-server.ts not ready after 30 s')), 30_000);
      child.stdout!.once('data', () => resolve(clearTimeout(timer)));
      child.once('exit', (code) => reject(new Error(`bench/floor-server.ts exited with ${code}`)));
    });
  } catch (error) {
    await terminate(child, 1_000);
    throw error;
  }
  child.stdout!.resume();
  const stop = () => terminate(child);
  return {
    pid: child.pid!, url: `http://127.0.0.1:${port}`, alive: () => child.exitCode === null && child.signalCode === null,
    stop, dispose: async () => void (await stop()),
  };
}

/** `winnow serve ARGS` on a fresh temp data dir (SQLite store). */
export async function startWinnowSqlite(args: string[] = []): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'winnow-bench-'));
  const dispose = async () => {
    if (serve) await terminate(serve.child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    serve = await startServe(['--data-dir', dataDir, ...args]);
  } catch (error) {
    await dispose();
    throw error;
  }
  const { child, url } = serve;
  // A fresh read-only connection per reading: WAL lets it read while the server writes, and it holds no lock in between.
  const query = (sql: string) => {
    const db = new Database(join(dataDir, 'winnow.db'), { readonly: true, fileMustExist: true, timeout: 10_000 });
    try {
      return Promise.resolve(Number((db.prepare(sql).get() as { n: number | null }).n ?? 0));
    } finally {
      db.close();
    }
  };
  return {
    pid: child.pid!, url, alive: () => child.exitCode === null && child.signalCode === null,
    storedCount: () => query('SELECT count(*) AS n FROM decisions'),
    storedMaxSeq: () => query('SELECT max(seq) AS n FROM decisions'),
    stop: () => terminate(child),
    dispose,
  };
}

/**
 * `winnow serve ARGS` on a scratch database created on the PostgreSQL server of `adminUrl` (a
 * database URL whose user may create databases) and dropped by `dispose`.
 */
export async function startWinnowPostgres(adminUrl: string, args: string[] = []): Promise<BenchServer> {
  const name = `winnow_bench_${process.pid}_${Date.now()}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  let pool: pg.Pool | undefined;
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    if (serve) await terminate(serve.child);
    await pool?.end().catch(() => {});
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  try {
    serve = await startServe(['--database', url.href, ...args]);
  } catch (error) {
    await dispose();
    throw error;
  }
  pool = new pg.Pool({ connectionString: url.href, max: 1 });
  pool.on('error', () => {});
  const query = async (sql: string) => Number((await pool!.query<{ n: string | null }>(sql)).rows[0].n ?? 0);
  const { child } = serve;
  return {
    pid: child.pid!, url: serve.url, alive: () => child.exitCode === null && child.signalCode === null,
    storedCount: () => query('SELECT count(*) AS n FROM decisions'),
    storedMaxSeq: () => query('SELECT max(seq) AS n FROM decisions'),
    stop: () => terminate(child),
    dispose,
  };
}
