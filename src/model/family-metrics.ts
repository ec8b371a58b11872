/** @module Holdout performance per rule family (the rule_id prefix before "_": tm, scr, acc, kyc, mm), for the model card. */
import { rocAuc } from '../metrics/index.ts';

/** One family's holdout figures at the recommended 95%-recall threshold. */
export type FamilyMetrics = {
  family: string;
  rows: number;
  positives: number;
  /** Null when the family's holdout rows hold only one class. */
  auc: number | null;
  /** At the recommended 95%-recall threshold: true positives kept, false positives closed, alerts closed. */
  recallAt95: number | null;
  fpReductionAt95: number | null;
  closedAt95: number;
};

/** The family of a rule id: its prefix before the first "_" (the whole id when there is none). */
export function ruleFamily(ruleId: string): string {
  const i = ruleId.indexOf('_');
  return i > 0 ? ruleId.slice(0, i) : ruleId;
}

/** Metrics per family of `ruleIds` (aligned with labels and scores), families in name order; weighted when `weights` are given. */
export function metricsByRuleFamily(
  ruleIds: ReadonlyArray<string | null>,
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold95: number,
  weights?: ArrayLike<number>,
): FamilyMetrics[] {
  const groups = new Map<string, number[]>();
  ruleIds.forEach((id, i) => {
    const family = id === null ? '(none)' : ruleFamily(id);
    let rows = groups.get(family);
    if (!rows) groups.set(family, (rows = []));
    rows.push(i);
  });
  return [...groups.keys()].sort().map((family) => {
    const rows = groups.get(family)!;
    const l = Float32Array.from(rows, (i) => labels[i]);
    const s = Float32Array.from(rows, (i) => scores[i]);
    const w = weights && Float32Array.from(rows, (i) => weights[i]);
    const positives = l.reduce((a, b) => a + b, 0);
    const both = positives > 0 && positives < rows.length;
    // [weight, weight closed] of positives and of negatives at the threshold.
    const pos = [0, 0];
    const neg = [0, 0];
    rows.forEach((_, k) => {
      const wi = w ? w[k] : 1;
      const into = l[k] === 1 ? pos : neg;
      into[0] += wi;
      if (s[k] < threshold95) into[1] += wi;
    });
    const total = pos[0] + neg[0];
    return {
      family, rows: rows.length, positives,
      auc: both ? rocAuc(l, s, w) : null,
      recallAt95: pos[0] > 0 ? (pos[0] - pos[1]) / pos[0] : null,
      fpReductionAt95: neg[0] > 0 ? neg[1] / neg[0] : null,
      closedAt95: total > 0 ? (pos[1] + neg[1]) / total : 0,
    };
  });
}
