/**
 * @module Where the serving CPU goes: batch-100 requests over 4 connections against the real
 * `winnow serve` (after a warm-up), with each server thread's CPU time per alert read from
 * /proc before and after every run. Threads are named by Linux (all "node"); the serving thread
 * is the process's own id, the decision store is the busy worker thread, and the four small ones
 * are V8's GC helpers.
 *
 * Usage: npx tsx bench/serving-cpu.ts [--seconds 6] [--runs 2] [--database URL] [--node-arg FLAG]…
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startServe } from '../test/helpers/serve-process.ts';
import { threadCpu, threadCpuUsed } from './proc-cpu.ts';
import { batchBodies, benchAlerts, fixedRequests } from './score-bodies.ts';

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

const alerts = benchAlerts();
// winnow serve refuses --data-dir together with --database.
const serve = await startServe(values.database ? ['--database', values.database] : ['--data-dir', mkdtempSync(join(tmpdir(), 'winnow-bench-cpu-'))], { nodeArgs: values['node-arg'] });
const pid = serve.child.pid!;

const requests = fixedRequests(batchBodies(alerts));
const run = (duration: number) => new Promise<autocannon.Result>((resolve, reject) => autocannon({ url: serve.url, connections: 4, duration, requests }, (err, res) => (err ? reject(err) : resolve(res))));

await run(2); // warm-up
for (let r = 0; r < Number(values.runs); r++) {
  await new Promise((resolve) => setTimeout(resolve, 1500)); // let the store drain the last run's records
  const before = threadCpu(pid);
  const result = await run(Number(values.seconds));
  const after = threadCpu(pid);
  const scored = result.requests.total * 100;
  const microsPerAlert: Record<string, number> = {};
  for (const { tid, name, ms } of threadCpuUsed(before, after).sort((a, b) => a.tid - b.tid)) {
    if (ms > 0) microsPerAlert[tid === pid ? `${tid} serving` : `${tid} ${name}`] = Number(((ms * 1000) / scored).toFixed(1));
  }
  console.log(JSON.stringify({ alertsPerSec: Math.round(result.requests.average * 100), errors: result.errors + result.non2xx, cpuMicrosPerAlert: microsPerAlert }));
}
await serve.stop();
