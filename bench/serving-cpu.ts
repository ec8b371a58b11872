/**
 * @module Where the serving CPU goes: batch-100 requests over 4 connections against the real
 * `winnow serve` (after a warm-up), with each server thread's CPU time per alert read from
 * /proc before and after every run. Threads are named by Linux (all "node"); the serving thread
 * is the process's own id, the decision store is the busy worker thread, and the four small ones
 * are V8's GC helpers.
 *
 * Usage: npx tsx bench/serving-cpu.ts [--seconds 6] [--runs 2] [--database URL] [--node-arg FLAG]…
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { alertFromRecord } from '../src/serving/alert-schema.ts';
import { generateAlerts } from '../src/synth/generate.ts';
import { startServe } from '../test/helpers/serve-process.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' }, runs: { type: 'string', default: '2' }, database: { type: 'string' },
    'node-arg': { type: 'string', multiple: true, default: [] }, help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log('npx tsx bench/serving-cpu.ts [--seconds 6] [--runs 2] [--database postgres://…] [--node-arg --max-semi-space-size=32]…');
  process.exit(0);
}

const alerts = Array.from(generateAlerts({ rows: 5_000, seed: 21 }), (a) => alertFromRecord(a));
const serve = await startServe(['--data-dir', mkdtempSync(join(tmpdir(), 'winnow-bench-cpu-')), ...(values.database ? ['--database', values.database] : [])], { nodeArgs: values['node-arg'] });
const pid = serve.child.pid!;

/** CPU milliseconds (user + system) used so far by each thread of the server, by "tid name". */
function threadCpu(): Map<string, number> {
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  return new Map(readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const label = Number(tid) === pid ? `${tid} serving` : `${tid} ${name}`;
    return [label, ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond];
  }));
}

const requests = Array.from({ length: 50 }, (_, k) => ({
  method: 'POST' as const, path: '/v1/score', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: alerts.slice(k * 100, (k + 1) * 100) }),
}));
const run = (duration: number) => new Promise<autocannon.Result>((resolve, reject) => autocannon({ url: serve.url, connections: 4, duration, requests }, (err, res) => (err ? reject(err) : resolve(res))));

await run(2); // warm-up
for (let r = 0; r < Number(values.runs); r++) {
  await new Promise((resolve) => setTimeout(resolve, 1500)); // let the store drain the last run's records
  const before = threadCpu();
  const result = await run(Number(values.seconds));
  const after = threadCpu();
  const scored = result.requests.total * 100;
  const microsPerAlert: Record<string, number> = {};
  for (const [thread, ms] of after) {
    const used = ms - (before.get(thread) ?? 0);
    if (used > 0) microsPerAlert[thread] = Number(((used * 1000) / scored).toFixed(1));
  }
  console.log(JSON.stringify({ alertsPerSec: Math.round(result.requests.average * 100), errors: result.errors + result.non2xx, cpuMicrosPerAlert: microsPerAlert }));
}
await serve.stop();
