/**
 * @module The kill test (issue 17): alerts through two `winnow consume` processes on one durable
 * consumer, one SIGKILLed mid-run and restarted. Afterwards every alert has exactly one decision
 * record (0 lost, 0 decided twice), and every result published, first answers and replays alike,
 * matches that record.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import type { DecisionRecord } from '../../src/store/decision-record.ts';
import { openStore } from '../../src/store/open-store.ts';
import { type ConsumeProcess, consumerCounts, deleteStream, natsConnection, startConsume, type Topology, uniqueTopology, waitFor } from './consume-process.ts';

/** 40k in CI (about 60 s on a busy 2-core machine); the full run is WINNOW_KILL_TEST_ALERTS=100000 (about 2 min, BENCHMARKS.md). */
const ALERTS = Number(process.env.WINNOW_KILL_TEST_ALERTS ?? 40_000);

interface Published { id: string | null; score: number | null; band: string | null; decision: string; reason: string; model: { name: string; version: string }; policyVersion: string; sample: boolean; degraded: boolean }

let nc: NatsConnection;
let t: Topology;
beforeAll(async () => {
  nc = await natsConnection();
  t = uniqueTopology();
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: t.stream, subjects: [t.subject] });
});
afterAll(async () => {
  await deleteStream(nc, t);
  await nc.close();
});

describe('winnow consume: SIGKILL one of two consumers mid-run', () => {
  it(`${ALERTS} alerts: exactly one decision record each, and every published result (repeats included) matches it`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'winnow-consume-kill-'));
    // A short ack wait, so the killed process's unacked batches come back within the test.
    const args = ['--ack-wait-ms', '5000', '--batch', '256'];
    const a = await startConsume(t, dataDir, args);
    const b = await startConsume(t, dataDir, args);
    const running: ConsumeProcess[] = [a, b];
    const results = new Map<string, Published[]>();
    let received = 0;
    const sub = nc.subscribe(t.results);
    void (async () => {
      for await (const m of sub) {
        const r = m.json<Published>();
        const list = results.get(r.id!) ?? [];
        list.push(r);
        results.set(r.id!, list);
        received++;
      }
    })();
    try {
      // Mostly one alert per message, every 50th message a batch of 20: both shapes, as pipelines send them.
      const alerts = Array.from(generateAlerts({ rows: ALERTS, seed: 17 }), (row) => alertFromRecord(row));
      const js = jetstream(nc);
      const publishing = (async () => {
        const window: Promise<unknown>[] = [];
        for (let i = 0, n = 0; i < alerts.length; n++) {
          const size = n % 50 === 49 ? 20 : 1;
          const chunk = alerts.slice(i, i + size);
          i += size;
          window.push(js.publish(t.subject, JSON.stringify(size === 1 ? chunk[0] : { alerts: chunk })));
          if (window.length >= 512) await Promise.all(window.splice(0));
        }
        await Promise.all(window);
      })();
      await waitFor(() => results.size >= ALERTS / 3, 120_000, 'a third of the results');
      a.child.kill('SIGKILL');
      await a.exited;
      const restarted = await startConsume(t, dataDir, args);
      running.splice(0, 1, restarted);
      await publishing;
      await waitFor(() => results.size >= ALERTS, 180_000, 'a result for every alert');
      await waitFor(async () => {
        const c = await consumerCounts(nc, t);
        return c.pending === 0 && c.ackPending === 0;
      }, 60_000, 'every message acked');
      const firstPass = received;
      // The same alerts sent again (a pipeline's retry): recognised by id, answered from their records.
      const again = alerts.slice(0, 1000);
      await Promise.all(again.map((alert) => js.publish(t.subject, JSON.stringify(alert))));
      await waitFor(() => received >= firstPass + again.length, 60_000, 'the repeated alerts\' results');
      console.log(`kill test: ${ALERTS} alerts, ${firstPass} results published in the first pass (${firstPass - ALERTS} of them repeats after the kill), then ${received - firstPass} for ${again.length} alerts sent again`);
    } finally {
      for (const p of running) p.child.kill('SIGTERM');
      await Promise.all(running.map((p) => p.exited));
      sub.unsubscribe();
    }
    for (const p of running) expect(p.log()).toContain('"msg":"stopped"');

    const store = await openStore(join(dataDir, 'winnow.db'));
    try {
      const records = new Map<string, DecisionRecord[]>();
      for (let after: { decidedAt: string; seq: number } | undefined, page; (page = await store.listDecisions({ limit: 10_000, after, includeShadow: true })).length > 0;) {
        for (const { record } of page) records.set(record.alertId, [...(records.get(record.alertId) ?? []), record]);
        const last = page[page.length - 1];
        after = { decidedAt: last.record.decidedAt, seq: last.seq };
      }
      const duplicated = [...records.values()].filter((list) => list.length > 1).length;
      expect({ lost: ALERTS - records.size, duplicated }).toEqual({ lost: 0, duplicated: 0 });
      let mismatched = 0;
      for (const [id, published] of results) {
        const [record] = records.get(id) ?? [];
        for (const r of published) {
          const same = record && r.score === record.score && r.decision === record.decision && r.band === record.band && r.reason === record.reason
            && r.sample === record.sample && r.degraded === record.degraded && r.policyVersion === record.policyVersion
            && r.model.name === record.model.name && r.model.version === record.model.version;
          if (!same) mismatched++;
        }
      }
      expect(mismatched).toBe(0);
    } finally {
      await store.close();
    }
  }, 400_000);
});
