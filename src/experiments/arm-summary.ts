/** @module Per-arm report figures from grouped decision counts: shares, queue precision, and the IPW estimate of true positives closed. */
import { poissonInterval } from './stats.ts';

/** Decisions of one arm grouped by what the report needs (one row per group; `alerts` counts them). */
export interface ArmCountRow {
  arm: string;
  shadow: boolean;
  decision: string;
  sample: boolean;
  sampleRate: number | null;
  /** The alert's current analyst disposition (latest by decidedAt), null when unlabelled. */
  disposition: string | null;
  alerts: number;
}

/** A point estimate with a confidence interval. */
export interface Estimate {
  estimate: number;
  low: number;
  high: number;
}

/** The below-the-line sample of one arm: would-be closures reviewed anyway, by sampling rate. */
export interface SampleGroup {
  rate: number;
  sampled: number;
  labelled: number;
  positives: number;
}

/**
 * True positives among alerts that were actually closed, from the below-the-line sample, inverse-
 * probability weighted: each would-be closure is sampled with probability r, so k sampled positives
 * stand for T ≈ k/r positives among would-be closures, of which T − k were closed unseen.
 * Interval: exact Poisson (Garwood) on k, which bounds T·r (Binomial(T, r) is less dispersed than
 * Poisson, so the interval is conservative); T's bounds minus the k seen give the missed count's.
 * Unlabelled sampled alerts are assumed to be like the labelled ones (counts scaled by sampled/labelled).
 * `closedCount` 0 means nothing was closed: nothing missed, exactly. Null when it cannot be estimated.
 */
export function missedAmongClosed(groups: readonly SampleGroup[], closedCount: number, confidence: number): Estimate | null {
  if (closedCount === 0) return { estimate: 0, low: 0, high: 0 };
  const used = groups.filter((g) => g.rate > 0 && g.sampled > 0);
  const sampled = used.reduce((s, g) => s + g.sampled, 0);
  const labelled = used.reduce((s, g) => s + g.labelled, 0);
  if (sampled === 0 || labelled === 0) return null;
  const k = used.reduce((s, g) => s + g.positives, 0);
  const scale = sampled / labelled;
  // One effective rate: the positives' own mix of rates, or the least favourable rate when none was seen.
  const odds = k > 0 ? used.reduce((s, g) => s + g.positives * ((1 - g.rate) / g.rate), 0) / k : Math.max(...used.map((g) => (1 - g.rate) / g.rate));
  const rate = 1 / (1 + odds);
  const { low, high } = poissonInterval(k, confidence);
  return { estimate: k * odds * scale, low: Math.max(0, low / rate - k) * scale, high: Math.max(0, high / rate - k) * scale };
}

/** What the report shows for one arm. */
export interface ArmSummary {
  arm: string;
  role: 'control' | 'treatment' | 'shadow';
  /** `stopped` when a guardrail took the arm out of the experiment (its traffic went to the control). */
  status: 'live' | 'stopped';
  stop?: { at: string; reason: string };
  alerts: number;
  closed: number;
  reviewed: number;
  escalated: number;
  shareClosed: number;
  shareReviewed: number;
  labelled: number;
  /** Labelled true positives among alerts sent to review or escalation (below-the-line samples included). */
  truePositivesFound: number;
  /** Labelled true positives / labelled alerts in the review queue the policy chose (samples excluded). */
  queuePrecision: number | null;
  sample: { rate: number | null; sampled: number; labelled: number; positives: number };
  /** Estimated true positives among the alerts the arm closed. */
  missedTruePositives: Estimate | null;
  /** Estimated share of the arm's true positives it closed: 1 − recall. */
  missedRate: Estimate | null;
  analystHoursSaved: number;
}

/** Summarises one live arm's decision groups. */
export function summariseArm(rows: readonly ArmCountRow[], o: { arm: string; role: ArmSummary['role']; positive: readonly string[]; minutesPerAlert: number; confidence: number }): ArmSummary {
  const isPositive = (r: ArmCountRow) => r.disposition !== null && o.positive.includes(r.disposition);
  const sum = (f: (r: ArmCountRow) => boolean) => rows.reduce((s, r) => s + (f(r) ? r.alerts : 0), 0);
  const alerts = sum(() => true);
  const closed = sum((r) => r.decision === 'auto_close');
  const open = (r: ArmCountRow) => r.decision !== 'auto_close';
  const queueLabelled = sum((r) => open(r) && !r.sample && r.disposition !== null);
  const groups = sampleGroups(rows, isPositive);
  const missed = missedAmongClosed(groups, closed, o.confidence);
  const found = sum((r) => open(r) && isPositive(r));
  return {
    arm: o.arm, role: o.role, status: 'live', alerts, closed,
    reviewed: sum((r) => r.decision === 'review'), escalated: sum((r) => r.decision === 'escalate'),
    shareClosed: ratio(closed, alerts), shareReviewed: ratio(sum((r) => r.decision === 'review'), alerts),
    labelled: sum((r) => r.disposition !== null), truePositivesFound: found,
    queuePrecision: queueLabelled > 0 ? sum((r) => open(r) && !r.sample && isPositive(r)) / queueLabelled : null,
    sample: {
      rate: groups.length === 1 ? groups[0].rate : null,
      sampled: groups.reduce((s, g) => s + g.sampled, 0), labelled: groups.reduce((s, g) => s + g.labelled, 0), positives: groups.reduce((s, g) => s + g.positives, 0),
    },
    missedTruePositives: missed,
    missedRate: missed && missedRate(found, missed),
    analystHoursSaved: (closed * o.minutesPerAlert) / 60,
  };
}

/** 1 − recall with its interval, treating the positives found as known (only the closed ones are estimated). */
export function missedRate(found: number, missed: Estimate): Estimate | null {
  const rate = (m: number) => (found + m > 0 ? m / (found + m) : 0);
  if (found + missed.high === 0) return null;
  return { estimate: rate(missed.estimate), low: rate(missed.low), high: rate(missed.high) };
}

/** Below-the-line sample groups by rate (records without a rate predate sampling weights and are left out). */
export function sampleGroups<R extends { sample: boolean; sampleRate: number | null; disposition: string | null; alerts: number }>(rows: readonly R[], isPositive: (r: R) => boolean): SampleGroup[] {
  const byRate = new Map<number, SampleGroup>();
  for (const r of rows) {
    if (!r.sample || r.sampleRate === null) continue;
    const g = byRate.get(r.sampleRate) ?? { rate: r.sampleRate, sampled: 0, labelled: 0, positives: 0 };
    g.sampled += r.alerts;
    if (r.disposition !== null) g.labelled += r.alerts;
    if (isPositive(r)) g.positives += r.alerts;
    byRate.set(r.sampleRate, g);
  }
  return [...byRate.values()];
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}
