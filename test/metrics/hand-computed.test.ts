/** @module Metrics on tiny examples worked out by hand: ties, weights, edge cases and exact error messages. */
import { describe, expect, it } from 'vitest';
import { brier, evaluateBinary, fpReductionAtRecall, logLoss, prAuc, rocAuc, thresholdOutcome } from '../../src/metrics/index.ts';

describe('rocAuc', () => {
  it.each([
    { name: 'sklearn docs example', labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8], want: 0.75 },
    { name: 'perfect ranking', labels: [0, 0, 1], scores: [0.1, 0.2, 0.9], want: 1 },
    { name: 'inverted ranking', labels: [1, 0], scores: [0.1, 0.9], want: 0 },
    { name: 'all scores tied counts every pair as half', labels: [0, 1, 0, 1], scores: [0.5, 0.5, 0.5, 0.5], want: 0.5 },
    // pairs (neg, pos): (.2,.5) win, (.2,.9) win, (.5,.5) half, (.5,.9) win → 3.5 / 4
    { name: 'one tied pair', labels: [0, 0, 1, 1], scores: [0.2, 0.5, 0.5, 0.9], want: 0.875 },
    { name: 'any real scores, infinities included', labels: [0, 1, 0, 1], scores: [-Infinity, 3, -2, Infinity], want: 1 },
  ])('$name', ({ labels, scores, want }) => {
    expect(rocAuc(labels, scores)).toBeCloseTo(want, 15);
  });

  it('weights a row as if it were repeated', () => {
    // neg .6 weighted 3 outranks the positive at .5: 3 lost pairs of 4 → 0.25
    expect(rocAuc([0, 0, 1], [0.6, 0.1, 0.5], [3, 1, 1])).toBeCloseTo(0.25, 15);
    expect(rocAuc([0, 0, 0, 0, 1], [0.6, 0.6, 0.6, 0.1, 0.5])).toBeCloseTo(0.25, 15);
  });

  it('accepts typed arrays', () => {
    expect(rocAuc(new Uint8Array([0, 0, 1, 1]), new Float32Array([0.1, 0.4, 0.35, 0.8]))).toBeCloseTo(0.75, 15);
  });

  it.each([
    { labels: [0, 0], scores: [0.1, 0.2], message: 'rocAuc: no positive labels (all 2 rows are 0 or have weight 0); it is undefined' },
    { labels: [1, 1], scores: [0.1, 0.2], message: 'rocAuc: no negative labels (all 2 rows are 1 or have weight 0); it is undefined' },
    { labels: [0, 1], scores: [0.1], message: 'rocAuc: labels has 2 elements but scores has 1' },
    { labels: [0, 2], scores: [0.1, 0.2], message: 'rocAuc: labels[1] is 2; labels must be 0 or 1' },
    { labels: [0, 1], scores: [NaN, 0.2], message: 'rocAuc: scores[0] is NaN' },
    { labels: [], scores: [], message: 'rocAuc: no rows (labels and scores are empty)' },
  ])('refuses bad input: $message', ({ labels, scores, message }) => {
    expect(() => rocAuc(labels, scores)).toThrow(expect.objectContaining({ name: 'MetricInputError', message }));
  });

  it('refuses negative and non-finite weights and all-zero weights', () => {
    expect(() => rocAuc([0, 1], [0.1, 0.2], [1, -1])).toThrow('rocAuc: weights[1] is -1; weights must be finite and >= 0');
    expect(() => rocAuc([0, 1], [0.1, 0.2], [Infinity, 1])).toThrow('weights[0] is Infinity');
    expect(() => rocAuc([0, 1], [0.1, 0.2], [0, 0])).toThrow('rocAuc: all sample weights are 0');
    expect(() => rocAuc([0, 1], [0.1, 0.2], [1])).toThrow('rocAuc: labels has 2 elements but weights has 1');
  });
});

