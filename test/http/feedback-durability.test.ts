/**
 * "A 2xx from POST /v1/feedback means every item is committed", tested against the real process:
 * a burst of feedback over several concurrent connections, `kill -9` of `winnow serve` while
 * requests are in flight, then every acknowledged item must be in the store (after a restart, and
 * read back directly). Items that were in flight when the process died may or may not be there.
 *
 * SIGKILL tests that nothing is acknowledged before its transaction returned (no acks from memory,
 * no commit deferred behind the response). It does not simulate an OS crash or power cut: the
 * page cache survives a killed process, so it cannot tell fsync from no fsync.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DISPOSITIONS, type StoredFeedback } from '../../src/store/feedback-record.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase } from '../store/pg-test-database.ts';
import { exited, REPO_ROOT, type ServeProcess, startServe } from '../helpers/serve-process.ts';
import { CONNECTION_ERRORS, requestJson } from '../helpers/kill-test.ts';

/** Concurrent request streams (one keep-alive connection each). */
const STREAMS = 6;
/** Items per batched request; the streams alternate single items and batches. */
const BATCH = 20;
/** SIGKILL once this many requests were acknowledged. */
const KILL_AFTER_ACKS = 150;
/** Give up on the burst (and fail) if the kill has not happened by then. */
const BURST_DEADLINE_MS = 30_000;

interface Item { alertId: string; disposition: string; analystId: string; decidedAt: string; note?: string; idempotencyKey: string }

interface SentRequest {
  items: Item[];
  state: 'pending' | 'acked' | 'rejected' | 'failed';
  /** Still waiting for its response when the kill signal was sent. */
  inFlightAtKill: boolean;
  status?: number;
  error?: string;
  /** The seq of each item, from the 2xx response. */
  seqs?: number[];
}

type Server = ServeProcess;

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts `winnow serve` on a free port (see test/helpers/serve-process.ts), killed in afterAll if still running. */
async function startServer(storeArgs: string[]): Promise<Server> {
  const server = await startServe(['--models', join(REPO_ROOT, 'models'), ...storeArgs]);
  children.add(server.child);
  server.child.once('exit', () => children.delete(server.child));
  return server;
}

async function stopServer(server: Server): Promise<void> {
  await server.stop();
}

interface BurstResult { requests: SentRequest[]; killedAtMs: number; killReason: string }

/** Runs STREAMS request loops against `server` and SIGKILLs it once KILL_AFTER_ACKS requests were acknowledged. */
async function burstAndKill(server: Server, tag: string): Promise<BurstResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: STREAMS });
  const requests: SentRequest[] = [];
  let acked = 0;
  let killed = false;
  const t0 = Date.now();
  let killedAtMs = -1;
  let killReason = '';
  const kill = (reason: string) => {
    if (killed) return;
    killed = true;
    killReason = reason;
    killedAtMs = Date.now() - t0;
    for (const r of requests) if (r.state === 'pending') r.inFlightAtKill = true;
    process.kill(server.child.pid!, 'SIGKILL');
  };
  const deadline = setTimeout(() => kill(`no ${KILL_AFTER_ACKS} acks within ${BURST_DEADLINE_MS} ms`), BURST_DEADLINE_MS);
  let n = 0;
  const stream = async (s: number) => {
    for (let r = 0; !killed; r++) {
      const size = (r + s) % 2 === 0 ? 1 : BATCH;
      const items = Array.from({ length: size }, (_, i): Item => {
        const k = n++;
        return {
          alertId: `dur-${tag}-${s}-${r}-${i}`,
          disposition: DISPOSITIONS[k % DISPOSITIONS.length],
          analystId: `analyst-${s}`,
          decidedAt: new Date(Date.UTC(2025, 2, 1) + k * 1_000).toISOString(),
          ...(k % 3 === 0 ? { note: `note ${k}` } : {}),
          idempotencyKey: `idem-${tag}-${s}-${r}-${i}`,
        };
      });
      const sent: SentRequest = { items, state: 'pending', inFlightAtKill: false };
      requests.push(sent);
      try {
        const res = await requestJson(agent, 'POST', `${server.url}/v1/feedback`, size === 1 ? items[0] : { items });
        sent.status = res.status;
        if (res.status >= 200 && res.status < 300) {
          const body = JSON.parse(res.text) as { seq: number } | { results: { seq: number }[] };
          sent.seqs = 'results' in body ? body.results.map((x) => x.seq) : [body.seq];
          sent.state = 'acked';
          if (++acked >= KILL_AFTER_ACKS) kill('acks');
        } else {
          sent.state = 'rejected';
          sent.error = res.text;
        }
      } catch (err) {
        sent.state = 'failed';
        sent.error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        // Before the kill a connection error is a failure of the test; after it, the stream ends.
        if (!killed) kill(`request failed before the kill: ${sent.error}`);
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: STREAMS }, (_, s) => stream(s)));
  clearTimeout(deadline);
  agent.destroy();
  await exited(server.child);
  return { requests, killedAtMs, killReason };
}

