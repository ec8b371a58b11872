/** @module Sample weights across the metrics: hand-worked cases, "weight 2 = two copies", and "all ones = no weights". */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateBinary, thresholdOutcome } from '../../src/metrics/index.ts';

describe('weighted metrics worked by hand', () => {
  // Positives .8 (w 1) and .4 (w 3); negatives .6 (w 2), .3 (w 1), .2 (w 4). P = 4, N = 7.
  const labels = [1, 0, 1, 0, 0];
  const scores = [0.8, 0.6, 0.4, 0.3, 0.2];
  const weights = [1, 2, 3, 1, 4];

  it('evaluateBinary: weighted Mann–Whitney AUC, base rate, Brier, log loss and FP reduction', () => {
    const e = evaluateBinary(labels, scores, weights);
    // Pairs won, weighted: .8 beats all 7; .4 beats .3 and .2 (5 of 7) three times over → (7 + 15) / (4 × 7).
    expect(e.auc).toBeCloseTo(22 / 28, 15);
    expect(e).toMatchObject({ count: 5, positives: 2 });
    expect(e.baseRate).toBeCloseTo(4 / 11, 15);
    expect(e.brier).toBeCloseTo((0.04 + 2 * 0.36 + 3 * 0.36 + 0.09 + 4 * 0.04) / 11, 15);
    expect(e.logLoss).toBeCloseTo(-(Math.log(0.8) + 2 * Math.log(0.4) + 3 * Math.log(0.4) + Math.log(0.7) + 4 * Math.log(0.8)) / 11, 14);
    // 95% of 4 needs both positives: threshold .4 closes .3 and .2, 5 of 7 negative weight.
    expect(e.fpAtRecall95).toMatchObject({ threshold: 0.4, achievedRecall: 1, falsePositivesBelow: 5, falsePositives: 7, fpReduction: 5 / 7, alertsBelow: 5, alerts: 11 });
    // Average precision: recall 1/4 at precision 1, then 3/4 more at precision 4/6.
    expect(e.prAuc).toBeCloseTo(0.25 * 1 + 0.75 * (4 / 6), 15);
  });

  it('thresholdOutcome: recall and FP reduction count weights', () => {
    expect(thresholdOutcome(labels, scores, 0.5, weights)).toEqual({
      threshold: 0.5,
      recall: 1 / 4,
      positivesBelow: 3,
      falsePositivesBelow: 5,
      falsePositives: 7,
      fpReduction: 5 / 7,
      alertsBelow: 8,
      alerts: 11,
      alertShareBelow: 8 / 11,
    });
  });
});

interface Rows {
  labels: number[];
  scores: number[];
}
// Coarse scores so ties are common; both classes present.
const rows = fc
  .array(fc.record({ y: fc.constantFrom(0, 1), s: fc.integer({ min: 0, max: 10 }).map((k) => k / 10) }), { minLength: 2, maxLength: 40 })
  .map((rs): Rows => ({ labels: rs.map((r) => r.y), scores: rs.map((r) => r.s) }))
  .filter((d) => d.labels.includes(0) && d.labels.includes(1));

describe('weight 2 is the same as the row written twice', () => {
  const doubled = fc.tuple(rows, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }));

  it('for evaluateBinary and thresholdOutcome', () => {
    fc.assert(
      fc.property(doubled, fc.integer({ min: 0, max: 10 }).map((k) => k / 10), ([d, twice], t) => {
        const weights = d.labels.map((_, i) => (twice[i] ? 2 : 1));
        const copy: Rows = { labels: [], scores: [] };
        d.labels.forEach((y, i) => {
          for (let k = 0; k < weights[i]; k++) {
            copy.labels.push(y);
            copy.scores.push(d.scores[i]);
          }
        });
        const w = evaluateBinary(d.labels, d.scores, weights);
        const c = evaluateBinary(copy.labels, copy.scores);
        // Every field but the row counts, which stay counts of rows.
        for (const k of ['baseRate', 'auc', 'prAuc', 'brier', 'logLoss', 'ece'] as const) expect(w[k]).toBeCloseTo(c[k], 12);
        expect(w.fpAtRecall95).toEqual(c.fpAtRecall95);
        expect(w.fpAtRecall99).toEqual(c.fpAtRecall99);
        const ow = thresholdOutcome(d.labels, d.scores, t, weights);
        const oc = thresholdOutcome(copy.labels, copy.scores, t);
        for (const [k, v] of Object.entries(oc)) expect(ow[k as keyof typeof ow]).toBeCloseTo(v, 12);
      }),
    );
  });
});

describe('all-ones weights change nothing', () => {
  it('bit for bit, for evaluateBinary and thresholdOutcome', () => {
    fc.assert(
      fc.property(rows, (d) => {
        const ones = d.labels.map(() => 1);
        expect(evaluateBinary(d.labels, d.scores, ones)).toEqual(evaluateBinary(d.labels, d.scores));
        expect(thresholdOutcome(d.labels, d.scores, 0.5, ones)).toEqual(thresholdOutcome(d.labels, d.scores, 0.5));
      }),
    );
  });
});