describe('prAuc (average precision)', () => {
  it('matches the sklearn docs example', () => {
    expect(prAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333333333, 15);
  });

  it('takes one step per tied group: 0.5 × 1 + 0.5 × 2/3', () => {
    expect(prAuc([0, 0, 1, 1], [0.2, 0.5, 0.5, 0.9])).toBeCloseTo(0.5 + 1 / 3, 15);
  });

  it('is 1 when there are no negatives and refuses when there are no positives', () => {
    expect(prAuc([1, 1], [0.2, 0.3])).toBe(1);
    expect(() => prAuc([0, 0], [0.2, 0.3])).toThrow(/prAuc: no positive labels/);
  });

  it('ignores zero-weight rows, as sklearn drops them', () => {
    expect(prAuc([0, 1, 0, 1], [0.9, 0.8, 0.3, 0.2], [0, 1, 1, 1])).toBeCloseTo(prAuc([1, 0, 1], [0.8, 0.3, 0.2]), 15);
  });
});

describe('brier and logLoss', () => {
  it('computes the mean squared error and mean negative log-likelihood', () => {
    expect(brier([0, 1, 1], [0.1, 0.9, 0.4])).toBeCloseTo((0.01 + 0.01 + 0.36) / 3, 15);
    expect(logLoss([1, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
    expect(logLoss([1, 0], [0.8, 0.25])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.75)) / 2, 15);
  });

  it('weights rows', () => {
    expect(brier([0, 1], [0.5, 1], [3, 1])).toBeCloseTo(0.75 / 4, 15);
    expect(logLoss([1, 1], [0.5, 1], [1, 0])).toBeCloseTo(Math.LN2, 15);
  });

  it('clips certain mistakes to a finite loss of -ln(eps)', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(Number.EPSILON), 10);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(Number.EPSILON), 10);
    expect(logLoss([0, 1], [0, 1])).toBeLessThan(1e-15);
  });

  it('refuses scores outside [0, 1]', () => {
    expect(() => brier([0, 1], [0.5, 1.5])).toThrow('brier: scores[1] is 1.5; probabilities must lie in [0, 1]');
    expect(() => logLoss([0, 1], [-0.1, 0.5])).toThrow('logLoss: scores[0] is -0.1; probabilities must lie in [0, 1]');
  });
});

