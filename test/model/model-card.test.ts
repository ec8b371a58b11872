/** @module renderModelCard: every section a compliance reader needs, drawn from the manifest alone. */
import { describe, expect, it } from 'vitest';
import { completeManifest, renderModelCard } from '../../src/model/index.ts';
import type { Manifest } from '../../src/model/index.ts';
import { fakeOnnx, sampleDraft } from './fixtures.ts';

function manifest(edit: (m: ReturnType<typeof sampleDraft>) => void = () => {}): Manifest {
  const draft = sampleDraft();
  edit(draft);
  return completeManifest(draft, fakeOnnx(), 'manifest.json');
}

describe('renderModelCard', () => {
  const m = manifest();
  const card = renderModelCard(m);

  it('has the sections a reviewer looks for, in order', () => {
    const headings = card.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Model card: aml-default 3',
      '## Intended use',
      '## Training data',
      '## Features',
      '## Model',
      '## Metrics',
      '## Recommended thresholds',
      '## Calibration',
      '## Limitations and caveats',
      '## Monitoring plan',
      '## Integrity',
    ]);
  });

  it('summarises training data, features and parameters', () => {
    expect(card).toContain('- Rows: 10000, of which 300 true positives (base rate 3.0%)');
    expect(card).toContain('- Holdout period: 2024-11-16 to 2024-12-31');
    expect(card).toContain('| 2 | country_risk | categorical | countryRisk | nan | 3 |');
    expect(card).toContain('| learningRate | 0.1 |');
    expect(card).toContain('300 trees, maximum depth 6, 12000 leaves in total');
  });

  it('lists monotone constraints in words, and says nothing of them for a model without', () => {
    const constrained = renderModelCard(manifest((d) => (d.parameters.monotone = 'amount:+1,vpn:-1')));
    expect(constrained).toContain('\n\nMonotone constraints: amount increasing, vpn decreasing. With every other feature fixed, the score never falls');
    expect(constrained).toContain('| monotone | amount:+1,vpn:-1 |');
    expect(card).not.toContain('onotone');
  });

  it('tabulates validation and holdout metrics side by side', () => {
    expect(card).toContain('| Metric | Validation | Holdout (time-ordered) |');
    expect(card).toContain('| ROC AUC | 0.9300 | 0.9100 |');
    expect(card).toContain('| FP reduction at 95% recall | 62.0% (threshold 0.0123) | 58.0% (threshold 0.011) |');
    expect(card).toContain('| Log loss | 0.0800 | — |');
  });

  it('states what each recommended threshold achieves on validation and holdout', () => {
    expect(card).toContain('| 95% | 0.0123 | recall ≥ 95%, FP reduction 62.0% | recall 94.8%, FP reduction 60.0% |');
    expect(card).toContain('| 99% | 0.0041 | recall ≥ 99%, FP reduction 41.0% | recall 98.3%, FP reduction 40.0% |');
  });

  it('carries the hashes that tie the card to the bundle', () => {
    expect(card).toContain(`Feature spec hash: \`${m.specHash}\``);
    expect(card).toContain(`sha256 \`${m.onnx.sha256}\``);
    expect(card).toContain('opsets ai.onnx 17, ai.onnx.ml 3');
  });

  it('warns when there is no holdout and never prints undefined or NaN', () => {
    const noHoldout = renderModelCard(
      manifest((d) => {
        delete d.metrics.holdout;
      }),
    );
    expect(noHoldout).toContain('**No holdout metrics are recorded.**');
    expect(noHoldout).toContain('| Metric | Validation |\n');
    expect(noHoldout).not.toMatch(/undefined|NaN/);
    expect(card).not.toMatch(/undefined|NaN/);
  });

  it('says when training and metrics are sample-weighted, and only then', () => {
    const weighted = renderModelCard(
      manifest((d) => {
        Object.assign(d.training, { weightColumn: 'sample_weight', weighted: { rows: 60_000, positives: 600 }, split: { holdout: 0.2, valid: 0.15 }, labelColumn: 'label' });
        d.metrics.validation.weighted = { rows: 12_000, positives: 120 };
      }),
    );
    expect(weighted).toContain('- Sample weights: column `sample_weight`, used in training and in every metric and threshold below: the rows stand for 60000.0 alerts, 600.0 true positives (base rate 1.0%)');
    expect(weighted).toContain('| Sample-weighted alerts, positives (base rate) | 12000.0, 120.0 (1.0%) | — |');
    expect(weighted).toContain('--label label --weight sample_weight --holdout');
    expect(weighted).not.toMatch(/undefined|NaN/);
    expect(card).not.toContain('Sample weights');
    expect(card).not.toContain('Sample-weighted');
  });

  it('escapes pipes so a feature name cannot break a table', () => {
    const odd = renderModelCard(
      manifest((d) => {
        d.featureSpec.features[0].name = 'a|b';
        d.reference = {};
      }),
    );
    expect(odd).toContain('| 0 | a\\|b | numeric |');
  });
});
