/**
 * @module Issue 15, item 5: does explaining a large batch stall the serving thread? Starts the real
 * `winnow serve` (models/default/1, SQLite store in a temp dir), sends C concurrent requests of N
 * alerts with `"explain": E`, and probes /healthz every 50 ms meanwhile. A probe's latency runs
 * from when it was due, so a probe held back by a stalled loop still counts its wait. Reports each
 * request's time, how many of its alerts got reasons, and the /healthz latency (max, p99), after one
 * small warm-up request.
 *
 * Usage: npx tsx bench/explain-stall.ts [--alerts 1000] [--concurrent 3] [--explain 20] [--runs 3] [--serve-args="--explain-budget-ms 2000"]
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alertFromRecord } from '../src/serving/alert-schema.ts';
import { generateAlerts } from '../src/synth/generate.ts';
import { REPO_ROOT, startServe } from '../test/helpers/serve-process.ts';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000' }, concurrent: { type: 'string', default: '3' }, explain: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' }, 'serve-args': { type: 'string', default: '' },
  },
});
const n = Number(values.alerts);
const concurrent = Number(values.concurrent);
const runs = Number(values.runs);
const alerts = Array.from(generateAlerts({ rows: n * concurrent, seed: 5 }), (a) => alertFromRecord(a));
const bodies = Array.from({ length: concurrent }, (_, k) => JSON.stringify({ alerts: alerts.slice(k * n, (k + 1) * n), explain: Number(values.explain) }));

const serveArgs = values['serve-args'].split(' ').filter(Boolean);
const server = await startServe(['--models', join(REPO_ROOT, 'models'), '--data-dir', mkdtempSync(join(tmpdir(), 'winnow-stall-')), ...serveArgs]);
console.log(`serve ${serveArgs.join(' ') || '(defaults)'}; ${concurrent} × ${n} alerts, explain ${values.explain}; load ${loadavg()[0].toFixed(2)}`);
try {
  // One small explained request first: it builds the explainer and warms the JIT, as on a server that has served.
  await fetch(`${server.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: alerts.slice(0, 10), explain: 20 }) }).then((r) => r.text());
  for (let run = 1; run <= runs; run++) {
    const probes: number[] = [];
    let resets = 0;
    let probing = true;
    const probe = (async () => {
      let due = performance.now();
      while (probing) {
        // A stalled server may reset the probe's keep-alive connection: that probe counts as waited until then.
        await fetch(`${server.url}/healthz`).then((r) => r.text(), () => { resets++; });
        probes.push(performance.now() - due);
        due = Math.max(due + 50, performance.now());
        await new Promise((r) => setTimeout(r, due - performance.now()));
      }
    })();
    const start = performance.now();
    const answers = await Promise.all(bodies.map(async (body) => {
      try {
        const res = await fetch(`${server.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const json = (await res.json()) as { results: { reasons?: unknown[]; reasonsUnavailable?: string }[] };
        return { ms: performance.now() - start, status: String(res.status), explained: json.results.filter((r) => r.reasons).length };
      } catch (err) {
        return { ms: performance.now() - start, status: (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message, explained: 0 };
      }
    }));
    probing = false;
    await probe;
    probes.sort((a, b) => a - b);
    const p99 = probes[Math.min(probes.length - 1, Math.floor(probes.length * 0.99))];
    console.log(
      `run ${run}: requests ${answers.map((a) => `${(a.ms / 1000).toFixed(2)} s (${a.status}, ${a.explained}/${n} explained)`).join(', ')}; ` +
      `/healthz ${probes.length} probes, max ${probes.at(-1)!.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms${resets ? `, ${resets} reset` : ''}`,
    );
  }
} finally {
  await server.stop();
}
