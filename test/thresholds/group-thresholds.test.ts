/** @module Per-group thresholds: optimal against brute force, never worse than one threshold, floors, pooling, guardrails. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyGroupThresholds, closureCurve, groupThresholds, POOLED_GROUP, positivesAllowedToClose, thresholdForRecall, type GroupedAlerts } from '../../src/thresholds/index.ts';

interface Row {
  g: number;
  y: number;
  s: number;
  w: number;
}

function alertsOf(rows: Row[], groups: number, weighted = true): GroupedAlerts {
  return {
    labels: rows.map((r) => r.y),
    scores: rows.map((r) => r.s),
    weights: weighted ? rows.map((r) => r.w) : undefined,
    group: rows.map((r) => r.g),
    groupNames: Array.from({ length: groups }, (_, g) => `g${g}`),
  };
}

/**
 * The optimum by trying every combination of one cut per group (a cut at each of the group's distinct
 * scores, the optimiser's own choice set), with an optional floor on each group's recall.
 */
function bruteForce(a: GroupedAlerts, target: number, minGroupRecall = 0): number {
  const all = closureCurve(a);
  const budget = positivesAllowedToClose(all.positives, target);
  const curves = a.groupNames
    .map((_, g) => Array.from({ length: a.labels.length }, (_, i) => i).filter((i) => a.group[i] === g))
    .filter((rows) => rows.some((i) => !a.weights || a.weights[i] > 0))
    .map((rows) => closureCurve(a, rows));
  let best = -1;
  const walk = (u: number, lost: number, closed: number) => {
    if (lost > budget) return;
    if (u === curves.length) {
      best = Math.max(best, closed);
      return;
    }
    const c = curves[u];
    for (let j = 0; j < c.thresholds.length; j++) {
      if (minGroupRecall > 0 && c.positives > 0 && c.closedPositives[j] > positivesAllowedToClose(c.positives, minGroupRecall)) break;
      walk(u + 1, lost + c.closedPositives[j], closed + c.closedPositives[j] + c.closedNegatives[j]);
    }
  };
  walk(0, 0, 0);
  return best;
}

// Up to 3 groups, scores on a coarse grid (ties are common), small integer weights.
const instance = fc
  .record({
    groups: fc.integer({ min: 1, max: 3 }),
    rows: fc.array(fc.record({ g: fc.nat(2), y: fc.constantFrom(0, 0, 1), s: fc.integer({ min: 0, max: 7 }), w: fc.integer({ min: 0, max: 3 }) }), { minLength: 2, maxLength: 30 }),
  })
  .map(({ groups, rows }) => ({ groups, rows: rows.map((r) => ({ ...r, g: r.g % groups })) }))
  .filter(({ rows }) => rows.some((r) => r.y === 1 && r.w > 0));
const target = fc.integer({ min: 1, max: 100 }).map((k) => k / 100);

