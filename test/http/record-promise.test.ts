/**
 * @module "Every decision is on record", against a hostile client (issue 13), on both stores: the
 * request schema and the record schema agree, text no store can hold is refused at the edge with
 * a 400 naming the field, and a record the database still refuses is quarantined without holding
 * up the others. The app records as `winnow serve` does by default: the answer waits for the commit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertSchema, DEFAULT_LIMITS } from '../../src/serving/alert-schema.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

let registry: ModelRegistry;
let pgDb: TestDatabase;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  pgDb = await createTestDatabase();
});
afterAll(async () => {
  await registry.close();
  await pgDb.drop();
});

const quietLog = { info() {}, error() {} };

/** A backend: how to open a fresh store, and how to run raw SQL on it (to make the database refuse a record). */
interface Backend {
  open(): Promise<DecisionStore>;
  /** Makes the database itself refuse any decision whose alert id is 'poison' (a trigger or CHECK constraint). */
  refusePoison(): Promise<void>;
}

function sqliteBackend(): Backend {
  const path = join(mkdtempSync(join(tmpdir(), 'winnow-promise-')), 'winnow.db');
  return {
    open: () => openStore(path),
    async refusePoison() {
      const db = new Database(path);
      db.exec(`CREATE TRIGGER refuse_poison BEFORE INSERT ON decisions WHEN NEW.alert_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poison record refused'); END`);
      db.close();
    },
  };
}

function postgresBackend(): Backend {
  return {
    async open() {
      await pgDb.reset();
      return openStore(pgDb.url);
    },
    async refusePoison() {
      const client = new pg.Client({ connectionString: pgDb.url });
      await client.connect();
      await client.query(`ALTER TABLE decisions ADD CONSTRAINT refuse_poison CHECK (alert_id <> 'poison')`);
      await client.end();
    },
  };
}

/** The app as `winnow serve --record durable` wires it: each answer waits for its records' commit. */
function durableApp(store: DecisionStore) {
  const writer = new BatchingWriter({ store, logger: quietLog, flushIntervalMs: 0, retryDelayMs: 10, maxRetryDelayMs: 50 });
  const app = createApp({
    registry, policyFor: defaultPolicy, decisions: store, feedback: store, storeHealthy: () => writer.healthy(),
    record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
  });
  return { app, writer };
}

