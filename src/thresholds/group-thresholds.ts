/** @module Per-group closing thresholds (one per rule or segment) optimised together for one overall recall target. */
import { type ClosureCurve, closureCurve, pointAtThreshold, pointFromCounts, type ScoredAlerts, type ThresholdPoint, ThresholdError } from './closure-curve.ts';
import { checkRecallTarget, lastAtMost, positivesAllowedToClose, thresholdForRecall } from './select.ts';

/** Scored alerts with a group per alert: `group[i]` indexes `groupNames`. */
export interface GroupedAlerts extends ScoredAlerts {
  group: ArrayLike<number>;
  groupNames: readonly string[];
}

export interface GroupThresholdOptions {
  /** Overall share of true positives to keep for review, in (0, 1]. */
  target: number;
  /**
   * Groups with fewer labelled true positives (rows, not weights) than this share one pooled threshold:
   * a threshold fitted to a handful of positives would promise a recall the next month will not keep.
   */
  minGroupPositives?: number;
  /**
   * Each group (with true positives) must keep at least this share of its own, in [0, 1]: a floor so the
   * optimum cannot give up most of one rule's true positives to close another's false ones. Default 0.
   */
  minGroupRecall?: number;
}

/** Name of the pooled group of small groups. */
export const POOLED_GROUP = '(other)';

/** What one group's threshold does, next to what the single global threshold does to the same group. */
export interface GroupThreshold {
  /** Group value, or POOLED_GROUP. */
  key: string;
  /** The group values sharing this threshold (just `key` unless pooled). */
  members: string[];
  alerts: number;
  positives: number;
  /** Labelled true positives as rows, whatever their weights. */
  positiveRows: number;
  /** Alerts of never-suppressed rules in the group. */
  alwaysReviewed: number;
  /** Close alerts of this group scored below it; null when the group has nothing that may be closed. */
  threshold: number | null;
  closed: number;
  positivesClosed: number;
  closedShare: number;
  /** Share of the group's true positives kept; NaN without positives. */
  recall: number;
  /** The same quantities under the single global threshold. */
  global: { closed: number; positivesClosed: number; closedShare: number; recall: number };
}

export interface GroupThresholdResult {
  target: number;
  minGroupPositives: number;
  minGroupRecall: number;
  /** 'per-group' normally; 'global' when the single threshold closes more (it may close a whole group) and is kept instead. */
  method: 'per-group' | 'global';
  groups: GroupThreshold[];
  /** The combined outcome of the per-group thresholds (its `threshold` is NaN: there is not one). */
  perGroup: ThresholdPoint;
  /** The single threshold for the same target, on the same alerts. */
  global: ThresholdPoint;
  /** Threshold per group value, pooled values included, for applying to other data. */
  thresholds: Record<string, number>;
}

interface Unit {
  key: string;
  members: string[];
  rows: number[];
  positiveRows: number;
  curve: ClosureCurve;
}

const closedAt = (c: ClosureCurve, j: number) => c.closedPositives[j] + c.closedNegatives[j];

/** Most budget levels the optimiser uses; beyond it costs are rounded up to budget / MAX_LEVELS. */
export const MAX_LEVELS = 4000;

