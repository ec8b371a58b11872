/** @module Property tests: the fast metrics agree with brute-force definitions and keep their invariants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brier, evaluateBinary, fpReductionAtRecall, logLoss, prAuc, rocAuc, thresholdOutcome } from '../../src/metrics/index.ts';

interface Rows {
  labels: number[];
  scores: number[];
  weights: number[];
}

// Scores on a coarse grid so ties are common; weights small integers so "weight k" can mean "k copies".
const rows = fc
  .array(fc.record({ y: fc.constantFrom(0, 1), s: fc.integer({ min: 0, max: 20 }).map((k) => k / 20), w: fc.integer({ min: 0, max: 3 }) }), {
    minLength: 2,
    maxLength: 40,
  })
  .map((rs): Rows => ({ labels: rs.map((r) => r.y), scores: rs.map((r) => r.s), weights: rs.map((r) => r.w) }));
const bothClasses = rows.filter((d) => d.labels.includes(0) && d.labels.includes(1));
const bothWeighted = rows.filter((d) => d.labels.some((y, i) => y === 1 && d.weights[i] > 0) && d.labels.some((y, i) => y === 0 && d.weights[i] > 0));
const withPositive = rows.filter((d) => d.labels.includes(1));
const withWeightedPositive = rows.filter((d) => d.labels.some((y, i) => y === 1 && d.weights[i] > 0));
const recallTarget = fc.integer({ min: 1, max: 100 }).map((k) => k / 100);

/** AUC as the (weighted) share of positive/negative pairs ranked correctly, ties counting half. */
function pairAuc({ labels, scores }: Rows, w: number[] = labels.map(() => 1)): number {
  let num = 0;
  let den = 0;
  labels.forEach((yi, i) => {
    if (yi !== 1) return;
    labels.forEach((yj, j) => {
      if (yj !== 0) return;
      const pair = w[i] * w[j];
      den += pair;
      num += pair * (scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0);
    });
  });
  return num / den;
}

/** Average precision straight from its definition: Σ over distinct scores of recall gain × precision at that score. */
function bruteAp({ labels, scores }: Rows): number {
  const pos = labels.filter((y) => y === 1).length;
  let ap = 0;
  for (const t of new Set(scores)) {
    const at = labels.filter((y, i) => y === 1 && scores[i] === t).length;
    const kept = scores.filter((s) => s >= t).length;
    const tp = labels.filter((y, i) => y === 1 && scores[i] >= t).length;
    ap += (at / pos) * (tp / kept);
  }
  return ap;
}

/** Recall kept by alerting on score >= t. */
function recallAt({ labels, scores }: Rows, t: number): number {
  const pos = labels.filter((y) => y === 1).length;
  return labels.filter((y, i) => y === 1 && scores[i] >= t).length / pos;
}

/** Rows repeated by their integer weight, so weighted metrics can be checked against unweighted ones. */
function expand(d: Rows): Rows {
  const out: Rows = { labels: [], scores: [], weights: [] };
  d.labels.forEach((y, i) => {
    for (let k = 0; k < d.weights[i]; k++) {
      out.labels.push(y);
      out.scores.push(d.scores[i]);
      out.weights.push(1);
    }
  });
  return out;
}

describe('rocAuc properties', () => {
  it('equals the share of correctly ordered pairs, with and without weights', () => {
    fc.assert(
      fc.property(bothClasses, (d) => {
        expect(rocAuc(d.labels, d.scores)).toBeCloseTo(pairAuc(d), 12);
      }),
    );
    fc.assert(
      fc.property(bothWeighted, (d) => {
        expect(rocAuc(d.labels, d.scores, d.weights)).toBeCloseTo(pairAuc(d, d.weights), 12);
      }),
    );
  });

  it('is invariant under strictly increasing transforms of the scores', () => {
    const transforms = [(s: number) => Math.exp(4 * s) - 3, (s: number) => Math.log(s + 1e-3), (s: number) => s ** 3 * 1000];
    fc.assert(
      fc.property(bothClasses, fc.constantFrom(...transforms), (d, f) => {
        expect(rocAuc(d.labels, d.scores.map(f))).toBeCloseTo(rocAuc(d.labels, d.scores), 12);
      }),
    );
  });

  it('flips to 1 − AUC when scores are reversed (1 − s)', () => {
    fc.assert(
      fc.property(bothClasses, (d) => {
        expect(rocAuc(d.labels, d.scores.map((s) => 1 - s))).toBeCloseTo(1 - rocAuc(d.labels, d.scores), 12);
      }),
    );
  });
});

