/**
 * @module `winnow consume` against HTTP batch-100 on the same bundle and store kind (SQLite), in one
 * run: alerts/s sustained for DURATION_S each, then the end-to-end latency publish → result at a
 * fixed rate (half the measured consume throughput). Each phase gets a fresh data dir.
 *
 *   npx tsx bench/consume.ts [DURATION_S=60] [LATENCY_S=20]
 *
 * HTTP: `winnow serve` (durable records), 8 connections each POSTing 100 alerts at a time.
 * Consume: one `winnow consume` (defaults: batches of up to 256, 4 in flight), one alert per
 * message published through JetStream, the backlog kept under 20,000 alerts so the rate measured
 * is the consumer's, not the publisher's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { alertFromRecord } from '../src/serving/alert-schema.ts';
import { generateAlerts } from '../src/synth/generate.ts';

const DURATION_S = Number(process.argv[2] ?? 60);
const LATENCY_S = Number(process.argv[3] ?? 20);
const BIN = fileURLToPath(new URL('../bin/winnow.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));
const alerts = Array.from(generateAlerts({ rows: 200_000, seed: 23 }), (row) => alertFromRecord(row));
let unique = 0;
/** The i-th alert with an id never sent before (every alert is a new decision, as in production). */
const nextAlert = () => ({ ...alerts[unique % alerts.length], id: `b-${unique++}` });

function start(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [BIN, ...args, '--models', `${REPO}/models`], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = ready.exec(log);
      if (m) resolve({ child, match: m });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${log}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function httpBatch100(): Promise<number> {
  const { child, match } = await start(['serve', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'bench-consume-http-'))], /"url":"(http:\/\/[^"]+)"/);
  const url = `${match[1]}/v1/score`;
  let scored = 0;
  let non2xx = 0;
  const until = performance.now() + DURATION_S * 1000;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (performance.now() < until) {
      const body = JSON.stringify({ alerts: Array.from({ length: 100 }, nextAlert) });
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      if (res.ok) scored += 100;
      else non2xx++;
    }
  }));
  await stop(child);
  const rate = scored / DURATION_S;
  console.log(`HTTP batch-100, 8 connections, ${DURATION_S} s: ${Math.round(rate)} alerts/s, ${non2xx} non-2xx`);
  return rate;
}

async function consume(): Promise<void> {
  const tag = `bench${Date.now().toString(36)}`;
  const stream = tag.toUpperCase();
  const subject = `${tag}.alerts`;
  const results = `${tag}.results`;
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [subject] });
  const js = jetstream(nc);
  const { child } = await start(['consume', '--stream', stream, '--subject', subject, '--results-subject', results, '--data-dir', mkdtempSync(join(tmpdir(), 'bench-consume-nats-'))], /winnow consuming/);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const sub = nc.subscribe(results);
  void (async () => {
    for await (const m of sub) {
      const { id } = m.json<{ id: string }>();
      const t = sentAt.get(id);
      if (t !== undefined) { latencies.push(performance.now() - t); sentAt.delete(id); }
      received++;
    }
  })();
  const publish = async (n: number) => {
    const batch = Array.from({ length: n }, nextAlert);
    await Promise.all(batch.map((a) => { sentAt.set(a.id, performance.now()); return js.publish(subject, JSON.stringify(a)); }));
  };

  // Throughput: keep 5,000–20,000 alerts waiting, for DURATION_S.
  let published = 0;
  const startedAt = performance.now();
  const receivedAtStart = received;
  while (performance.now() - startedAt < DURATION_S * 1000) {
    if (published - received < 20_000) { await publish(1000); published += 1000; } else await new Promise((r) => setTimeout(r, 5));
  }
  const rate = (received - receivedAtStart) / DURATION_S;
  console.log(`winnow consume, 1 alert per message, ${DURATION_S} s: ${Math.round(rate)} alerts/s`);
  while (received < published) await new Promise((r) => setTimeout(r, 50));

  // Latency: a fixed rate at half that throughput, in ticks of 10 ms.
  latencies.length = 0;
  sentAt.clear();
  const perTick = Math.max(1, Math.round(rate / 2 / 100));
  const end = performance.now() + LATENCY_S * 1000;
  for (let next = performance.now(); next < end; next += 10) {
    void publish(perTick);
    published += perTick;
    await new Promise((r) => setTimeout(r, Math.max(0, next + 10 - performance.now())));
  }
  while (received < published) await new Promise((r) => setTimeout(r, 50));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  console.log(`publish → result at ${perTick * 100} alerts/s for ${LATENCY_S} s (${latencies.length} alerts): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`);
  sub.unsubscribe();
  await stop(child);
  await jsm.streams.delete(stream);
  await nc.close();
}

console.log(`bench/consume.ts: default bundle, SQLite store, ${new Date().toISOString()}`);
await httpBatch100();
await consume();
