/**
 * @module The floor under the serving ratio (issue 3: batch-100 over HTTP ≥ 70% of in-process
 * ONNX Runtime). Measures, in one run on this machine:
 * 1. in-process ONNX Runtime on pre-encoded batches of 100 (the ceiling, as in serving.ts);
 * 2. in a loop, without HTTP: JSON.parse of the same request bodies, and JSON.stringify of a
 *    minimal response (id, score, decision), µs per alert;
 * 3. `bench/floor-server.ts`, a server that only parses, encodes, scores and replies (no
 *    validation, policy or decision records), and the real `winnow serve` (SQLite store), taking
 *    turns under the same autocannon load as serving.ts (batch-100, 4 connections): alerts/s,
 *    the ratio, and CPU µs per alert of the server (all its threads) and of the load generator
 *    (this process), from /proc.
 * Then prints the budget: the µs per alert one serving thread may spend for 70%, and the
 * CPU µs per alert the whole machine may spend (2 cores shared with the load generator).
 *
 * Usage: npx tsx bench/serving-floor.ts [--seconds 8] [--runs 2]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type BenchServer, startFloorServer, startWinnowSqlite } from './bench-servers.ts';
import { loadInProcessOrt, perSecond } from './in-process-ort.ts';
import { processCpuMs } from './proc-cpu.ts';
import { batchBodies, benchAlerts, fixedRequests } from './score-bodies.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, runs: { type: 'string', default: '2' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('npx tsx bench/serving-floor.ts [--seconds 8] [--runs 2]');
  process.exit(0);
}
const seconds = Number(values.seconds);
const loadBefore = loadavg()[0];
const alerts = benchAlerts();
const bodies = batchBodies(alerts);

// 1. In-process ONNX Runtime (the ceiling).
const ort = await loadInProcessOrt(alerts);
const inProcess = await ort.alertsPerSec(seconds * 1000);

// 2. The JSON work no JSON API can skip, without HTTP around it.
const buffers = bodies.map((b) => Buffer.from(b));
const parseUs = 1e6 / (await perSecond(3000, (k) => JSON.parse(buffers[k % 50].toString())));
const reply = Array.from(await ort.model.scorer.score(ort.matrices[0], 100), (s, i) => ({ id: alerts[i].id, score: s, decision: s >= 0.5 ? 'review' : 'auto_close' }));
const stringifyUs = 1e6 / (await perSecond(3000, () => Buffer.from(JSON.stringify({ results: reply }))));
await ort.model.retire();

// 3. The floor server and winnow, taking turns under the serving benchmark's batch-100 load.
const requests = fixedRequests(bodies);
const load = (url: string, duration: number) => new Promise<autocannon.Result>((resolve, reject) =>
  autocannon({ url, connections: 4, duration, requests }, (err, res) => (err ? reject(err) : resolve(res))));

async function measure(server: BenchServer) {
  await load(server.url, 3); // warm-up
  const server0 = processCpuMs(server.pid);
  const self0 = processCpuMs('self');
  const result = await load(server.url, seconds);
  const scored = result.requests.total * 100;
  const run = {
    alertsPerSec: Math.round(result.requests.average * 100),
    ratio: Number(((result.requests.average * 100) / inProcess).toFixed(3)),
    serverCpuUsPerAlert: Number((((processCpuMs(server.pid) - server0) * 1000) / scored).toFixed(1)),
    loadGeneratorCpuUsPerAlert: Number((((processCpuMs('self') - self0) * 1000) / scored).toFixed(1)),
    errors: result.errors + result.non2xx,
  };
  await server.dispose();
  return run;
}
const floorRuns = [];
const winnowRuns = [];
for (let r = 0; r < Number(values.runs); r++) {
  floorRuns.push(await measure(await startFloorServer()));
  winnowRuns.push(await measure(await startWinnowSqlite()));
}

const target = 0.7 * inProcess;
console.log(JSON.stringify({
  loadBefore: Number(loadBefore.toFixed(2)),
  cores: availableParallelism(),
  inProcessOrtAlertsPerSec: Math.round(inProcess),
  ortUsPerAlert: Number((1e6 / inProcess).toFixed(2)),
  jsonParseUsPerAlert: Number(parseUs.toFixed(2)),
  jsonStringifyUsPerAlert: Number(stringifyUs.toFixed(2)),
  requestBytesPerAlert: Math.round(bodies[0].length / 100),
  floorServer: floorRuns,
  winnowServe: winnowRuns,
  budgetFor70Percent: {
    alertsPerSec: Math.round(target),
    // One thread that parses, scores and replies may spend this much per alert.
    oneThreadUsPerAlert: Number((1e6 / target).toFixed(2)),
    // Everything on the machine (server threads, GC, load generator) may spend this much CPU per alert.
    machineCpuUsPerAlert: Number(((availableParallelism() * 1e6) / target).toFixed(2)),
  },
}, null, 1));
