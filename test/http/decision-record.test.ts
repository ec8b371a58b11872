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
      const res = await app.request('http://localhost/v1/score', { method: 'POST', body: JSON.stringify({ alerts }) });
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
