/** @module The closure curve and single-threshold choice: hand-computed cases, edge cases, and agreement with the metrics package. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fpReductionAtRecall, thresholdOutcome } from '../../src/metrics/index.ts';
import {
  applyThreshold,
  closureCurve,
  gridPoints,
  pointAtThreshold,
  simulateThresholds,
  thresholdForRecall,
  thresholdForReviewBudget,
} from '../../src/thresholds/index.ts';

// Six alerts, two tied at 0.2 (one true, one false positive).
const labels = [0, 0, 1, 0, 1, 1];
const scores = [0.1, 0.2, 0.2, 0.3, 0.4, 0.5];

describe('closureCurve', () => {
  it('accumulates what closing below each distinct score closes, lowest score first', () => {
    const c = closureCurve({ labels, scores });
    expect(Array.from(c.thresholds)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(Array.from(c.closedPositives)).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(c.closedNegatives)).toEqual([0, 1, 2, 3, 3]);
    expect([c.positives, c.negatives]).toEqual([3, 3]);
  });

  it('keeps always-reviewed alerts out of every closure but in the totals', () => {
    const c = closureCurve({ labels, scores, alwaysReview: [0, 0, 0, 0, 0, 1] });
    expect(Array.from(c.thresholds)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect([c.positives, c.negatives, c.alwaysReviewedPositives]).toEqual([3, 3, 1]);
    // Even a threshold above every score closes only the closable alerts.
    const all = pointAtThreshold(c, 2);
    expect([all.closed, all.positivesKept, all.recall]).toEqual([5, 1, 1 / 3]);
  });
});

describe('thresholdForRecall', () => {
  it.each([
    // target, threshold, recall, closed, fpReduction, precision of what is left
    { target: 1, threshold: 0.2, recall: 1, closed: 1, fpReduction: 1 / 3, precision: 3 / 5 },
    { target: 0.9, threshold: 0.2, recall: 1, closed: 1, fpReduction: 1 / 3, precision: 3 / 5 },
    { target: 2 / 3, threshold: 0.4, recall: 2 / 3, closed: 4, fpReduction: 1, precision: 1 },
    { target: 0.3, threshold: 0.5, recall: 1 / 3, closed: 5, fpReduction: 1, precision: 1 },
  ])('target $target → close below $threshold', ({ target, threshold, recall, closed, fpReduction, precision }) => {
    const p = thresholdForRecall(closureCurve({ labels, scores }), target);
    expect(p).toMatchObject({ threshold, closed, reviewed: 6 - closed });
    expect(p.recall).toBeCloseTo(recall, 15);
    expect(p.fpReduction).toBeCloseTo(fpReduction, 15);
    expect(p.precision).toBeCloseTo(precision, 15);
  });

  it('cannot split tied scores: a tie of a true and a false positive is kept or closed together', () => {
    // Every alert scores 0.5: the only cut closes nothing, so recall 1 whatever the target.
    const p = thresholdForRecall(closureCurve({ labels: [0, 1, 0, 1], scores: [0.5, 0.5, 0.5, 0.5] }), 0.5);
    expect([p.threshold, p.closed, p.recall]).toEqual([0.5, 0, 1]);
  });

  it('accepts 95% of 20 true positives computed as 19.000000000000004', () => {
    const n = 20;
    const p = thresholdForRecall(closureCurve({ labels: Array(n).fill(1), scores: Array.from({ length: n }, (_, i) => i) }), 0.95);
    expect(p.positivesKept).toBe(19);
  });

  it('refuses data without true positives, and targets outside (0, 1]', () => {
    const c = closureCurve({ labels: [0, 0, 0], scores: [0.1, 0.2, 0.3] });
    expect(() => thresholdForRecall(c, 0.95)).toThrow(
      expect.objectContaining({ name: 'ThresholdError', message: 'no true positives among the 3 alerts (all labels are 0, or their weights are 0): recall is undefined, so no threshold can be chosen for a recall target' }),
    );
    const ok = closureCurve({ labels, scores });
    expect(() => thresholdForRecall(ok, 0)).toThrow('recall target must be in (0, 1], got 0');
    expect(() => thresholdForRecall(ok, 1.01)).toThrow('recall target must be in (0, 1], got 1.01');
  });

  it('refuses when every alert is always reviewed', () => {
    expect(() => thresholdForRecall(closureCurve({ labels: [0, 1], scores: [0.1, 0.2], alwaysReview: [1, 1] }), 0.9)).toThrow(
      'no alert can be closed: all 2 alerts belong to never-suppressed rules',
    );
  });

  it('agrees with metrics fpReductionAtRecall and thresholdOutcome, weighted or not, ties included', () => {
    const data = fc
      .array(fc.record({ y: fc.constantFrom(0, 1), s: fc.integer({ min: 0, max: 12 }).map((k) => k / 12), w: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 40 })
      .filter((rs) => rs.some((r) => r.y === 1 && r.w > 0));
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 100 }), fc.boolean(), (rs, pct, weighted) => {
        const y = rs.map((r) => r.y);
        const s = rs.map((r) => r.s);
        const w = weighted ? rs.map((r) => r.w) : undefined;
        if (!weighted && !y.includes(1)) return;
        const p = thresholdForRecall(closureCurve({ labels: y, scores: s, weights: w }), pct / 100);
        const ref = fpReductionAtRecall(y, s, pct / 100, w);
        expect(p.threshold).toBe(ref.threshold);
        expect(p.recall).toBeCloseTo(ref.achievedRecall, 12);
        expect(p.fpReduction).toBeCloseTo(ref.fpReduction, 12);
        expect(p.closed).toBeCloseTo(ref.alertsBelow, 9);
        const applied = applyThreshold({ labels: y, scores: s, weights: w }, p.threshold);
        const out = thresholdOutcome(y, s, p.threshold, w);
        expect(applied.recall).toBeCloseTo(out.recall, 12);
        expect(applied.closed).toBeCloseTo(out.alertsBelow, 9);
      }),
      { numRuns: 300 },
    );
  });
});

describe('thresholdForReviewBudget', () => {
  it('leaves at most the budget to review, closing no more than it must', () => {
    const c = closureCurve({ labels, scores });
    expect(thresholdForReviewBudget(c, 6)).toMatchObject({ threshold: 0.1, reviewed: 6 });
    expect(thresholdForReviewBudget(c, 4)).toMatchObject({ threshold: 0.3, reviewed: 3 }); // the 0.2 tie cannot be split
    expect(thresholdForReviewBudget(c, 1)).toMatchObject({ threshold: 0.5, reviewed: 1 });
  });

  it('says why a budget below the top-scored tie cannot be met', () => {
    const c = closureCurve({ labels, scores, alwaysReview: [1, 0, 0, 0, 0, 0] });
    expect(() => thresholdForReviewBudget(c, 1)).toThrow(
      'a budget of 1 reviewed alerts cannot be met: even the highest threshold (0.5) leaves 2 alerts to review (1 of them from never-suppressed rules)',
    );
  });

  it('respects any budget, and the next lower threshold would break it (property)', () => {
    const data = fc
      .array(fc.record({ y: fc.constantFrom(0, 1), s: fc.integer({ min: 0, max: 15 }), w: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 40 })
      .filter((rs) => rs.some((r) => r.w > 0));
    fc.assert(
      fc.property(data, fc.double({ min: 0, max: 1, noNaN: true }), (rs, share) => {
        const c = closureCurve({ labels: rs.map((r) => r.y), scores: rs.map((r) => r.s), weights: rs.map((r) => r.w) });
        const budget = share * (c.positives + c.negatives);
        let p;
        try {
          p = thresholdForReviewBudget(c, budget);
        } catch (err) {
          // Only when even the top cut leaves too much.
          expect((err as Error).message).toMatch(/cannot be met/);
          expect(c.positives + c.negatives - c.closedPositives.at(-1)! - c.closedNegatives.at(-1)!).toBeGreaterThan(budget);
          return;
        }
        expect(p.reviewed).toBeLessThanOrEqual(budget + 1e-9);
        const j = c.thresholds.indexOf(p.threshold);
        if (j > 0) expect(c.positives + c.negatives - c.closedPositives[j - 1] - c.closedNegatives[j - 1]).toBeGreaterThan(budget);
      }),
      { numRuns: 300 },
    );
  });
});

describe('gridPoints and simulateThresholds', () => {
  it('lists round recalls and shares in threshold order and always includes the chosen row', () => {
    const n = 2000;
    const y = Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 1 : 0));
    const s = Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n + (y[i] ? 0.3 : 0));
    const c = closureCurve({ labels: y, scores: s });
    const chosen = thresholdForRecall(c, 0.93).threshold;
    const rows = gridPoints(c, [chosen]);
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.length).toBeLessThan(60);
    expect(rows.map((r) => r.threshold)).toEqual([...rows.map((r) => r.threshold)].sort((a, b) => a - b));
    expect(rows.some((r) => r.threshold === chosen)).toBe(true);
  });

  it('states workload in hours and per period, and refuses a per-period budget without a time span', () => {
    const sim = simulateThresholds({ labels, scores, periods: 2 }, { selection: { kind: 'recall', target: 1 }, minutesPerAlert: 30 });
    expect(sim.chosen.workload).toEqual({ reviewed: 5, hours: 2.5, reviewedPerPeriod: 2.5, hoursPerPeriod: 1.25 });
    expect(sim.reviewAll.hours).toBe(3);
    const budget = simulateThresholds({ labels, scores, periods: 2 }, { selection: { kind: 'budget', perPeriod: 1.5 }, minutesPerAlert: 10 });
    expect(budget.maxReviewed).toBe(3);
    expect(budget.chosen.reviewed).toBeLessThanOrEqual(3);
    expect(() => simulateThresholds({ labels, scores }, { selection: { kind: 'budget', perPeriod: 10 }, minutesPerAlert: 10 })).toThrow(
      'a review budget per period needs the time span of the alerts (a time column)',
    );
    expect(() => simulateThresholds({ labels: [0, 0], scores: [0.1, 0.2] }, { selection: { kind: 'recall', target: 0.9 }, minutesPerAlert: 10 })).toThrow(/no true positives among the 2 alerts/);
  });
});
