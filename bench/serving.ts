/**
 * @module Serving benchmark: HTTP batch-100 throughput against in-process ONNX Runtime on the same
 * bundle, and single-alert latency at a fixed 200 requests/s, with the real `winnow serve`
 * process (SQLite store by default; `--database postgres://…` for PostgreSQL) and autocannon on loopback.
 *
 * Order: in-process ORT; start the server; single-alert latency for the first seconds after
 * start (cold: code not yet optimised); warm-up; steady-state latency (`--runs` runs, 1 and 8
 * connections); batch-100 throughput last, so its backlog of decision records cannot slow the
 * latency runs. Latency quantiles are exact, from every response's time (autocannon's own
 * histogram rounds to whole milliseconds).
 *
 * Usage: npx tsx bench/serving.ts [--seconds 10] [--runs 3] [--database URL]
 */
import { startServe } from '../test/helpers/serve-process.ts';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { alertFromRecord } from '../src/serving/alert-schema.ts';
import { loadInProcessOrt } from './in-process-ort.ts';
import { generateAlerts } from '../src/synth/generate.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, database: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log('npx tsx bench/serving.ts [--seconds 10] [--runs 3] [--database postgres://…]');
  process.exit(0);
}
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const loadBefore = loadavg()[0];

/** Synthetic alerts in the API's shape. */
const alerts = Array.from(generateAlerts({ rows: 10_000, seed: 21 }), (a) => alertFromRecord(a));

// 1. In-process ONNX Runtime on pre-encoded batches of 100 (the ceiling HTTP is measured against),
//    after a second of warm-up.
const ort = await loadInProcessOrt(alerts);
const inProcess = await ort.alertsPerSec(seconds * 1000);
await ort.model.retire();

// 2. The real server process.
const dataDir = mkdtempSync(join(tmpdir(), 'winnow-bench-'));
const serve = await startServe(['--data-dir', dataDir, ...(values.database ? ['--database', values.database] : [])]);
const url = serve.url;
const body = (k: number, size: number) => JSON.stringify({ alerts: alerts.slice(k * size, (k + 1) * size) });
const post = (b: string) => ({ method: 'POST' as const, path: '/v1/score', headers: { 'content-type': 'application/json' }, body: b });
const single = Array.from({ length: 200 }, (_, k) => post(body(k, 1)));
const batch100 = Array.from({ length: 50 }, (_, k) => post(body(k, 100)));

/** Runs autocannon and also collects every 2xx response time (ms, unrounded). */
function run(opts: autocannon.Options): Promise<{ result: autocannon.Result; times: number[] }> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve({ result, times })));
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
}

function quantiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2));
  return { p50ms: q(0.5), p99ms: q(0.99), maxMs: Number(sorted[sorted.length - 1].toFixed(1)) };
}

/** Single-alert requests at an even 200/s overall over `connections` connections. */
async function latency(connections: number, duration: number) {
  const { result, times } = await run({ url, connections, duration, overallRate: 200, requests: single });
  return { rate: Math.round(result.requests.average), ...quantiles(times), errors: result.errors + result.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Cold: the first seconds after start, before V8 has optimised the request path.
const cold = await latency(1, seconds);
// Warm-up: a few seconds of each kind of traffic.
await run({ url, connections: 4, duration: 3, requests: batch100 });
await latency(1, seconds);
// Steady state. One connection sends at an even 200/s; eight connections at 200/s overall fire
// in bursts, so requests queue behind each other: both are reported.
const steady1: Awaited<ReturnType<typeof latency>>[] = [];
const steady8: Awaited<ReturnType<typeof latency>>[] = [];
for (let r = 0; r < runs; r++) {
  steady1.push(await latency(1, seconds));
  steady8.push(await latency(8, seconds));
}
// Throughput last: its backlog of decision records would otherwise still be flushing during the latency runs.
const http = (await run({ url, connections: 4, duration: seconds, requests: batch100 })).result;
await serve.stop();

const httpAlerts = http.requests.average * 100;
console.log(JSON.stringify({
  store: values.database ? 'postgres' : 'sqlite',
  loadBefore: Number(loadBefore.toFixed(2)),
  inProcessOrtAlertsPerSec: Math.round(inProcess),
  httpBatch100AlertsPerSec: Math.round(httpAlerts),
  ratio: Number((httpAlerts / inProcess).toFixed(3)),
  httpErrors: http.errors + http.non2xx,
  singleAlertCold1conn: cold,
  singleAlert1conn: { medianP99ms: median(steady1.map((s) => s.p99ms)), runs: steady1 },
  singleAlert8conn: { medianP99ms: median(steady8.map((s) => s.p99ms)), runs: steady8 },
}, null, 1));