function buildUnits(alerts: GroupedAlerts, minGroupPositives: number): Unit[] {
  const { labels, weights, group, groupNames, alwaysReview } = alerts;
  const rows: number[][] = groupNames.map(() => []);
  const positiveRows = new Array<number>(groupNames.length).fill(0);
  const closable = new Array<number>(groupNames.length).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const g = group[i];
    rows[g].push(i);
    if (labels[i] === 1 && (!weights || weights[i] > 0)) positiveRows[g]++;
    if (!alwaysReview || !alwaysReview[i]) closable[g]++;
  }
  const units: Omit<Unit, 'curve'>[] = [];
  const pooled = { key: POOLED_GROUP, members: [] as string[], rows: [] as number[], positiveRows: 0 };
  groupNames.forEach((name, g) => {
    if (rows[g].length === 0) return;
    // A group that is never suppressed has no threshold to pool; it stays itself, to be shown as such.
    if (positiveRows[g] >= minGroupPositives || closable[g] === 0) units.push({ key: name, members: [name], rows: rows[g], positiveRows: positiveRows[g] });
    else {
      pooled.members.push(name);
      pooled.rows.push(...rows[g]);
      pooled.positiveRows += positiveRows[g];
    }
  });
  if (pooled.members.length > 0) units.push(pooled);
  // A group whose every alert weighs 0 stands for no alert: it has no curve, and nothing to close.
  const weighs = (rs: number[]) => !weights || rs.some((r) => weights[r] > 0);
  return units.filter((u) => weighs(u.rows)).map((u) => ({ ...u, curve: closureCurve(alerts, u.rows) }));
}

/**
 * The cost unit: 1 true positive when every closable positive weighs a whole number and the budget spans at
 * most MAX_LEVELS of them (then the optimum is exact), else budget / MAX_LEVELS.
 */
function costUnit(units: Unit[], budget: number): { unit: number; levels: number } {
  const whole = units.every(({ curve: c }) => c.closedPositives.every(Number.isInteger));
  if (whole && budget < MAX_LEVELS + 1) return { unit: 1, levels: Math.floor(budget) };
  return { unit: budget / MAX_LEVELS, levels: MAX_LEVELS };
}

/**
 * Maximise alerts closed subject to overall recall >= target, with one threshold per group.
 *
 * This is a multiple-choice knapsack: each group offers the points of its closure curve (a threshold at
 * each of its distinct scores), a point costs the true positives it closes and gains the alerts it closes,
 * and the budget is the true positives the target lets go. The budget is a count of true positives, small
 * next to the alerts (75 at 95% recall of 1,500), so the knapsack is solved exactly by dynamic programming
 * over it: best[g][b] = most alerts closed by groups 0..g losing at most b positives, each group trying
 * every number of lost positives l <= b at its highest threshold losing at most l. Cost: budget × the
 * positives of the groups, e.g. 1,750 × 35,000 steps for a million alerts.
 *
 * Why not the greedy on each group's convex hull (rank hull steps by true positives per closed alert,
 * i.e. equalise marginal precision, the Lagrangian solution)? It is optimal only up to one hull step, and
 * with few groups, say five segments of which one holds 80% of alerts, a hull step is thousands of alerts:
 * on 50,000 synthetic alerts at 99% recall it closed 8,350 where the optimum closes 11,319. The optimum does
 * equalise marginal precision where the curves allow it; it also finds the places where they do not.
 *
 * With weights that are not whole numbers (or a budget of more than MAX_LEVELS positives) costs are
 * rounded UP to budget / MAX_LEVELS: the recall target always holds, and at most a few closures per group
 * are given away. A floor on each group's own recall (minGroupRecall) just removes the cuts below it
 * from that group's choices. Every group keeps at least its top-scored alert (a group is re-ranked, never switched
 * off), so the single global threshold, which may close a whole group, is also compared, and kept should
 * it close more.
 */
