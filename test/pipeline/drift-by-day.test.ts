/**
 * Drift per UTC day from a real SQLite store: each day reads at most its budget, spread over the
 * day's hours (so one busy hour cannot stand for the day, and a quiet day is read whole), and
 * only the asked model's decisions are counted against its bundle's reference.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../src/model/index.ts';
import { driftByDay, sampleDecisions } from '../../src/pipeline/drift-by-day.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { makeRecord } from '../store/fixtures.ts';

const MODELS = new URL('../../models', import.meta.url).pathname;
const DAY = Date.parse('2026-03-02T00:00:00.000Z');
const HOUR = 3_600_000;

let store: DecisionStore;
let specHash: string;
let width: number;

/** `n` decisions of `model` at `t0 + i * stepMs`, with features shaped like the bundle's. */
function decisions(prefix: string, n: number, t0: number, stepMs: number, model = { name: 'default', version: '1' }) {
  return Array.from({ length: n }, (_, i) => makeRecord(i, {
    alertId: `${prefix}-${i}`, decidedAt: new Date(t0 + i * stepMs).toISOString(), model, specHash,
    features: Array.from({ length: width }, (_, j) => (i * 7 + j) % 13), score: ((i * 37) % 100) / 100,
  }));
}

beforeAll(async () => {
  const { manifest } = await readBundle(join(MODELS, 'default', '1'));
  specHash = manifest.specHash;
  width = manifest.featureSpec.features.length;
  store = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-drift-day-')), 'winnow.db'));
  // Day 1: 3,000 decisions in one hour (09:00–09:30). Day 2: 100 per hour, all day. Day 3: 50 of
  // another model only. Day 4: empty. Day 5: 40 decisions.
  await store.writeDecisions(decisions('busy', 3000, DAY + 9 * HOUR, 600));
  await store.writeDecisions(decisions('even', 2400, DAY + 86_400_000, 36_000));
  await store.writeDecisions(decisions('other', 50, DAY + 2 * 86_400_000, 60_000, { name: 'default', version: '9' }));
  await store.writeDecisions(decisions('quiet', 40, DAY + 4 * 86_400_000 + 13 * HOUR, 1_000));
}, 60_000);
afterAll(async () => {
  await store.close();
});

describe('sampleDecisions', () => {
  it('reads one busy hour up to the budget, and says the day had more', async () => {
    const { records, complete } = await sampleDecisions(store, DAY, DAY + 86_400_000, 1000);
    expect(records).toHaveLength(1000);
    expect(complete).toBe(false);
  });

  it('spreads the budget over the hours of an even day', async () => {
    const { records, complete } = await sampleDecisions(store, DAY + 86_400_000, DAY + 2 * 86_400_000, 480);
    expect(records).toHaveLength(480);
    expect(complete).toBe(false);
    const perHour = new Map<number, number>();
    for (const r of records) perHour.set(new Date(r.decidedAt).getUTCHours(), (perHour.get(new Date(r.decidedAt).getUTCHours()) ?? 0) + 1);
    expect([...perHour.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, h) => h));
    for (const n of perHour.values()) expect(n).toBe(20);
  });

  it('reads a quiet day whole, and nothing of the days around it', async () => {
    const { records, complete } = await sampleDecisions(store, DAY + 4 * 86_400_000, DAY + 5 * 86_400_000, 1000);
    expect(records.map((r) => r.alertId)).toEqual(Array.from({ length: 40 }, (_, i) => `quiet-${i}`));
    expect(complete).toBe(true);
    expect(await sampleDecisions(store, DAY + 3 * 86_400_000, DAY + 4 * 86_400_000, 1000)).toEqual({ records: [], complete: true });
  });
});

describe('driftByDay', () => {
  it("reports PSI per feature per day for the model's own decisions only", async () => {
    const days = await driftByDay({ store, models: MODELS, model: { name: 'default', version: '1' }, from: new Date(DAY), days: 5, perDay: 500 });
    expect(days.map((d) => [d.day, d.read, d.complete, d.drift.decisions])).toEqual([
      ['2026-03-02', 500, false, 500],
      ['2026-03-03', 500, false, 500],
      ['2026-03-04', 50, true, 0],
      ['2026-03-05', 0, true, 0],
      ['2026-03-06', 40, true, 40],
    ]);
    const first = days[0].drift.report!;
    expect(first.windowSize).toBe(500);
    expect(first.score?.psi).toBeGreaterThan(0);
    expect(first.features.map((f) => f.name)).toContain('amount_usd');
  });
});
