/**
 * @module Sustained serving throughput (DESIGN.md: batch-100, loopback, ≥ 60 s, records committed
 * before the answer, ≥ 70% of the floor server in the same run, 0 × 503). Takes turns, in one
 * run, with (1) bench/floor-server.ts, (2) `winnow serve` on a fresh SQLite data dir and (3)
 * `winnow serve` on a fresh scratch PostgreSQL database, each under the same closed-loop
 * autocannon load after a warm-up, and reports for each: alerts/s over the window and per slice,
 * responses by status, p50/p99 latency, server CPU per alert (total and by thread), the load
 * generator's and the rest of the machine's CPU per alert, and for winnow the decisions in the
 * store (at the end of the load and after a graceful stop) against the alerts acknowledged 2xx.
 *
 * Request bodies: the serving benchmarks' 50 batches of 100 (seed 21), with alert ids made
 * unique per request by default (fresh traffic; the floor gets the same bodies). --same-ids
 * sends the 50 bodies as they are, so every lap re-scores the same ids (retries): winnow then
 * appends a new decision record per re-score, as it does for a retry.
 *
 * Usage: npx tsx bench/sustained.ts [--seconds 60] [--runs 1] [--stores sqlite,postgres] [--connections 4] …
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type BenchServer, startFloorServer, startWinnowPostgres, startWinnowSqlite } from './bench-servers.ts';
import { batchBodies, benchAlerts, fixedRequests, uniqueIdRequests } from './score-bodies.ts';
import { type Acked, runWindow } from './sustained-load.ts';
import { markdownTables, type ServerRun, serverBlock, sliceLine, type Target, TARGET_LABEL } from './sustained-report.ts';

const USAGE = `npx tsx bench/sustained.ts [options]

  --seconds S        measured window per server (default 60)
  --warmup S         load before each window, not measured (default 5)
  --slice S          slice length for the per-slice figures (default 10)
  --runs N           rounds of floor → stores (default 1)
  --stores LIST      winnow stores to run after the floor: sqlite,postgres (default both; '' for the floor only)
  --connections N    concurrent connections, each one request in flight (default 4)
  --record MODE      passed to winnow serve as --record MODE (default: not passed, the server's default)
  --same-ids         send the 50 bodies as they are (ids repeat every lap) instead of unique ids per request
  --pg-admin URL     PostgreSQL URL of a user that may create and drop databases
                     (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database
                     winnow_bench_<pid>_<ms> is created for the run and dropped after it
  --json FILE        also write every figure as JSON to FILE
  --help`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' }, warmup: { type: 'string', default: '5' }, slice: { type: 'string', default: '10' },
    runs: { type: 'string', default: '1' }, stores: { type: 'string', default: 'sqlite,postgres' }, connections: { type: 'string', default: '4' },
    record: { type: 'string' }, 'same-ids': { type: 'boolean', default: false },
    'pg-admin': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' }, json: { type: 'string' }, help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const sliceSeconds = Number(values.slice);
const runs = Number(values.runs);
const connections = Number(values.connections);
const stores = values.stores.split(',').map((s) => s.trim()).filter(Boolean);
for (const [name, x] of Object.entries({ seconds, warmup, slice: sliceSeconds, runs, connections })) {
  if (!Number.isFinite(x) || x < 0 || (name !== 'warmup' && x <= 0)) throw new Error(`--${name} must be a positive number, got ${x}`);
}
for (const s of stores) if (s !== 'sqlite' && s !== 'postgres') throw new Error(`--stores: unknown store '${s}' (sqlite, postgres)`);
const targets: Target[] = ['floor', ...(stores as Target[])];
const winnowArgs = values.record ? ['--record', values.record] : [];

const alerts = benchAlerts();
const unique = uniqueIdRequests(alerts);
const requests = values['same-ids'] ? fixedRequests(batchBodies(alerts)) : unique.requests;

// Whatever happens (an error, Ctrl-C, SIGTERM), each server is disposed of by the `finally` that
// started it: process stopped, temp dir removed, scratch database dropped. A signal only stops the
// load and makes the next step throw, so a server still starting is cleaned up once it is up.
// A second signal exits at once.
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted.signal.aborted) process.exit(130);
    console.error(`\n${signal}: stopping the load and the server, dropping the scratch database (again to quit at once)…`);
    interrupted.abort(new Error(`interrupted by ${signal}`));
  });
}
const checkInterrupted = () => interrupted.signal.throwIfAborted();

const start = (target: Target): Promise<BenchServer> =>
  target === 'floor' ? startFloorServer() : target === 'sqlite' ? startWinnowSqlite(winnowArgs) : startWinnowPostgres(values['pg-admin'], winnowArgs);

async function measure(run: number, target: Target, floorAlertsPerSec?: number): Promise<ServerRun> {
  const before = loadavg()[0];
  const server = await start(target);
  try {
    checkInterrupted();
    const acked: Acked = { alerts: 0 };
    const signal = interrupted.signal;
    if (warmup > 0) await runWindow({ server, requests, connections, seconds: warmup, sliceSeconds: warmup + 1, acked, signal });
    checkInterrupted();
    console.error(`${TARGET_LABEL[target]} (run ${run}): measuring ${seconds} s…`);
    const window = await runWindow({
      server, requests, connections, seconds, sliceSeconds, acked, signal, onSlice: (slice, k) => console.error(sliceLine(target, k, slice)),
    });
    checkInterrupted();
    const aliveAtEnd = server.alive();
    const storedAtLoadEnd = aliveAtEnd ? await server.storedCount?.() : undefined;
    const stopStart = performance.now();
    const stoppedBy = await server.stop();
    const stopSeconds = (performance.now() - stopStart) / 1000;
    const storedAfterStop = await server.storedCount?.();
    return { run, target, pid: server.pid, window, floorAlertsPerSec, acked: acked.alerts, storedAtLoadEnd, storedAfterStop, stopSeconds, stoppedBy, aliveAtEnd, loadAverage: { before, after: loadavg()[0] } };
  } finally {
    await server.dispose();
  }
}

const loadBefore = loadavg();
const started = new Date();
const results: ServerRun[] = [];
console.log(`sustained batch-100: ${seconds} s per server after ${warmup} s of warm-up, ${connections} connections, ${values['same-ids'] ? 'the same ids every lap' : 'unique ids per request'}, winnow ${values.record ? `--record ${values.record}` : 'with its default recording'}`);
console.log(`${started.toISOString()}, node ${process.version}, ${availableParallelism()} cores, load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}\n`);
let failure: unknown;
try {
  for (let run = 1; run <= runs; run++) {
    let floor: number | undefined;
    for (const target of targets) {
      checkInterrupted();
      const result = await measure(run, target, floor);
      if (target === 'floor') floor = result.window.alertsPerSec;
      results.push(result);
      console.log(`${serverBlock(result)}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // let the last server's exit and the disk settle
    }
  }
} catch (error) {
  failure = error; // the servers are already cleaned up; what was measured is still printed
}

const loadAfter = loadavg();
if (results.length > 0) console.log(markdownTables(results, sliceSeconds, seconds));
console.log(`\nLoad average (1, 5, 15 min) before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}; ${started.toISOString()}, ${seconds} s per server, ${connections} connections, ${values['same-ids'] ? 'same ids every lap' : `unique ids (${unique.built().toLocaleString('en-US')} requests built)`}.`);
console.log('CPU µs per alert answered 2xx. "busiest other" is winnow\'s decision-store worker thread; "rest of machine" is everything else on the machine (PostgreSQL\'s backends included). stored − acked ≥ 0 at load end means every acknowledged alert was in the store when its answer arrived; up to 2 × connections × 100 above 0 is expected (requests in flight when the warm-up and the window were cut off are stored but never counted as acknowledged).');
if (values.json) writeFileSync(values.json, JSON.stringify({ started, seconds, warmup, connections, loadBefore, loadAfter, results }, null, 1));
if (failure !== undefined) {
  console.error(interrupted.signal.aborted ? `\n${interrupted.signal.reason.message}: the tables above hold the servers measured before it` : failure);
  process.exitCode = interrupted.signal.aborted ? 130 : 1;
}