describe('fpReductionAtRecall', () => {
  // P = 4 (.95 .8 .6 .5), N = 6 (.9 .7 .5 .4 .3 .2); the .5 group holds one of each.
  const labels = [1, 0, 1, 0, 1, 0, 1, 0, 0, 0];
  const scores = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.4, 0.3, 0.2];

  it('picks the highest threshold that keeps the target recall and reports what closing below it does', () => {
    expect(fpReductionAtRecall(labels, scores, 0.75)).toEqual({
      recallTarget: 0.75,
      threshold: 0.6,
      achievedRecall: 0.75,
      positivesBelow: 1,
      falsePositivesBelow: 4,
      falsePositives: 6,
      fpReduction: 4 / 6,
      alertsBelow: 5,
      alerts: 10,
      alertShareBelow: 0.5,
    });
  });

  it('cannot split a tie: reaching the positive at .5 keeps the negative at .5 too', () => {
    const r = fpReductionAtRecall(labels, scores, 1);
    expect(r).toMatchObject({ threshold: 0.5, achievedRecall: 1, falsePositivesBelow: 3, fpReduction: 0.5, alertsBelow: 3 });
    expect(fpReductionAtRecall(labels, scores, 0.95).threshold).toBe(0.5);
    expect(fpReductionAtRecall(labels, scores, 0.25)).toMatchObject({ threshold: 0.95, fpReduction: 1, alertsBelow: 9 });
  });

  it('closes nothing when every score is tied', () => {
    expect(fpReductionAtRecall([0, 1, 0], [0.3, 0.3, 0.3], 0.5)).toMatchObject({ threshold: 0.3, fpReduction: 0, alertsBelow: 0, achievedRecall: 1 });
  });

  it('is not fooled by rounding in the target: 0.07 × 100 is 7.000000000000001 in floating point', () => {
    const n = 100;
    const ys = Array.from({ length: n }, () => 1);
    const ss = Array.from({ length: n }, (_, i) => (n - i) / n);
    const r = fpReductionAtRecall(ys, ss, 0.07);
    expect(r.threshold).toBe(0.94);
    expect(r.achievedRecall).toBe(0.07);
  });

  it('reports 0 reduction, not NaN, when there are no negatives', () => {
    expect(fpReductionAtRecall([1, 1], [0.2, 0.9], 0.5)).toMatchObject({ threshold: 0.9, falsePositives: 0, fpReduction: 0, alertsBelow: 1 });
  });

  it('counts sample weights', () => {
    const r = fpReductionAtRecall([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0.8, [1, 2, 3, 4]);
    expect(r).toMatchObject({ threshold: 0.7, achievedRecall: 1, falsePositivesBelow: 4, falsePositives: 6, alertsBelow: 4, alerts: 10 });
  });

  it('refuses data without positives and targets outside (0, 1]', () => {
    expect(() => fpReductionAtRecall([0, 0], [0.1, 0.2], 0.95)).toThrow(
      expect.objectContaining({
        name: 'MetricInputError',
        message: 'fpReductionAtRecall: no positive labels among 2 rows; recall, and so a threshold, is undefined',
      }),
    );
    for (const bad of [0, -0.1, 1.01, NaN]) {
      expect(() => fpReductionAtRecall(labels, scores, bad)).toThrow(`fpReductionAtRecall: recall target ${bad} must be in (0, 1]`);
    }
  });
});

describe('thresholdOutcome', () => {
  const labels = [1, 0, 1, 0, 1, 0, 1, 0, 0, 0];
  const scores = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.4, 0.3, 0.2];

  it('reports recall kept and false positives closed by a fixed threshold, closing only scores strictly below it', () => {
    expect(thresholdOutcome(labels, scores, 0.55)).toEqual({
      threshold: 0.55,
      recall: 0.75,
      positivesBelow: 1,
      falsePositivesBelow: 4,
      falsePositives: 6,
      fpReduction: 4 / 6,
      alertsBelow: 5,
      alerts: 10,
      alertShareBelow: 0.5,
    });
    expect(thresholdOutcome(labels, scores, 0.5)).toMatchObject({ recall: 1, falsePositivesBelow: 3 });
    expect(thresholdOutcome(labels, scores, 0)).toMatchObject({ recall: 1, fpReduction: 0, alertsBelow: 0 });
    expect(thresholdOutcome(labels, scores, 1)).toMatchObject({ recall: 0, fpReduction: 1, alertsBelow: 10 });
  });

  it('refuses a NaN threshold and data without positives', () => {
    expect(() => thresholdOutcome(labels, scores, NaN)).toThrow('thresholdOutcome: threshold is NaN');
    expect(() => thresholdOutcome([0], [0.1], 0.5)).toThrow('thresholdOutcome: no positive labels among 1 rows; recall is undefined');
  });
});

describe('evaluateBinary', () => {
  it('bundles every headline metric for one data set', () => {
    const e = evaluateBinary([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(e).toMatchObject({ count: 4, positives: 2, baseRate: 0.5, auc: 0.75 });
    expect(e.prAuc).toBeCloseTo(0.8333333333333333, 15);
    expect(e.brier).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, 15);
    expect(e.fpAtRecall95).toMatchObject({ threshold: 0.35, fpReduction: 0.5 });
    expect(e.fpAtRecall99.threshold).toBe(0.35);
  });

  it('refuses a set with one class, since AUC is undefined there', () => {
    expect(() => evaluateBinary([1, 1], [0.2, 0.4])).toThrow('evaluateBinary: no negative labels');
  });
});
