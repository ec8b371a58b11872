/** @module The model-risk sections of the card: lineage, results per rule family, calibration, monitoring plan. */
import { describe, expect, it } from 'vitest';
import { completeManifest, renderModelCard } from '../../src/model/index.ts';
import { metricsByRuleFamily, ruleFamily } from '../../src/model/family-metrics.ts';
import { fakeOnnx, sampleDraft } from './fixtures.ts';

const check = {
  rows: 4, brierBefore: 0.2, brierAfter: 0.1, eceBefore: 0.3, eceAfter: 0.05,
  reliabilityBefore: [{ lower: 0, upper: 0.1, count: 4, weight: 4, meanPredicted: 0.05, observedRate: 0.25 }],
  reliabilityAfter: [{ lower: 0, upper: 0.1, count: 4, weight: 4, meanPredicted: 0.2, observedRate: 0.25 }],
  bands: [{ band: 'at or above recall95 threshold', from: 0.01, to: 1, alerts: 4, expectedRate: 0.2, observedRate: 0.25, expectedShareOfPositives: 1, observedShareOfPositives: 1 }],
};

function card(edit: (d: ReturnType<typeof sampleDraft>) => void): string {
  const draft = sampleDraft();
  edit(draft);
  return renderModelCard(completeManifest(draft, fakeOnnx(), 'manifest.json'));
}

describe('model card for model-risk review', () => {
  const text = card((d) => {
    Object.assign(d.training, { dataSha256: 'ab'.repeat(32), labelColumn: 'is_tp', validRows: 1500, holdoutRows: 2000 });
    d.holdoutByRuleFamily = [{ family: 'tm', rows: 1000, positives: 40, auc: 0.9, recallAt95: 0.96, fpReductionAt95: 0.4, closedAt95: 0.38 }];
    d.calibration = { method: 'platt', a: 1.1, b: -0.2, fittedOn: 'validation', fitRows: 1500, holdoutCheck: check };
    d.reference = { country_risk: { edges: [0, 1], counts: [1, 1, 1], missing: 0 } };
    d.scoreReference = { edges: [0.1], counts: [5, 5], missing: 0, source: 'holdout', rows: 10 };
  });

  it('states the data lineage: file hash, label definition, split', () => {
    expect(text).toContain(`- File sha256: \`${'ab'.repeat(32)}\``);
    expect(text).toContain('- Label: column `is_tp`: 1 = the alert was true risk');
    expect(text).toContain('- Split by time: 10000 training, 1500 validation');
  });

  it('tables holdout performance per rule family', () => {
    expect(text).toContain('| tm | 1000 | 40 (4.0%) | 0.9000 | 96.0% | 40.0% | 38.0% |');
  });

  it('describes the calibration map and its before/after check', () => {
    expect(text).toContain('Platt scaling: p = 1 / (1 + exp(−(1.100000 · logit(raw) + -0.200000)))');
    expect(text).toContain('Brier 0.20000 before, 0.10000 after');
    expect(text).toContain('| at or above recall95 threshold [0.010000, 1.000000) | 4 | 20.0% | 25.0% | 100.0% | 100.0% |');
  });

  it('states the monitoring plan with its thresholds and the reference it compares with', () => {
    expect(text).toContain('the holdout rows (10 alerts)');
    expect(text).toContain('| ≥ 0.25 on the score | major |');
    expect(text).toContain('`GET /v1/models/aml-default/3/drift`');
  });

  it('says so when there is no calibration map and no reference', () => {
    const plain = card((d) => { delete d.reference; });
    expect(plain).toContain('No calibration map: scores are ONNX Runtime');
    expect(plain).toContain('**This bundle has no reference distributions**');
  });
});

describe('metricsByRuleFamily', () => {
  it('groups by the rule_id prefix and measures each family at the threshold', () => {
    expect(ruleFamily('tm_structuring')).toBe('tm');
    expect(ruleFamily('odd')).toBe('odd');
    const m = metricsByRuleFamily(['tm_a', 'tm_b', 'tm_a', 'scr_x', 'scr_x'], [1, 0, 0, 0, 0], [0.9, 0.1, 0.5, 0.2, 0.3], 0.25);
    expect(m).toEqual([
      { family: 'scr', rows: 2, positives: 0, auc: null, recallAt95: null, fpReductionAt95: 0.5, closedAt95: 0.5 },
      { family: 'tm', rows: 3, positives: 1, auc: 1, recallAt95: 1, fpReductionAt95: 0.5, closedAt95: 1 / 3 },
    ]);
  });
});
