/**
 * @module `winnow consume` against the real NATS server: poison messages reach the dead-letter
 * subject as received, with the reason, and are acked; an alert failing validation gets `review`
 * with its error; and a store outage (its tables locked by another connection) pauses intake with
 * nothing lost and nothing decided twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { consumerCounts, deleteStream, natsConnection, startConsume, type Topology, uniqueTopology, waitFor } from './consume-process.ts';

let nc: NatsConnection;
const topologies: Topology[] = [];
beforeAll(async () => { nc = await natsConnection(); });
afterAll(async () => {
  for (const t of topologies) await deleteStream(nc, t);
  await nc.close();
});

async function freshTopology(): Promise<Topology> {
  const t = uniqueTopology();
  topologies.push(t);
  await (await jetstreamManager(nc)).streams.add({ name: t.stream, subjects: [t.subject] });
  return t;
}

function collect(subject: string): Msg[] {
  const got: Msg[] = [];
  const sub = nc.subscribe(subject);
  void (async () => { for await (const m of sub) got.push(m); })();
  return got;
}

describe('winnow consume: poison messages and invalid alerts', () => {
  it('dead-letters what can never be scored (payload as received, reason in a header) and acks it; a bad alert gets review with its error', async () => {
    const t = await freshTopology();
    const dataDir = mkdtempSync(join(tmpdir(), 'winnow-consume-poison-'));
    const deadLetters = collect(t.deadLetter);
    const results = collect(t.results);
    const consume = await startConsume(t, dataDir);
    try {
      const js = jetstream(nc);
      const poison: [Uint8Array | string, RegExp][] = [
        ['not json at all', /^invalid_json/],
        ['', /^empty/],
        ['[1,2]', /^invalid_request: expected one alert object/],
        ['{"alerts":[]}', /^invalid_request: alerts: /],
        ['"just a string"', /^invalid_request/],
        [`${'['.repeat(200)}${']'.repeat(200)}`, /^(too_deep|invalid_request)/],
        [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /^not_utf8/],
        ['{"id":"nul","ruleId":"r\\u0000","attributes":{}}', /^invalid_text/],
      ];
      for (const [payload] of poison) await js.publish(t.subject, payload);
      await js.publish(t.subject, JSON.stringify({ alerts: [{ id: 'ok-1', ruleId: 'tm_structuring', attributes: { amount_usd: 9500 } }, { id: 'bad-1', ruleId: '', attributes: {} }] }));
      await js.publish(t.subject, JSON.stringify({ id: 'single-1', ruleId: 'scr_sanctions', attributes: { name_match_score: 64 } }));
      await waitFor(() => deadLetters.length >= poison.length && results.length >= 3, 30_000, 'dead letters and results');
      await waitFor(async () => {
        const c = await consumerCounts(nc, t);
        return c.pending === 0 && c.ackPending === 0;
      }, 30_000, 'every message acked');

      const bySeq = new Map(deadLetters.map((m) => [Number(m.headers!.get('Winnow-Source-Seq')), m]));
      poison.forEach(([payload, reason], i) => {
        const m = bySeq.get(i + 1)!;
        expect(m, `dead letter for message ${i + 1}`).toBeDefined();
        expect(m.headers!.get('Winnow-Dead-Letter-Reason')).toMatch(reason);
        expect(m.headers!.get('Winnow-Source-Subject')).toBe(t.subject);
        expect(Buffer.from(m.data)).toEqual(Buffer.from(typeof payload === 'string' ? new TextEncoder().encode(payload) : payload));
      });
      const byId = new Map(results.map((m) => m.json<{ id: string; index: number; decision: string; error?: { path: string } }>()).map((r) => [r.id, r]));
      expect(byId.get('bad-1')).toMatchObject({ index: 1, decision: 'review', error: { path: expect.stringMatching(/^alerts\.1\.ruleId/) } });
      expect(byId.get('ok-1')?.index).toBe(0);
      expect(byId.get('single-1')?.decision).not.toBe('auto_close');
    } finally {
      consume.child.kill('SIGTERM');
      await consume.exited;
    }
  }, 90_000);
});

describe('winnow consume: store outage', () => {
  it('pauses while the store is locked, then delivers every alert once it is free: nothing lost, one record each', async () => {
    const t = await freshTopology();
    const dataDir = mkdtempSync(join(tmpdir(), 'winnow-consume-outage-'));
    const results = collect(t.results);
    const consume = await startConsume(t, dataDir, ['--record-timeout-ms', '800', '--ack-wait-ms', '3000']);
    try {
      const js = jetstream(nc);
      const send = (from: number, n: number) => Promise.all(Array.from({ length: n }, (_, i) => js.publish(t.subject, JSON.stringify({ id: `o-${from + i}`, ruleId: 'tm_structuring', attributes: { amount_usd: 1000 + from + i } }))));
      await send(0, 50);
      await waitFor(() => results.length >= 50, 30_000, 'the first results');
      // Another connection holds the write lock: commits wait (busy timeout) and then fail, again and again.
      const lock = new Database(join(dataDir, 'winnow.db'));
      lock.exec('BEGIN EXCLUSIVE');
      let released = false;
      try {
        await send(50, 500);
        await waitFor(async () => (await fetch(consume.metricsUrl)).text().then((m) => /winnow_intake_paused 1/.test(m)), 30_000, 'intake paused');
        const during = results.length;
        await new Promise((r) => setTimeout(r, 3000));
        // Nothing past the lock was answered: an answer would mean a decision not on record.
        expect(results.length).toBe(during);
        expect(during).toBeLessThan(550);
        expect((await consumerCounts(nc, t)).pending + (await consumerCounts(nc, t)).ackPending).toBeGreaterThan(0);
        lock.exec('COMMIT');
        lock.close();
        released = true;
      } finally {
        if (!released) { lock.exec('ROLLBACK'); lock.close(); }
      }
      await waitFor(() => new Set(results.map((m) => m.json<{ id: string }>().id)).size >= 550, 60_000, 'every alert answered after the outage');
      await waitFor(async () => {
        const c = await consumerCounts(nc, t);
        return c.pending === 0 && c.ackPending === 0;
      }, 30_000, 'every message acked');
      expect(consume.log()).toMatch(/store unavailable: intake paused|intake paused/);
    } finally {
      consume.child.kill('SIGTERM');
      await consume.exited;
    }
    const store = await openStore(join(dataDir, 'winnow.db'));
    try {
      const rows = await store.listDecisions({ limit: 10_000 });
      const perAlert = new Map<string, number>();
      for (const { record } of rows) perAlert.set(record.alertId, (perAlert.get(record.alertId) ?? 0) + 1);
      expect(perAlert.size).toBe(550);
      expect([...perAlert.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await store.close();
    }
  }, 150_000);
});
