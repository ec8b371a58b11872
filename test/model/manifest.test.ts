/** @module The manifest schema: what it accepts, each cross-field check, and the evaluation helpers that fill it. */
import { describe, expect, it } from 'vitest';
import { completeManifest, evaluationMetrics, evaluationMetricsSchema, manifestSchema, recommendThresholds } from '../../src/model/index.ts';
import type { Manifest, ManifestDraft } from '../../src/model/index.ts';
import { fakeOnnx, sampleDraft } from './fixtures.ts';

const FILE = 'models/aml-default/3/manifest.json';

function complete(edit: (d: ManifestDraft) => void = () => {}): Manifest {
  const draft = structuredClone(sampleDraft());
  edit(draft);
  return completeManifest(draft, fakeOnnx(), FILE);
}

/** First issue of parsing a completed manifest after an edit, as "path: message". */
function issueAfter(edit: (m: Record<string, any>) => void): string {
  const m: Record<string, any> = structuredClone(complete());
  edit(m);
  const res = manifestSchema.safeParse(m);
  if (res.success) return 'valid';
  return `${res.error.issues[0].path.join('.')}: ${res.error.issues[0].message}`;
}

describe('manifestSchema', () => {
  it('accepts a complete manifest and fills spec defaults', () => {
    const m = complete((d) => {
      delete (d.featureSpec.features[0] as { missing?: string }).missing;
    });
    expect(m.featureSpec.features[0].missing).toBe('nan');
    expect(manifestSchema.parse(m)).toEqual(m);
  });

  it('keeps extra training and metrics keys but drops unknown top-level ones', () => {
    const m: Record<string, any> = structuredClone(complete());
    m.training.sampler = 'time-split';
    m.metrics.validation.recallAtTop100 = 0.4;
    m.typo = 1;
    const parsed = manifestSchema.parse(m) as Record<string, any>;
    expect(parsed.training.sampler).toBe('time-split');
    expect(parsed.metrics.validation.recallAtTop100).toBe(0.4);
    expect(parsed.typo).toBeUndefined();
  });

  it.each([
    { name: 'spec hash of another spec', edit: (m: any) => (m.featureSpec.features[2].categories = ['low', 'high']), want: /^specHash: spec hash mismatch: manifest says sha256:/ },
    { name: 'recall99 threshold above recall95', edit: (m: any) => (m.thresholds = { recall95: 0.01, recall99: 0.02 }), want: 'thresholds.recall99: recall99 threshold 0.02 is above recall95 threshold 0.01' },
    { name: 'more positives than rows', edit: (m: any) => (m.training.positives = 20_000), want: 'training.positives: 20000 positives exceed 10000 rows' },
    { name: 'reference for an unknown feature', edit: (m: any) => (m.reference.amt = { edges: [], counts: [1] }), want: "reference.amt: reference for 'amt', which is not a feature of the spec" },
    { name: 'name that is not a path segment', edit: (m: any) => (m.name = '../etc'), want: 'name: must be letters, digits, ".", "_" or "-", starting with a letter or digit' },
    { name: 'hidden version', edit: (m: any) => (m.version = '.3'), want: /^version: must be letters/ },
    { name: 'createdAt that is not an ISO date-time', edit: (m: any) => (m.createdAt = 'yesterday'), want: /^createdAt: Invalid ISO datetime/ },
    { name: 'ONNX file under another name', edit: (m: any) => (m.onnx.file = 'x.onnx'), want: /^onnx\.file: Invalid input: expected "model\.onnx"/ },
    { name: 'missing ai.onnx.ml opset', edit: (m: any) => delete m.onnx.opset['ai.onnx.ml'], want: /^onnx\.opset\.ai\.onnx\.ml: / },
    { name: 'AUC above 1', edit: (m: any) => (m.metrics.validation.auc = 1.2), want: /^metrics\.validation\.auc: Too big/ },
    { name: 'object parameter', edit: (m: any) => (m.parameters.nested = { a: 1 }), want: /^parameters\.nested: / },
    { name: 'monotone constraint on an unknown feature', edit: (m: any) => (m.parameters.monotone = 'amont:+1'), want: "parameters.monotone: unknown feature 'amont' (did you mean 'amount'?)" },
    { name: 'monotone constraint on a categorical feature', edit: (m: any) => (m.parameters.monotone = 'country_risk:+1'), want: /^parameters\.monotone: feature 'country_risk' is categorical/ },
    { name: 'monotone constraints that are not text', edit: (m: any) => (m.parameters.monotone = 1), want: "parameters.monotone: must be a string like 'amount_usd:+1', got 1" },
    { name: 'format version 2', edit: (m: any) => (m.formatVersion = 2), want: /^formatVersion: Invalid input: expected 1/ },
  ])('rejects a $name', ({ edit, want }) => {
    expect(issueAfter(edit)).toMatch(want);
  });

  it('accepts monotone constraints on features of its spec', () => {
    expect(issueAfter((m) => (m.parameters.monotone = 'amount:+1,vpn:-1'))).toBe('valid');
  });

  it('reports a broken feature spec by its path without running the hash check on it', () => {
    expect(issueAfter((m) => (m.featureSpec.features = []))).toMatch(/^featureSpec\.features: Too small/);
    expect(issueAfter((m) => delete m.featureSpec)).toMatch(/^featureSpec: Invalid input/);
  });
});