/** Every feedback row in the store, by alert id (each item of this test has its own alert id). */
async function readAllFeedback(storeUrl: string): Promise<Map<string, StoredFeedback[]>> {
  const store = await openStore(storeUrl);
  try {
    const out = new Map<string, StoredFeedback[]>();
    let afterSeq: number | undefined;
    for (;;) {
      const page = await store.listFeedback({ afterSeq, limit: 10_000 });
      if (page.length === 0) break;
      for (const row of page) out.set(row.alertId, [...(out.get(row.alertId) ?? []), row]);
      afterSeq = page[page.length - 1].seq;
    }
    return out;
  } finally {
    await store.close();
  }
}

interface Backend {
  name: string;
  prepare(): Promise<{ storeArgs: string[]; storeUrl: string; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async prepare() {
      const dir = mkdtempSync(join(tmpdir(), 'winnow-durability-'));
      return { storeArgs: ['--data-dir', dir], storeUrl: join(dir, 'winnow.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    async prepare() {
      const db = await createTestDatabase();
      return { storeArgs: ['--database', db.url], storeUrl: db.url, cleanup: () => db.drop() };
    },
  },
];

describe.each(backends)('POST /v1/feedback survives kill -9 of winnow serve ($name)', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([...children].map(exited));
    for (const cleanup of cleanups) await cleanup();
  });

  it('keeps every acknowledged item after SIGKILL mid-burst', async () => {
    const { storeArgs, storeUrl, cleanup } = await backend.prepare();
    cleanups.push(cleanup);
    const first = await startServer(storeArgs);
    const { requests, killedAtMs, killReason } = await burstAndKill(first, backend.name.toLowerCase());

    // The burst ran as planned: no refusals, the kill came from the ack count, and it landed
    // while requests were on the wire (they failed with a connection error, not a response).
    expect(killReason, `server log:\n${first.stderr()}`).toBe('acks');
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(requests.filter((r) => r.state === 'rejected').map((r) => `${r.status} ${r.error}`)).toEqual([]);
    const acked = requests.filter((r) => r.state === 'acked');
    const failed = requests.filter((r) => r.state === 'failed');
    expect(failed.every((r) => r.inFlightAtKill), 'a request failed before the kill').toBe(true);
    expect(failed.every((r) => CONNECTION_ERRORS.has(r.error!)), `unexpected errors: ${failed.map((r) => r.error).join(', ')}`).toBe(true);
    expect(failed.length, 'no request was in flight when the server was killed').toBeGreaterThan(0);

    // A restarted server on the same store comes up, serves the acknowledged history and takes new feedback.
    const second = await startServer(storeArgs);
    const lastAcked = acked[acked.length - 1].items.at(-1)!;
    const history = await fetch(`${second.url}/v1/feedback/${lastAcked.alertId}`);
    expect(history.status, `the last acknowledged item (${lastAcked.alertId}) is not served after the restart`).toBe(200);
    expect(((await history.json()) as { current: { disposition: string } }).current.disposition).toBe(lastAcked.disposition);
    const fresh = await requestJson(new http.Agent(), 'POST', `${second.url}/v1/feedback`, { alertId: `dur-after-restart-${backend.name}`, disposition: 'inconclusive', analystId: 'a', decidedAt: '2025-04-01T00:00:00Z' });
    expect(fresh.status).toBe(201);
    await stopServer(second);

    // Read the store back directly: every acknowledged item is there once, as sent, with the seq it was acknowledged with.
    const stored = await readAllFeedback(storeUrl);
    let ackedItems = 0;
    const missing: string[] = [];
    for (const r of acked) {
      r.items.forEach((item, i) => {
        ackedItems++;
        const rows = stored.get(item.alertId);
        if (rows === undefined) return void missing.push(item.alertId);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ seq: r.seqs![i], disposition: item.disposition, analystId: item.analystId, decidedAt: item.decidedAt });
        expect(rows[0].note).toBe(item.note);
      });
    }
    expect(missing, `${missing.length} of ${ackedItems} acknowledged items are missing`).toEqual([]);

    // In-flight requests are all-or-nothing (one transaction each); either outcome is fine.
    const inFlightItems = failed.flatMap((r) => r.items);
    const landed = failed.filter((r) => r.items.every((item) => stored.has(item.alertId)));
    for (const r of failed) {
      const present = r.items.filter((item) => stored.has(item.alertId)).length;
      expect([0, r.items.length], 'an unacknowledged batch was partly committed').toContain(present);
    }
    // Nothing was stored that was not sent (plus the one item posted after the restart).
    const sentIds = new Set(requests.flatMap((r) => r.items.map((item) => item.alertId)));
    expect([...stored.keys()].filter((id) => !sentIds.has(id))).toEqual([`dur-after-restart-${backend.name}`]);

    console.log(
      `[durability ${backend.name}] ${requests.length} requests sent over ${STREAMS} connections; SIGKILL at ${killedAtMs} ms after ` +
        `${acked.length} acknowledged requests (${ackedItems} items, all ${ackedItems} present after restart); ` +
        `${failed.length} requests (${inFlightItems.length} items) in flight and unacknowledged: ` +
        `${landed.length} of them committed anyway (${landed.flatMap((r) => r.items).length} items), ${failed.length - landed.length} not.`,
    );
  }, 120_000);
});