const post = (app: ReturnType<typeof createApp>, path: string, body: string) =>
  app.request(`http://localhost${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
const getDecision = (app: ReturnType<typeof createApp>, id: string) => app.request(`http://localhost/v1/decisions/${encodeURIComponent(id)}`);

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
])('the decision record on %s', (_name, backend) => {
  it('records every alert of a batch that holds an empty segment, an empty entityId and an invalid alert with id ""', async () => {
    const store = await backend().open();
    const { app, writer } = durableApp(store);
    try {
      const body = JSON.stringify({
        alerts: [
          { id: 'A1', ruleId: 'tm_structuring' },
          { id: 'A2', ruleId: 'tm_structuring', segment: '' },
          { id: 'A3', ruleId: 'tm_structuring', entityId: '' },
          { id: '', ruleId: 'tm_structuring' },
        ],
      });
      const res = await post(app, '/v1/score', body);
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id')!;
      const { results } = (await res.json()) as { results: { id: string; decision: string; error?: { path: string } }[] };
      expect(results[3]).toMatchObject({ id: '', decision: 'review', error: { path: 'alerts.3.id' } });
      // Each one is on record the moment the answer arrives: no flush, no waiting.
      for (const [id, expected] of [['A1', {}], ['A2', { segment: '' }], ['A3', { entityId: '' }], [`${requestId}#3`, { decision: 'review', band: 'unscored' }]] as const) {
        const got = await getDecision(app, id);
        expect(got.status, id).toBe(200);
        expect(await got.json()).toMatchObject({ alertId: id, ...expected });
      }
      expect(results.slice(0, 3).map((r) => r.decision)).toEqual(await Promise.all(['A1', 'A2', 'A3'].map(async (id) => ((await (await getDecision(app, id)).json()) as { decision: string }).decision)));
      expect(writer.stats().quarantined).toBe(0);
    } finally {
      await writer.close();
      await store.close();
    }
  });

  it('refuses U+0000 and lone surrogates with a 400 naming the field, on every route, and keeps recording', async () => {
    const store = await backend().open();
    const { app, writer } = durableApp(store);
    try {
      const refusals: [string, string, string][] = [
        ['/v1/score', JSON.stringify({ alerts: [{ id: 'ok-1', ruleId: 'tm_structuring' }, { id: 'N\u0000UL', ruleId: 'tm_structuring' }] }), 'alerts.1.id'],
        ['/v1/score', JSON.stringify({ alerts: [{ id: 'ok-2', ruleId: 'tm_structuring', segment: 'retail\u0000' }] }), 'alerts.0.segment'],
        ['/v1/score', JSON.stringify({ alerts: [{ id: 'ok-3', ruleId: 'tm_structuring', attributes: { country: 'x\ud800' } }] }), 'alerts.0.attributes.country'],
        ['/v1/feedback', JSON.stringify({ alertId: 'ok-4', disposition: 'false_positive', analystId: 'ann\u0000', decidedAt: '2026-01-01T00:00:00Z' }), 'analystId'],
        ['/v1/feedback', JSON.stringify({ alertId: 'ok-4', disposition: 'false_positive', analystId: 'ann', decidedAt: '2026-01-01T00:00:00Z', idempotencyKey: 'k-\udfff' }), 'idempotencyKey'],
      ];
      for (const [path, body, field] of refusals) {
        const res = await post(app, path, body);
        expect(res.status, body).toBe(400);
        expect(await res.json()).toMatchObject({ error: { code: 'invalid_text', path: field } });
      }
      // Nothing of a refused request was scored or recorded, and the store took no harm.
      expect((await getDecision(app, 'ok-1')).status).toBe(404);
      expect((await app.request('http://localhost/v1/decisions/N%00UL')).status).toBe(400);
      const after = await post(app, '/v1/score', JSON.stringify({ alerts: [{ id: 'after-1', ruleId: 'tm_structuring', segment: 'retail' }] }));
      expect(after.status).toBe(200);
      expect((await getDecision(app, 'after-1')).status).toBe(200);
      expect((await post(app, '/v1/feedback', JSON.stringify({ alertId: 'after-1', disposition: 'false_positive', analystId: 'ann', decidedAt: '2026-01-01T00:00:00Z' }))).status).toBe(201);
      expect(writer.healthy()).toBe(true);
      expect(writer.stats()).toMatchObject({ failedBatches: 0, quarantined: 0, pending: 0 });
    } finally {
      await writer.close();
      await store.close();
    }
  });

  it('refuses, per alert, an id the database index could not hold (1,024 CJK characters are 3,072 bytes)', async () => {
    const store = await backend().open();
    const { app, writer } = durableApp(store);
    try {
      const wide = '\u4e00\u4e8c\u4e09\u56db'.repeat(256);
      const res = await post(app, '/v1/score', JSON.stringify({ alerts: [{ id: wide, ruleId: 'tm_structuring' }, { id: 'narrow', ruleId: 'tm_structuring' }] }));
      expect(res.status).toBe(200);
      const { results } = (await res.json()) as { results: { decision: string; error?: { path: string; message: string } }[] };
      expect(results[0]).toMatchObject({ decision: 'review', error: { path: 'alerts.0.id', message: 'is 3072 bytes in UTF-8; an id can be at most 2048' } });
      expect((await getDecision(app, `${res.headers.get('x-request-id')}#0`)).status).toBe(200);
      expect((await getDecision(app, 'narrow')).status).toBe(200);
      expect(writer.stats()).toMatchObject({ failedBatches: 0, quarantined: 0 });
    } finally {
      await writer.close();
      await store.close();
    }
  });

  it('quarantines a record the database refuses, writes the rest of its batch and of the queue, and says where it went', async () => {
    const b = backend();
    const store = await b.open();
    await b.refusePoison();
    const { app, writer } = durableApp(store);
    try {
      const batch = (tag: string) => Array.from({ length: 30 }, (_, i) => ({ id: `${tag}-${i}`, ruleId: 'tm_structuring' }));
      const poisoned = [...batch('p').slice(0, 12), { id: 'poison', ruleId: 'tm_structuring' }, ...batch('p').slice(12)];
      // Concurrent requests share commits: the poison must not take its neighbours down with it.
      const responses = await Promise.all([
        post(app, '/v1/score', JSON.stringify({ alerts: batch('a') })),
        post(app, '/v1/score', JSON.stringify({ alerts: poisoned })),
        post(app, '/v1/score', JSON.stringify({ alerts: batch('b') })),
      ]);
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const id of [...batch('a'), ...batch('p'), ...batch('b')].map((a) => a.id)) expect((await getDecision(app, id)).status, id).toBe(200);
      const missing = await getDecision(app, 'poison');
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
        "no decision recorded for alert 'poison'; 1 record(s) of it are quarantined: GET /v1/decisions/poison/quarantine",
      );
      const q = (await (await app.request('http://localhost/v1/decisions/poison/quarantine')).json()) as { quarantined: { reason: string; record: { alertId: string; decision: string } }[] };
      expect(q.quarantined).toHaveLength(1);
      expect(q.quarantined[0].reason).toMatch(/poison|refuse_poison/);
      expect(q.quarantined[0].record).toMatchObject({ alertId: 'poison', decision: expect.any(String) });
      // The features as scored read back as an array (a Float32Array once stored as {"0": …, "1": …}).
      const features = (q.quarantined[0].record as unknown as { features: unknown }).features;
      expect(Array.isArray(features)).toBe(true);
      expect((features as unknown[]).every((v) => typeof v === 'number' || v === 'NaN')).toBe(true);
      expect(writer.healthy()).toBe(true);
      expect(writer.stats()).toMatchObject({ quarantined: 1, failedBatches: 0, pending: 0 });
      // The queue goes on.
      expect((await post(app, '/v1/score', JSON.stringify({ alerts: batch('c') }))).status).toBe(200);
      expect((await getDecision(app, 'c-29')).status).toBe(200);
    } finally {
      await writer.close();
      await store.close();
    }
  });

  it('answers 503 record_unavailable at the deadline while the store hangs, then writes the records once it commits again', async () => {
    const store = await backend().open();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    // The real store behind a gate: every write waits (a lock held elsewhere) until released.
    const gated = { writeDecisions: async (r: Parameters<DecisionStore['writeDecisions']>[0]) => (await hung, store.writeDecisions(r)), quarantineDecisions: (r: Parameters<DecisionStore['quarantineDecisions']>[0]) => store.quarantineDecisions(r) };
    const writer = new BatchingWriter({ store: gated, logger: quietLog, flushIntervalMs: 0 });
    const app = createApp({ registry, policyFor: defaultPolicy, decisions: store, recordTimeoutMs: 200, record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)) });
    try {
      const started = performance.now();
      const res = await post(app, '/v1/score', JSON.stringify({ alerts: [{ id: 'slow-1', ruleId: 'tm_structuring' }] }));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ error: { code: 'record_unavailable', message: expect.stringContaining('not committed within 200 ms') } });
      expect(performance.now() - started).toBeLessThan(2_000);
      release();
      await writer.flush();
      expect((await getDecision(app, 'slow-1')).status).toBe(200);
    } finally {
      release();
      await writer.close();
      await store.close();
    }
  });

  it('property: an alert with any text is refused with a 400, or recorded and read back as sent', async () => {
    const store = await backend().open();
    const { app, writer } = durableApp(store);
    const schema = alertSchema(DEFAULT_LIMITS);
    let recorded = 0;
    let refused = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(alertArbitrary(), { minLength: 1, maxLength: 4 }), async (alerts) => {
          const res = await post(app, '/v1/score', JSON.stringify({ alerts }));
          if (res.status === 400) {
            const { error } = (await res.json()) as { error: { code: string; path: string } };
            expect(error.code).toBe('invalid_text');
            expect(error.path).toMatch(/^alerts\.\d+\./);
            refused += 1;
            return;
          }
          expect(res.status).toBe(200);
          const { results } = (await res.json()) as { results: { decision: string; error?: unknown }[] };
          // Later alerts of a request win for a repeated id (its latest record): check each id's last one.
          const last = new Map(alerts.map((a, i) => [a.id, i]));
          for (const [id, i] of last) {
            if (!schema.safeParse(alerts[i]).success) continue;
            const got = await getDecision(app, id);
            expect(got.status, JSON.stringify(id)).toBe(200);
            const record = (await got.json()) as Record<string, unknown>;
            expect(record.alertId).toBe(id);
            expect(record.ruleId).toBe(alerts[i].ruleId);
            expect(record.segment).toBe(alerts[i].segment);
            expect(record.entityId).toBe(alerts[i].entityId);
            expect(record.decision).toBe(results[i].decision);
            recorded += 1;
          }
        }),
        { numRuns: 80, seed: 13 },
      );
      expect(writer.stats()).toMatchObject({ failedBatches: 0, quarantined: 0 });
      // Both outcomes happened, so the property was not passed vacuously.
      expect(recorded).toBeGreaterThan(30);
      expect(refused).toBeGreaterThan(5);
    } finally {
      await writer.close();
      await store.close();
    }
  }, 120_000);
});

/** Text a hostile client might send: empty, NUL, lone surrogates, astral, RTL, long, and any code units. */
function hostileText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udfff\ud800', '😀', '\u202eevil', 'é', 'e\u0301', '%2F/..', 'x'.repeat(1024), '\u4e00'.repeat(700)),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }).map((units) => String.fromCharCode(...units)),
  );
}

function alertArbitrary() {
  return fc.record(
    {
      id: hostileText(),
      ruleId: fc.oneof(fc.constant('tm_structuring'), hostileText()),
      segment: hostileText(),
      entityId: hostileText(),
    },
    { requiredKeys: ['id', 'ruleId'] },
  );
}
