import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';
import { defaultPolicy, tempModels, twoAlerts } from './helpers.ts';

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
const backends: [string, () => Promise<DecisionStore>][] = [
  ['SQLite', () => openStore(join(mkdtempSync(join(tmpdir(), 'winnow-dec-')), 'winnow.db'))],
  ['PostgreSQL', () => openStore(pgDb.url)],
];

describe.each(backends)('decision records on %s', (_name, open) => {
  it('records every decision of a response, malformed alerts included, and serves them back', async () => {
    const store = await open();
    await store.init();
    const writer = new BatchingWriter({ store, logger: quietLog });
    const app = createApp({
      registry, policyFor: defaultPolicy, decisions: store, storeHealthy: () => writer.healthy(),
      record: (results, model, requestId) => void writer.enqueue(decisionRecords(results, model, requestId)),
    });
    try {
      const alerts = [...twoAlerts, { id: 'BAD', ruleId: 'tm_structuring', attributes: { amount_usd: 'n/a' } }, { ruleId: 'no-id' }];
      const res = await app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts }) });
      const { results } = (await res.json()) as { results: { id: string | null; index: number; decision: string; score: number | null }[] };
      await writer.flush();
      expect(writer.stats().written).toBe(4);
      for (const r of results) {
        const key = r.id ?? `${res.headers.get('x-request-id')}#${r.index}`;
        const record = await store.getDecision(key);
        expect(record, key).toBeDefined();
        expect(record!.decision).toBe(r.decision);
        expect(record!.score).toBe(r.score);
        expect(record!.model).toEqual({ name: 'default', version: '1' });
        expect(record!.specHash).toBe(registry.active.manifest.specHash);
      }
      // The feature vector as scored survives, missing values (NaN) included.
      const a1 = (await (await app.request('http://localhost/v1/decisions/A-1')).json()) as { features: number[] };
      expect(a1.features).toHaveLength(registry.active.manifest.featureSpec.features.length);
      expect(a1.features.some((v) => v === null || Number.isNaN(v))).toBe(true);
      expect((await app.request('http://localhost/v1/decisions/nope')).status).toBe(404);
    } finally {
      await writer.close();
      await store.close();
    }
  });
});

describe('back-pressure when the store falls behind', () => {
  it('answers 503 with Retry-After past the backlog cap, and scores again once the records are written', async () => {
    const store = await backends[0][1]();
    await store.init();
    let down = true;
    // The real SQLite store behind a switch that simulates an outage (disk full, lost database).
    const flaky = {
      writeDecisions: (r: Parameters<DecisionStore['writeDecisions']>[0]) => (down ? Promise.reject(new Error('disk full')) : store.writeDecisions(r)),
      quarantineDecisions: (r: Parameters<DecisionStore['quarantineDecisions']>[0]) => store.quarantineDecisions(r),
    };
    const writer = new BatchingWriter({ store: flaky, logger: quietLog, flushIntervalMs: 1, retryDelayMs: 5, maxRetryDelayMs: 5 });
    const app = createApp({
      registry, policyFor: defaultPolicy, storeHealthy: () => writer.healthy(), recordBacklogFull: () => writer.pending >= 4,
      record: (results, model, requestId) => void writer.enqueue(decisionRecords(results, model, requestId)),
    });
    const score = () => app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: twoAlerts }) });
    try {
      expect((await score()).status).toBe(200);
      expect((await score()).status).toBe(200);
      const refused = await score();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('store_backlog');
      expect(writer.pending).toBe(4); // the refused request added nothing
      down = false;
      await writer.flush();
      expect((await score()).status).toBe(200);
      await writer.flush();
      expect(writer.stats().written).toBe(6);
      expect((await store.getDecisionHistory('A-1')).length).toBe(3);
    } finally {
      await writer.close();
      await store.close();
    }
  });
});