describe('evaluation helpers', () => {
  // P = 4, N = 6; the .5 group holds one positive and one negative.
  const labels = [1, 0, 1, 0, 1, 0, 1, 0, 0, 0];
  const scores = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.4, 0.3, 0.2];

  it('summarise an evaluation in the manifest shape', () => {
    const m = evaluationMetrics(labels, scores);
    expect(evaluationMetricsSchema.parse(m)).toEqual(m);
    expect(m).toMatchObject({ rows: 10, positives: 4, threshold95: 0.5, fpReduction95: 0.5, threshold99: 0.5 });
    expect(m.atRecommended).toBeUndefined();
    expect(recommendThresholds(m)).toEqual({ recall95: 0.5, recall99: 0.5 });
  });

  it('record what another set gets at the recommended thresholds', () => {
    const m = evaluationMetrics(labels, scores, { recall95: 0.6, recall99: 0.5 });
    expect(m.atRecommended).toEqual({ recall95: { recall: 0.75, fpReduction: 4 / 6 }, recall99: { recall: 1, fpReduction: 0.5 } });
  });

  it('weigh every metric and the outcome at the recommended thresholds, and record the weighted totals', () => {
    // The negative at .2 and the positive at .6 weigh 3: P = 6 (of which .6 is 3), N = 8.
    const weights = [1, 1, 1, 1, 3, 1, 1, 1, 1, 3];
    const m = evaluationMetrics(labels, scores, { recall95: 0.6, recall99: 0.5 }, weights);
    expect(evaluationMetricsSchema.parse(m)).toEqual(m);
    expect(m).toMatchObject({ rows: 10, positives: 4, weighted: { rows: 14, positives: 6 }, threshold95: 0.5, fpReduction95: 5 / 8 });
    expect(m.atRecommended).toEqual({ recall95: { recall: 5 / 6, fpReduction: 6 / 8 }, recall99: { recall: 1, fpReduction: 5 / 8 } });
    // All-ones weights give the unweighted numbers, plus totals equal to the counts.
    const { weighted, ...ones } = evaluationMetrics(labels, scores, undefined, labels.map(() => 1));
    expect(ones).toEqual(evaluationMetrics(labels, scores));
    expect(weighted).toEqual({ rows: 10, positives: 4 });
  });
});

describe('manifests with sample weights', () => {
  it('record the weight column and weighted totals, and older manifests without them still parse', () => {
    const weighted = sampleDraft();
    Object.assign(weighted.training, { weightColumn: 'sample_weight', weighted: { rows: 24_000.5, positives: 310 } });
    weighted.metrics.validation.weighted = { rows: 5000, positives: 70 };
    const m = completeManifest(weighted, fakeOnnx(), 'manifest.json');
    expect(m.training.weightColumn).toBe('sample_weight');
    expect(m.metrics.validation.weighted).toEqual({ rows: 5000, positives: 70 });
    const old = completeManifest(sampleDraft(), fakeOnnx(), 'manifest.json');
    expect(old.training.weightColumn).toBeUndefined();
    expect(old.metrics.holdout!.weighted).toBeUndefined();
  });

  it('refuse a negative weighted total', () => {
    const bad = sampleDraft();
    bad.metrics.validation.weighted = { rows: -1, positives: 0 };
    expect(() => completeManifest(bad, fakeOnnx(), 'manifest.json')).toThrow(/metrics\.validation\.weighted\.rows/);
  });
});

describe('manifestSchema for a network bundle (--algo mlp|logreg)', () => {
  const network = { algo: 'mlp', layers: [40, 16, 1], weights: 673, standardised: 20, oneHotColumns: 15, missingIndicators: 5, epochsRun: 6, bestEpoch: 4, backend: 'wasm' };
  it('accepts network instead of trees, without the ai.onnx.ml opset', () => {
    expect(issueAfter((m) => { delete m.trees; m.network = network; m.onnx.opset = { 'ai.onnx': 17 }; })).toBe('valid');
  });
  it.each([
    { name: 'neither trees nor network', edit: (m: any) => delete m.trees },
    { name: 'both trees and network', edit: (m: any) => (m.network = network) },
  ])('rejects $name', ({ edit }) => {
    expect(issueAfter(edit)).toBe('trees: a manifest describes exactly one model: give either trees or network');
  });
});
