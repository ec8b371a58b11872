/** @module Shared setup for HTTP tests: a registry over a temp copy of the default bundle, and an app that records. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { policyForModels } from '../../src/serving/policy-decider.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';

const quiet = { info() {}, warn() {}, error() {} };

export const DEFAULT_BUNDLE = new URL('../../models/default/1', import.meta.url).pathname;

/** A fresh models folder holding a copy of models/default/1. */
export function tempModels(): string {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-models-'));
  cpSync(DEFAULT_BUNDLE, join(dir, 'default', '1'), { recursive: true });
  return dir;
}

/** Two plain alerts in the synthetic data's vocabulary. */
export const twoAlerts: { id: string; ruleId: string; segment: string; attributes: Record<string, number | boolean | string | null> }[] = [
  { id: 'A-1', ruleId: 'tm_structuring', segment: 'retail', attributes: { amount_usd: 9500, account_age_days: 12, txn_count_24h: 14, prior_alerts_90d: 3, vpn_detected: true } },
  { id: 'A-2', ruleId: 'tm_large_withdrawal', segment: 'vip', attributes: { amount_usd: 120000, account_age_days: 2100, prior_false_positives_90d: 6, prior_alerts_90d: 6 } },
];

/** The serving default: the bundle's recommended thresholds, sanctions never suppressed. */
export const defaultPolicy = policyForModels({ neverSuppress: ['scr_sanctions'] });

/**
 * A test file's app over the shipped model and a temp SQLite store, recording through a
 * BatchingWriter as `winnow serve` does: opened in beforeAll, closed in afterAll. `app(extra)`
 * builds the app with any further options (adapters, keys).
 */
export function recordingApp(label: string) {
  let opened: { registry: ModelRegistry; store: DecisionStore; writer: BatchingWriter; follower: ExperimentFollower } | undefined;
  const get = () => {
    if (!opened) throw new Error('recordingApp: used before beforeAll ran');
    return opened;
  };
  beforeAll(async () => {
    const models = tempModels();
    const registry = await ModelRegistry.open(models);
    const store = await openStore(join(mkdtempSync(join(tmpdir(), `winnow-${label}-`)), 'winnow.db'));
    await store.init();
    // Follows the store's experiments when the routes change them (no timer: it is never started).
    const follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: ['scr_sanctions'] }, intervalMs: 60_000, logger: quiet });
    opened = { registry, store, writer: new BatchingWriter({ store, logger: quiet, flushIntervalMs: 0 }), follower };
  }, 60_000);
  afterAll(async () => {
    if (!opened) return;
    await opened.follower.stop();
    await opened.writer.close();
    await opened.store.close();
    await opened.registry.close();
  });
  return {
    get registry() { return get().registry; },
    get store() { return get().store; },
    /** The `experiments` option of `createApp`, as `winnow serve` wires it: routes over the store, followed at once. */
    get experiments() {
      const { store, follower } = get();
      return { current: () => follower.current(), routes: { store, prepare: (d: Parameters<ExperimentFollower['prepare']>[0]) => follower.prepare(d), onChange: () => follower.poll() } };
    },
    app: (extra: Partial<Parameters<typeof createApp>[0]> = {}) => {
      const { registry, store, writer } = get();
      return createApp({
        registry, policyFor: defaultPolicy, decisions: store,
        record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
        ...extra,
      });
    },
  };
}
