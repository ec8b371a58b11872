/**
 * @module Graceful shutdown of the real `winnow serve` under busy keep-alive clients (issue 15,
 * item 3): it stops answering within --shutdown-timeout instead of serving for as long as the
 * clients keep sending, tells them to close, and flushes every acknowledged decision, also when a
 * second SIGTERM follows the first.
 */
import http from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CONNECTION_ERRORS, mapConcurrent, requestJson } from '../helpers/kill-test.ts';
import { exited, startServe } from '../helpers/serve-process.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Traffic {
  /** Alert ids of every /v1/score answered 2xx. */
  acknowledged: string[];
  /** Responses that arrived after `markStop()`, and how many said `Connection: close`. */
  afterStop: { answered: number; closing: number };
  markStop(): void;
  /** Stop the clients and wait for them. */
  end(): Promise<void>;
}

/** `workers` keep-alive clients scoring two alerts per request, back to back, until ended or refused. */
function busyClients(url: string, workers: number): Traffic {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const acknowledged: string[] = [];
  const afterStop = { answered: 0, closing: 0 };
  let stopped = false;
  let ended = false;
  let n = 0;
  const worker = async () => {
    while (!ended) {
      const ids = [`S-${n++}`, `S-${n++}`];
      try {
        const res = await new Promise<{ status: number; close: boolean }>((resolve, reject) => {
          const body = Buffer.from(JSON.stringify({ alerts: ids.map((id) => ({ id, ruleId: 'tm_structuring', attributes: { amount_usd: 9100 } })) }));
          const req = http.request(`${url}/v1/score`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, close: res.headers.connection === 'close' }));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(body);
        });
        if (res.status === 200) acknowledged.push(...ids);
        if (stopped) {
          afterStop.answered += 1;
          if (res.close) afterStop.closing += 1;
        }
      } catch (err) {
        if (!CONNECTION_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
        // Refused: the server has stopped listening. A real client would go elsewhere.
        if (stopped) return;
      }
    }
  };
  const running = Promise.all(Array.from({ length: workers }, worker));
  return {
    acknowledged, afterStop,
    markStop: () => { stopped = true; },
    end: async () => {
      ended = true;
      await running;
      agent.destroy();
    },
  };
}

/** Every id is on record after a restart on the same data dir. */
async function expectRecorded(dataDir: string, ids: readonly string[]): Promise<void> {
  const again = await startServe(['--data-dir', dataDir]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    const statuses = await mapConcurrent(ids, 8, async (id) => (await requestJson(agent, 'GET', `${again.url}/v1/decisions/${id}`)).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  } finally {
    agent.destroy();
    await again.stop();
  }
}

describe('winnow serve shutdown with busy keep-alive clients', () => {
  it('stops within --shutdown-timeout, answering in-flight requests with Connection: close, and keeps every acknowledged decision', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'winnow-shutdown-'));
    try {
      const serve = await startServe(['--data-dir', dataDir, '--shutdown-timeout', '3']);
      const traffic = busyClients(serve.url, 4);
      await new Promise((r) => setTimeout(r, 1_500));
      const t0 = performance.now();
      traffic.markStop();
      serve.child.kill('SIGTERM');
      // The clients would go on for 15 s more; the server must not.
      const exit = await Promise.race([exited(serve.child).then(() => performance.now() - t0), new Promise<number>((r) => setTimeout(() => r(Infinity), 15_000))]);
      await traffic.end();
      if (!Number.isFinite(exit)) serve.child.kill('SIGKILL');
      expect(exit, serve.stderr()).toBeLessThan(6_000);
      expect(serve.child.exitCode).toBe(0);
      expect(traffic.acknowledged.length).toBeGreaterThan(100);
      // After the signal: in-flight work, not new work. Responses already on their way when the
      // signal landed (at most a couple per client) could not say so; the rest told the client to close.
      expect(traffic.afterStop.answered).toBeLessThan(100);
      expect(traffic.afterStop.answered - traffic.afterStop.closing).toBeLessThanOrEqual(8);
      await expectRecorded(dataDir, traffic.acknowledged);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a second SIGTERM closes the connections at once and still flushes what --record async acknowledged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'winnow-shutdown-'));
    try {
      const serve = await startServe(['--data-dir', dataDir, '--record', 'async']);
      const traffic = busyClients(serve.url, 4);
      await new Promise((r) => setTimeout(r, 1_500));
      // A client stuck mid-upload holds the drain open (for up to the 10-s default timeout).
      const { port } = new URL(serve.url);
      const stuck = connect({ host: '127.0.0.1', port: Number(port) });
      stuck.on('error', () => {});
      stuck.write('POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"alerts":[');
      await new Promise((r) => setTimeout(r, 200));
      traffic.markStop();
      serve.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 700));
      expect(serve.child.exitCode, 'still draining when the second signal comes').toBeNull();
      const t0 = performance.now();
      serve.child.kill('SIGTERM');
      await exited(serve.child);
      expect(performance.now() - t0).toBeLessThan(5_000);
      stuck.destroy();
      await traffic.end();
      // An exit by the signal itself (the default action) would have dropped the queue.
      expect(serve.child.signalCode, serve.stderr()).toBeNull();
      expect(serve.child.exitCode).toBe(0);
      expect(serve.stderr()).toContain('second signal');
      await expectRecorded(dataDir, traffic.acknowledged);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