export function groupThresholds(alerts: GroupedAlerts, { target, minGroupPositives = 20, minGroupRecall = 0 }: GroupThresholdOptions): GroupThresholdResult {
  if (!(minGroupRecall >= 0 && minGroupRecall <= 1)) throw new ThresholdError(`minimum recall per group must be in [0, 1], got ${minGroupRecall}`);
  const all = closureCurve(alerts);
  checkRecallTarget(all, target);
  const global = thresholdForRecall(all, target);
  const units = buildUnits(alerts, minGroupPositives);
  const budget = positivesAllowedToClose(all.positives, target);
  const { unit, levels: K } = costUnit(units, budget);

  let best = new Float64Array(K + 1); // no group yet: nothing closed whatever the budget
  const choices: Int32Array[] = [];
  for (const { curve: c } of units) {
    const choice = new Int32Array(K + 1);
    choices.push(choice);
    if (c.thresholds.length === 0) continue; // nothing closable: the group spends nothing
    // gain[l] = alerts closed at the highest threshold whose lost positives round up to at most l units
    // (and that keeps the group's floor).
    const floor = floorOf(c, minGroupRecall);
    const top = Math.min(K, Math.ceil(Math.min(floor, c.closedPositives[c.closedPositives.length - 1]) / unit));
    const gain = Float64Array.from({ length: top + 1 }, (_, l) => closedAt(c, lastAtMost(c.closedPositives, Math.min(l * unit, floor))));
    const next = new Float64Array(K + 1).fill(-Infinity);
    for (let b = 0; b <= K; b++) {
      for (let l = 0, end = Math.min(b, top); l <= end; l++) {
        const v = best[b - l] + gain[l];
        if (v > next[b]) [next[b], choice[b]] = [v, l];
      }
    }
    best = next;
  }
  const at = new Array<number>(units.length).fill(0);
  for (let u = units.length - 1, b = K; u >= 0; u--) {
    const l = choices[u][b];
    const c = units[u].curve;
    if (c.thresholds.length > 0) at[u] = lastAtMost(c.closedPositives, Math.min(l * unit, floorOf(c, minGroupRecall)));
    b -= l;
  }

  let closedPos = 0;
  let closedNeg = 0;
  units.forEach(({ curve: c }, u) => {
    if (c.thresholds.length === 0) return;
    closedPos += c.closedPositives[at[u]];
    closedNeg += c.closedNegatives[at[u]];
  });
  const optimised = pointFromCounts(NaN, all.positives, all.negatives, closedPos, closedNeg);
  const globalKeepsFloors = units.every(({ curve: c }) => pointAtThreshold(c, global.threshold).positivesClosed <= floorOf(c, minGroupRecall));
  const method = global.closed > optimised.closed && globalKeepsFloors ? 'global' : 'per-group';
  const groups = units.map((unit, u) => describeUnit(unit, method === 'global' ? null : at[u], global.threshold));
  const thresholds: Record<string, number> = {};
  for (const g of groups) if (g.threshold !== null) for (const m of g.members) thresholds[m] = g.threshold;
  return {
    target,
    minGroupPositives,
    minGroupRecall,
    method,
    groups,
    perGroup: method === 'global' ? { ...global, threshold: NaN } : optimised,
    global,
    thresholds,
  };
}

/** Weight of a group's true positives it may close and still keep `minGroupRecall` of them. */
function floorOf(c: ClosureCurve, minGroupRecall: number): number {
  return minGroupRecall > 0 && c.positives > 0 ? positivesAllowedToClose(c.positives, minGroupRecall) : Infinity;
}

/** A unit's row of the result: at curve index `j`, or at the global threshold when j is null. */
function describeUnit(unit: Unit, j: number | null, globalThreshold: number): GroupThreshold {
  const c = unit.curve;
  const closable = c.thresholds.length > 0;
  const own = j === null ? pointAtThreshold(c, globalThreshold) : pointAtThreshold(c, closable ? c.thresholds[j] : -Infinity);
  const glob = pointAtThreshold(c, globalThreshold);
  return {
    key: unit.key,
    members: unit.members,
    alerts: own.alerts,
    positives: c.positives,
    positiveRows: unit.positiveRows,
    alwaysReviewed: c.alwaysReviewedPositives + c.alwaysReviewedNegatives,
    threshold: !closable ? null : j === null ? globalThreshold : c.thresholds[j],
    closed: own.closed,
    positivesClosed: own.positivesClosed,
    closedShare: own.closedShare,
    recall: own.recall,
    global: { closed: glob.closed, positivesClosed: glob.positivesClosed, closedShare: glob.closedShare, recall: glob.recall },
  };
}