describe('integer weights mean repeated rows', () => {
  it('for AUC, average precision, Brier, log loss and FP reduction', () => {
    fc.assert(
      fc.property(bothWeighted, recallTarget, (d, r) => {
        const e = expand(d);
        expect(rocAuc(d.labels, d.scores, d.weights)).toBeCloseTo(rocAuc(e.labels, e.scores), 12);
        expect(prAuc(d.labels, d.scores, d.weights)).toBeCloseTo(prAuc(e.labels, e.scores), 12);
        expect(brier(d.labels, d.scores, d.weights)).toBeCloseTo(brier(e.labels, e.scores), 12);
        expect(logLoss(d.labels, d.scores, d.weights)).toBeCloseTo(logLoss(e.labels, e.scores), 12);
        const fw = fpReductionAtRecall(d.labels, d.scores, r, d.weights);
        const fe = fpReductionAtRecall(e.labels, e.scores, r);
        expect(fw.threshold).toBe(fe.threshold);
        expect(fw.fpReduction).toBeCloseTo(fe.fpReduction, 12);
        expect(fw.alertsBelow).toBe(fe.alertsBelow);
      }),
    );
  });
});

describe('prAuc properties', () => {
  it('equals the definition of average precision and lies in (0, 1]', () => {
    fc.assert(
      fc.property(withPositive, (d) => {
        const ap = prAuc(d.labels, d.scores);
        expect(ap).toBeCloseTo(bruteAp(d), 12);
        expect(ap).toBeGreaterThan(0);
        expect(ap).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});

describe('fpReductionAtRecall properties', () => {
  it('keeps at least the target recall, and no higher score would', () => {
    fc.assert(
      fc.property(withPositive, recallTarget, (d, r) => {
        const res = fpReductionAtRecall(d.labels, d.scores, r);
        expect(d.scores).toContain(res.threshold);
        expect(res.achievedRecall).toBe(recallAt(d, res.threshold));
        expect(res.achievedRecall).toBeGreaterThanOrEqual(r - 1e-12);
        for (const s of d.scores) if (s > res.threshold) expect(recallAt(d, s)).toBeLessThan(r - 1e-12);
        const below = d.labels.filter((y, i) => y === 0 && d.scores[i] < res.threshold).length;
        expect(res.falsePositivesBelow).toBe(below);
        expect(res.alertsBelow).toBe(d.scores.filter((s) => s < res.threshold).length);
      }),
    );
  });

  it('agrees with thresholdOutcome at the threshold it picks', () => {
    fc.assert(
      fc.property(withWeightedPositive, recallTarget, (d, r) => {
        const { recallTarget: _, achievedRecall, ...rest } = fpReductionAtRecall(d.labels, d.scores, r, d.weights);
        const o = thresholdOutcome(d.labels, d.scores, rest.threshold, d.weights);
        expect(o.recall).toBeCloseTo(achievedRecall, 12);
        for (const [k, v] of Object.entries(rest)) expect(o[k as keyof typeof o]).toBeCloseTo(v, 12);
      }),
    );
  });

  it('never reduces more false positives when the recall target rises', () => {
    fc.assert(
      fc.property(withPositive, recallTarget, recallTarget, (d, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const rLo = fpReductionAtRecall(d.labels, d.scores, lo);
        const rHi = fpReductionAtRecall(d.labels, d.scores, hi);
        expect(rHi.fpReduction).toBeLessThanOrEqual(rLo.fpReduction);
        expect(rHi.threshold).toBeLessThanOrEqual(rLo.threshold);
      }),
    );
  });
});

describe('evaluateBinary', () => {
  it('agrees with the individual metrics', () => {
    fc.assert(
      fc.property(bothWeighted, (d) => {
        const e = evaluateBinary(d.labels, d.scores, d.weights);
        expect(e.auc).toBeCloseTo(rocAuc(d.labels, d.scores, d.weights), 14);
        expect(e.prAuc).toBeCloseTo(prAuc(d.labels, d.scores, d.weights), 14);
        expect(e.brier).toBeCloseTo(brier(d.labels, d.scores, d.weights), 14);
        expect(e.logLoss).toBeCloseTo(logLoss(d.labels, d.scores, d.weights), 14);
        expect(e.fpAtRecall95).toEqual(fpReductionAtRecall(d.labels, d.scores, 0.95, d.weights));
        expect(e.fpAtRecall99).toEqual(fpReductionAtRecall(d.labels, d.scores, 0.99, d.weights));
        expect(e.count).toBe(d.labels.length);
      }),
    );
  });
});
