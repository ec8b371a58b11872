/**
 * @module Serving benchmark: HTTP batch-100 throughput against in-process ONNX Runtime on the same
 * bundle, and single-alert latency at a fixed 200 requests/s, with the real `winnow serve`
 * process (SQLite store by default; `--database postgres://…` for PostgreSQL) and autocannon on loopback.
 *
 * Usage: npx tsx bench/serving.ts [--seconds 10] [--database URL]
 */
import { startServe } from '../test/helpers/serve-process.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { encodeRecord } from '../src/features/index.ts';
import { LoadedModel } from '../src/registry/loaded-model.ts';
import { alertFromRecord, recordOf } from '../src/serving/alert-schema.ts';
import { generateAlerts } from '../src/synth/generate.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, database: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('npx tsx bench/serving.ts [--seconds 10] [--database postgres://…]');
  process.exit(0);
}
const seconds = Number(values.seconds);

/** Synthetic alerts in the API's shape. */
const alerts = Array.from(generateAlerts({ rows: 10_000, seed: 21 }), (a) => alertFromRecord(a));

// 1. In-process ONNX Runtime on pre-encoded batches of 100 (the ceiling HTTP is measured against).
const model = await LoadedModel.load('models/default/1');
const nf = model.manifest.featureSpec.features.length;
const batches = Array.from({ length: 100 }, (_, b) => {
  const x = new Float32Array(100 * nf);
  for (let i = 0; i < 100; i++) encodeRecord(recordOf(alerts[b * 100 + i]), model.manifest.featureSpec, x, i * nf);
  return x;
});
let scored = 0;
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000) {
  await model.scorer.score(batches[scored / 100 % 100], 100);
  scored += 100;
}
const inProcess = scored / ((performance.now() - t0) / 1000);
await model.retire();

// 2. The real server process.
const dataDir = mkdtempSync(join(tmpdir(), 'winnow-bench-'));
const serve = await startServe(['--data-dir', dataDir, ...(values.database ? ['--database', values.database] : [])]);
const url = serve.url;
const body = (k: number, size: number) => JSON.stringify({ alerts: alerts.slice(k * size, (k + 1) * size) });
const run = (opts: autocannon.Options) => new Promise<autocannon.Result>((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));

const single = Array.from({ length: 200 }, (_, k) => ({ method: 'POST' as const, path: '/v1/score', headers: { 'content-type': 'application/json' }, body: body(k, 1) }));
// One connection sends at an even 200/s; eight connections at 200/s overall fire in bursts, so
// requests queue behind each other: both are reported.
const latency = await run({ url, connections: 1, duration: seconds, overallRate: 200, requests: single });
const bursty = await run({ url, connections: 8, duration: seconds, overallRate: 200, requests: single });
// Throughput last: its backlog of decision records would otherwise still be flushing during the latency runs.
const batchRequests = Array.from({ length: 50 }, (_, k) => ({ method: 'POST' as const, path: '/v1/score', headers: { 'content-type': 'application/json' }, body: body(k, 100) }));
const http = await run({ url, connections: 4, duration: seconds, requests: batchRequests });
await serve.stop();

const httpAlerts = http.requests.average * 100;
console.log(JSON.stringify({
  store: values.database ? 'postgres' : 'sqlite',
  inProcessOrtAlertsPerSec: Math.round(inProcess),
  httpBatch100AlertsPerSec: Math.round(httpAlerts),
  ratio: Number((httpAlerts / inProcess).toFixed(3)),
  httpErrors: http.errors + http.non2xx,
  singleAlert1conn: { rate: Math.round(latency.requests.average), p50ms: latency.latency.p50, p99ms: latency.latency.p99, errors: latency.errors + latency.non2xx },
  singleAlert8conn: { rate: Math.round(bursty.requests.average), p50ms: bursty.latency.p50, p99ms: bursty.latency.p99, errors: bursty.errors + bursty.non2xx },
}));