describe('groupThresholds', () => {
  it('closes exactly as many alerts as the best combination of cuts, or as one threshold if that is more (property)', () => {
    fc.assert(
      fc.property(instance, target, fc.boolean(), ({ groups, rows }, t, weighted) => {
        const a = alertsOf(rows, groups, weighted);
        const res = groupThresholds(a, { target: t, minGroupPositives: 0 });
        const global = thresholdForRecall(closureCurve(a), t);
        expect(res.global.threshold).toBe(global.threshold);
        expect(res.perGroup.recall).toBeGreaterThanOrEqual(t - 1e-9);
        expect(res.perGroup.closed).toBeGreaterThanOrEqual(global.closed);
        expect(res.perGroup.closed).toBeCloseTo(Math.max(bruteForce(a, t), global.closed), 9);
        // Applying the chosen thresholds to the same alerts reproduces the reported outcome.
        const applied = applyGroupThresholds(a, res.thresholds);
        expect(applied.closed).toBeCloseTo(res.perGroup.closed, 9);
        expect(applied.recall).toBeCloseTo(res.perGroup.recall, 12);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps every group above a recall floor, and is optimal under it (property)', () => {
    fc.assert(
      fc.property(instance, target, fc.integer({ min: 1, max: 100 }).map((k) => k / 100), ({ groups, rows }, t, floor) => {
        const a = alertsOf(rows, groups, false);
        const res = groupThresholds(a, { target: t, minGroupPositives: 0, minGroupRecall: floor });
        for (const g of res.groups) if (g.positives > 0) expect(g.recall).toBeGreaterThanOrEqual(floor - 1e-9);
        expect(res.perGroup.recall).toBeGreaterThanOrEqual(t - 1e-9);
        if (res.method === 'per-group') expect(res.perGroup.closed).toBe(bruteForce(a, t, floor));
      }),
      { numRuns: 300 },
    );
  });

  it('meets the target with weights that are not whole numbers (costs rounded up), never below one threshold', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 3000; i++) rows.push({ g: i % 4, y: i % 23 === 0 ? 1 : 0, s: ((i * 7907) % 1000) / 1000 + (i % 23 === 0 ? 0.25 : 0), w: 1 + (i % 7) / 3 });
    const a = alertsOf(rows, 4);
    for (const t of [0.8, 0.95, 0.99, 1]) {
      const res = groupThresholds(a, { target: t });
      expect(res.perGroup.recall).toBeGreaterThanOrEqual(t - 1e-12);
      expect(res.perGroup.closed).toBeGreaterThanOrEqual(res.global.closed);
    }
  });

  it('at target 1 closes only alerts scored below every true positive of their group', () => {
    const rows: Row[] = [
      { g: 0, y: 0, s: 1, w: 1 }, { g: 0, y: 0, s: 2, w: 1 }, { g: 0, y: 1, s: 3, w: 1 }, { g: 0, y: 0, s: 4, w: 1 },
      { g: 1, y: 0, s: 5, w: 1 }, { g: 1, y: 1, s: 6, w: 1 }, { g: 1, y: 0, s: 7, w: 1 },
    ];
    const res = groupThresholds(alertsOf(rows, 2), { target: 1, minGroupPositives: 0 });
    expect(res.thresholds).toEqual({ g0: 3, g1: 6 });
    expect([res.perGroup.closed, res.perGroup.recall]).toEqual([3, 1]);
    // One threshold at target 1 must sit at 3, the lowest true positive of all: it closes 2.
    expect([res.global.threshold, res.global.closed]).toEqual([3, 2]);
  });

  it('pools groups with too few true positives into one threshold', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 600; i++) rows.push({ g: i % 3, y: (i % 3 === 0 && i % 9 === 0) || (i % 3 !== 0 && i % 60 === 1) ? 1 : 0, s: (i % 97) / 97, w: 1 });
    const res = groupThresholds(alertsOf(rows, 3), { target: 0.9, minGroupPositives: 20 });
    expect(res.groups.map((g) => [g.key, g.members])).toEqual([['g0', ['g0']], [POOLED_GROUP, ['g1', 'g2']]]);
    const pooled = res.groups[1];
    expect(res.thresholds.g1).toBe(pooled.threshold);
    expect(res.thresholds.g2).toBe(pooled.threshold);
  });

  it('never closes always-reviewed alerts, and an unseen group closes nothing when applied', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 400; i++) rows.push({ g: i % 2, y: i % 10 === 0 ? 1 : 0, s: (i % 37) / 37, w: 1 });
    const a = { ...alertsOf(rows, 2), alwaysReview: rows.map((r) => (r.g === 1 ? 1 : 0)) };
    const res = groupThresholds(a, { target: 0.9, minGroupPositives: 0 });
    const g1 = res.groups.find((g) => g.key === 'g1')!;
    expect([g1.threshold, g1.closed, g1.alwaysReviewed]).toEqual([null, 0, 200]);
    expect(res.thresholds).not.toHaveProperty('g1');
    const later = { labels: [0, 0, 1], scores: [0, 0, 0.5], group: [0, 1, 0], groupNames: ['g0', 'new_rule'] };
    expect(applyGroupThresholds(later, { g0: 0.1 }).closed).toBe(1);
  });

  it('refuses data without true positives', () => {
    expect(() => groupThresholds(alertsOf([{ g: 0, y: 0, s: 1, w: 1 }], 1), { target: 0.9 })).toThrow(/no true positives among the 1 alerts/);
  });
});
