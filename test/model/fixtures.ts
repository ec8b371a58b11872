/** @module Shared fixtures for bundle tests: a small feature spec, a complete manifest draft and temp directories. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { FeatureSpec } from '../../src/features/spec.ts';
import type { ManifestDraft } from '../../src/model/index.ts';

/** A three-feature spec covering each feature kind. */
export function sampleSpec(): FeatureSpec {
  return {
    version: 1,
    features: [
      { name: 'amount', kind: 'numeric', source: 'amount', missing: 'nan' },
      { name: 'vpn', kind: 'boolean', source: 'vpn', missing: 'nan' },
      { name: 'country_risk', kind: 'categorical', source: 'countryRisk', missing: 'nan', categories: ['low', 'medium', 'high'] },
    ],
  };
}

/** A valid manifest draft (no hashes) as a trainer would hand it to writeBundle. */
export function sampleDraft(): ManifestDraft {
  return {
    name: 'aml-default',
    version: '3',
    createdAt: '2025-01-15T09:30:00.000Z',
    featureSpec: sampleSpec(),
    onnx: { inputName: 'features', outputNames: { probabilities: 'probabilities', label: 'label' }, opset: { 'ai.onnx': 17, 'ai.onnx.ml': 3 } },
    training: {
      rows: 10_000,
      positives: 300,
      baseRate: 0.03,
      source: 'alerts-2024.csv',
      timeColumn: 'occurredAt',
      trainRange: { from: '2024-01-01', to: '2024-09-30' },
      validRange: { from: '2024-10-01', to: '2024-11-15' },
      holdoutRange: { from: '2024-11-16', to: '2024-12-31' },
    },
    parameters: { numTrees: 300, learningRate: 0.1, maxDepth: 6, objective: 'binary:logistic', earlyStopping: true },
    metrics: {
      validation: { rows: 2000, positives: 61, auc: 0.93, prAuc: 0.41, brier: 0.021, logLoss: 0.08, ece: 0.004, fpReduction95: 0.62, threshold95: 0.0123, fpReduction99: 0.41, threshold99: 0.0041 },
      holdout: {
        rows: 2100,
        positives: 58,
        auc: 0.91,
        prAuc: 0.37,
        brier: 0.023,
        fpReduction95: 0.58,
        threshold95: 0.011,
        fpReduction99: 0.38,
        threshold99: 0.0038,
        atRecommended: { recall95: { recall: 0.948, fpReduction: 0.6 }, recall99: { recall: 0.983, fpReduction: 0.4 } },
      },
    },
    thresholds: { recall95: 0.0123, recall99: 0.0041 },
    trees: { count: 300, maxDepth: 6, leaves: 12_000 },
    reference: { amount: { edges: [10, 100, 1000], counts: [5, 50, 40, 5], missing: 0 } },
  };
}

/** Arbitrary bytes standing in for an ONNX model (the real writer lives in src/onnx/). */
export function fakeOnnx(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 0xff);
}

// Every directory tempDir made is removed after each test, pass or fail.
const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temp directory, removed after the current test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'winnow-model-'));
  made.push(dir);
  return dir;
}
