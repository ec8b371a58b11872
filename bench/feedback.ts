/**
 * @module Feedback ingestion benchmark: durable records/s through `POST /v1/feedback` of the real
 * `winnow serve` process (its own process, logs at warn) with autocannon on loopback, for each
 * batch size, on SQLite (default) or PostgreSQL (`--database`).
 *
 * Every request carries new alert ids and idempotency keys (built per request by `setupRequest`),
 * so every item is a real insert. The rate is taken from the rows actually stored by the run
 * (counted in the database afterwards), cross-checked with the 2xx count × batch size.
 */
import { startServe } from '../test/helpers/serve-process.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';

const usage = `Usage: npx tsx bench/feedback.ts [options]

Durable feedback ingestion (records/s) through POST /v1/feedback of a real \`winnow serve\`
process, driven by autocannon over loopback. Each request carries fresh alert ids and
idempotency keys, so every record is an insert; the rate is counted from the rows stored.

Options:
  --seconds N          duration of each autocannon run (default 10)
  --connections N      concurrent keep-alive connections (default 8)
  --batch LIST         comma-separated batch sizes, items per request (default 1,100)
  --database URL       use PostgreSQL instead of a fresh SQLite store in a temp folder.
                       The database must exist; the server migrates it. For example:
                         createdb -h 127.0.0.1 -U postgres winnow_bench
                         npx tsx bench/feedback.ts --database postgres://postgres@127.0.0.1:5432/winnow_bench
  --help               print this text

Prints one JSON line per batch size: records/s from stored rows, from 2xx x batch, request
latency p50/p99 (ms), status codes, and the server's CPU seconds per thread during the run.`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' }, batch: { type: 'string', default: '1,100' },
    database: { type: 'string' }, help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const batchSizes = values.batch!.split(',').map(Number);
if (!(seconds > 0) || !(connections >= 1) || batchSizes.some((b) => !Number.isInteger(b) || b < 1 || b > 1000)) {
  console.error(usage);
  process.exit(2);
}
const database = values.database;

/** Counts the feedback rows whose alert id starts with `prefix`, straight from the database. */
async function countRows(prefix: string): Promise<number> {
  if (database) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM feedback WHERE alert_id LIKE $1', [`${prefix}%`]);
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(dataDir, 'winnow.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM feedback WHERE alert_id LIKE ?').get(`${prefix}%`) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** CPU seconds used so far by each thread of `pid` (as bench/thread-cpu.sh; 100 ticks/s). */
function threadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch { /* thread ended */ }
  }
  return out;
}

if (database) {
  // Fail early with the hint, rather than as a server that never becomes ready.
  const client = new pg.Client({ connectionString: database, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.end();
  } catch (err) {
    console.error(`cannot connect to ${database}: ${(err as Error).message}\ncreate it first, e.g.: createdb -h 127.0.0.1 -U postgres winnow_bench`);
    process.exit(1);
  }
}
const dataDir = mkdtempSync(join(tmpdir(), 'winnow-bench-feedback-'));
const serve = await startServe(['--data-dir', dataDir, ...(database ? ['--database', database] : [])]);
const server = serve.child;
const url = serve.url;

const run = (opts: autocannon.Options) => new Promise<autocannon.Result>((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
const DISPOSITIONS = ['false_positive', 'false_positive', 'false_positive', 'true_positive', 'inconclusive', 'sar_filed'];
// A tag per run, so ids never collide with an earlier run against the same database.
const runTag = Date.now().toString(36);
console.error(`winnow serve pid ${server.pid} (${database ? 'postgres' : 'sqlite'}); ${connections} connections, ${seconds} s per run; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

for (const batch of batchSizes) {
  const prefix = `fb-${runTag}-b${batch}-`;
  // The body is a template with a request-number placeholder: per request a string replace,
  // so the load generator spends little of the 2 shared cores building bodies.
  const items = Array.from({ length: batch }, (_, i) => ({
    alertId: `${prefix}{R}-${i}`,
    disposition: DISPOSITIONS[i % DISPOSITIONS.length],
    analystId: `analyst-${i % 17}`,
    decidedAt: new Date(Date.UTC(2025, 5, 1, 9) + i * 60_000).toISOString(),
    ...(i % 5 === 0 ? { note: 'Checked the customer profile and the counterparties; pattern explained by payroll.' } : {}),
    idempotencyKey: `case-tool-${runTag}-b${batch}-{R}-${i}`,
  }));
  const template = JSON.stringify(batch === 1 ? items[0] : { items });
  let requestNo = 0;
  const before = threadCpu(server.pid!);
  const t0 = performance.now();
  const result = await run({
    url, connections, duration: seconds,
    requests: [{
      method: 'POST', path: '/v1/feedback', headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: template.replaceAll('{R}', String(requestNo++)) }),
    }],
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const after = threadCpu(server.pid!);
  // Let responses of requests cut off at the end land before counting (they commit or not; either is counted).
  await new Promise((r) => setTimeout(r, 500));
  const stored = await countRows(prefix);
  const ok = result['2xx'];
  const created = (result.statusCodeStats as Record<string, { count: number }>)['201']?.count ?? 0;
  // Stored may exceed 2xx × batch by the requests in flight when autocannon stopped (≤ connections).
  const consistent = stored % batch === 0 && stored >= ok * batch && stored <= (ok + connections) * batch && created === ok;
  const cpu = [...after].map(([tid, s]) => ({ tid, s: s - (before.get(tid) ?? 0) })).filter((t) => t.s >= 0.05).sort((a, b) => b.s - a.s);
  console.log(JSON.stringify({
    store: database ? 'postgres' : 'sqlite', batch, connections, seconds: Number(result.duration.toFixed(2)),
    recordsPerSec: Math.round(stored / result.duration),
    recordsPerSec2xx: Math.round((ok * batch) / result.duration),
    storedRows: stored, requests2xx: ok, status201: created, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
    requestsPerSec: Math.round(ok / result.duration),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    serverCpuSeconds: { total: Number(cpu.reduce((a, t) => a + t.s, 0).toFixed(2)), byThread: cpu.map((t) => `${t.tid === server.pid ? 'main' : t.tid}:${t.s.toFixed(2)}`).join(' ') },
    wallSeconds: Number(wallSeconds.toFixed(2)),
    consistent,
  }));
  if (!consistent) console.error(`batch ${batch}: stored rows (${stored}) do not match 2xx × batch (${ok} × ${batch}, ${created} were 201)`);
}

await serve.stop();
rmSync(dataDir, { recursive: true, force: true });
