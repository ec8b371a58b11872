/**
 * @module The experiment report: per arm figures, each arm against the control with significance
 * tests, a sample-size estimate and a plain-language verdict, shadow arms paired with the live
 * decisions, and the guardrail rule that stops an arm. Pure: counts in, report out.
 */
import { type ArmCountRow, type ArmSummary, type Estimate, summariseArm } from './arm-summary.ts';
import type { ArmStop, ExperimentState } from './experiment-schema.ts';
import { compareShadow, p, type PairedCountRow, relative, type ShadowComparison } from './shadow-summary.ts';
import { normalQuantile, poissonRateTest, twoProportionTest } from './stats.ts';

/** An arm against the control. */
export interface ArmComparison {
  arm: string;
  against: string;
  /** Share closed, arm minus control, with a two-proportion z-test. */
  shareClosed: { difference: number; relative: number | null; z: number; p: number };
  /** Estimated recall, arm minus control (null until both can be estimated). */
  recallDifference: number | null;
  /** Exact conditional test that both arms close true positives at the same rate per alert. */
  missedTest: { p: number };
  /** Alerts per arm needed to detect the experiment's minDetectableRecallLoss (80% power), null when unknown. */
  alertsPerArmNeeded: number | null;
  moreAlertsPerArmNeeded: number | null;
  verdict: string;
}

/** Everything `GET /v1/experiments/{id}/report` returns. */
export interface ExperimentReport {
  experiment: { id: string; status: ExperimentState['status']; unit: string; createdAt: string; stoppedAt?: string; stopReason?: string };
  settings: { positive: readonly string[]; minutesPerAlert: number; confidence: number; minDetectableRecallLoss: number; maxMissedRate: number | null };
  arms: ArmSummary[];
  comparisons: ArmComparison[];
  shadows: ShadowComparison[];
  stoppedArms: ArmStop[];
}

export interface ReportOptions {
  positive: readonly string[];
  minutesPerAlert: number;
  /** Of every interval shown (default 0.95); tests use 1 − confidence as their significance level. */
  confidence?: number;
}

/** Builds the report from the store's grouped counts. */
export function buildReport(state: ExperimentState, armRows: readonly ArmCountRow[], pairedRows: readonly PairedCountRow[], o: ReportOptions): ExperimentReport {
  const confidence = o.confidence ?? 0.95;
  const alpha = 1 - confidence;
  const def = state.definition;
  const control = def.arms[0].name;
  const stops = new Map(state.stoppedArms.map((s) => [s.arm, s]));
  const arms = def.arms.map((arm, i): ArmSummary => {
    const rows = armRows.filter((r) => r.arm === arm.name && r.shadow === arm.shadow);
    const s = summariseArm(rows, { arm: arm.name, role: arm.shadow ? 'shadow' : i === 0 ? 'control' : 'treatment', positive: o.positive, minutesPerAlert: o.minutesPerAlert, confidence });
    const stop = stops.get(arm.name);
    // A shadow arm's labels exist only where the live decision sent the alert to review, so its own
    // sample says nothing about what it would miss: the paired comparison (shadows) estimates that.
    if (arm.shadow) return { ...s, truePositivesFound: 0, queuePrecision: null, missedTruePositives: null, missedRate: null, analystHoursSaved: 0 };
    return stop ? { ...s, status: 'stopped', stop: { at: stop.at, reason: stop.reason } } : s;
  });
  const controlSummary = arms[0];
  const comparisons = arms
    .filter((a) => a.role === 'treatment')
    .map((a) => compareArms(controlSummary, a, { alpha, minDetectableRecallLoss: def.minDetectableRecallLoss }));
  const shadows = arms
    .filter((a) => a.role === 'shadow')
    .map((a) => compareShadow(a.arm, pairedRows.filter((r) => r.arm === a.arm), { positive: o.positive, confidence, alpha }));
  return {
    experiment: { id: state.id, status: state.status, unit: def.unit, createdAt: state.createdAt, ...(state.stoppedAt ? { stoppedAt: state.stoppedAt } : {}), ...(state.stopReason ? { stopReason: state.stopReason } : {}) },
    settings: { positive: o.positive, minutesPerAlert: o.minutesPerAlert, confidence, minDetectableRecallLoss: def.minDetectableRecallLoss, maxMissedRate: def.guardrail?.maxMissedRate ?? null },
    arms, comparisons, shadows, stoppedArms: state.stoppedArms,
  };
}

/** Arm `b` against the control `a`. */
export function compareArms(a: ArmSummary, b: ArmSummary, o: { alpha: number; minDetectableRecallLoss: number }): ArmComparison {
  const closed = twoProportionTest(a.closed, a.alerts, b.closed, b.alerts);
  const rel = a.shareClosed > 0 ? b.shareClosed / a.shareClosed - 1 : null;
  const rA = recall(a);
  const rB = recall(b);
  const missedP = poissonRateTest(a.sample.positives, exposure(a), b.sample.positives, exposure(b));
  const needed = alertsNeeded(a, b, o.alpha, o.minDetectableRecallLoss);
  const more = needed === null ? null : Math.max(0, Math.ceil(needed - Math.min(a.alerts, b.alerts)));
  const base = { arm: b.arm, against: a.arm, shareClosed: { ...closed, relative: rel }, recallDifference: rA !== null && rB !== null ? rB - rA : null, missedTest: { p: missedP }, alertsPerArmNeeded: needed === null ? null : Math.ceil(needed), moreAlertsPerArmNeeded: more };
  return { ...base, verdict: verdict(a, b, base, o) };
}

function verdict(a: ArmSummary, b: ArmSummary, c: Omit<ArmComparison, 'verdict'>, o: { alpha: number; minDetectableRecallLoss: number }): string {
  const pts = `${Math.round(o.minDetectableRecallLoss * 100)}-point`;
  const closes = `${pct(b.shareClosed)} vs ${pct(a.shareClosed)} of alerts closed`;
  const rA = recall(a);
  const rB = recall(b);
  if (c.missedTest.p < o.alpha && missedPerAlert(b) > missedPerAlert(a)) {
    return `${b.arm} misses more true positives than ${a.arm}: estimated recall ${rB === null ? '?' : pct(rB)} vs ${rA === null ? '?' : pct(rA)} (${p(c.missedTest.p)}); ${closes}`;
  }
  if (a.truePositivesFound === 0) return `not enough labelled alerts yet: no true positive labelled in ${a.arm}, so a ${pts} loss of recall cannot be sized (${closes})`;
  if (c.moreAlertsPerArmNeeded === null || c.moreAlertsPerArmNeeded > 0) {
    const more = c.moreAlertsPerArmNeeded === null ? 'more' : `about ${c.moreAlertsPerArmNeeded.toLocaleString('en-US')} more per arm`;
    return `not enough labelled alerts yet; ${more} needed to detect a ${pts} loss of recall (so far ${closes})`;
  }
  if (c.shareClosed.p < o.alpha && b.closed !== a.closed) {
    const dir = c.shareClosed.difference > 0 ? 'more' : 'fewer';
    return `${b.arm} closes ${relative(b.shareClosed, a.shareClosed)} ${dir} alerts than ${a.arm} (${closes}, ${p(c.shareClosed.p)}) with no detectable loss of recall`;
  }
  return `no detectable difference between ${b.arm} and ${a.arm} in alerts closed (${closes}) or in recall`;
}

/** Estimated recall of an arm: positives found over found plus the estimate closed. */
export function recall(s: ArmSummary): number | null {
  return s.missedRate === null ? null : 1 - s.missedRate.estimate;
}

// Sampled positives are Poisson with mean (missed per alert) × alerts × r/(1 − r) × labelled share.
function exposure(s: ArmSummary): number {
  const r = s.sample.rate ?? 0;
  if (r <= 0 || s.sample.sampled === 0) return 0;
  return s.alerts * (r / (1 - r)) * (s.sample.labelled / s.sample.sampled);
}

function missedPerAlert(s: ArmSummary): number {
  return s.missedTruePositives && s.alerts > 0 ? s.missedTruePositives.estimate / s.alerts : 0;
}

/**
 * Alerts per arm for a two-sided test at `alpha` with 80% power to detect a recall loss of `loss`:
 * n = (z_{α/2} + z_{0.8})² (v_A + v_B) / d², where d = loss × true positives per alert (control), and
 * v = k / (r² n) is the per-alert variance of the IPW count of closed positives (k sampled positives,
 * at least 1 so an arm with none seen yet still needs data).
 */
function alertsNeeded(a: ArmSummary, b: ArmSummary, alpha: number, loss: number): number | null {
  const ra = a.sample.rate;
  const rb = b.sample.rate;
  if (!ra || !rb || a.alerts === 0 || b.alerts === 0 || a.missedTruePositives === null) return null;
  const tpPerAlert = (a.truePositivesFound + a.missedTruePositives.estimate) / a.alerts;
  if (tpPerAlert === 0) return null;
  const d = loss * tpPerAlert;
  const v = (s: ArmSummary, r: number) => Math.max(s.sample.positives, 1) / (r * r * s.alerts);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(0.8);
  return (z * z * (v(a, ra) + v(b, rb))) / (d * d);
}

/**
 * The guardrail: a live, non-control arm is stopped when the lower bound of its estimated missed-
 * true-positive rate is above the experiment's `maxMissedRate`, i.e. it is confidently too lossy
 * (the lower bound, not the estimate, so a handful of unlucky samples does not stop a good arm).
 * The control is never stopped: its traffic would have nowhere to go.
 */
export function guardrailBreaches(state: ExperimentState, report: Pick<ExperimentReport, 'arms'>): { arm: string; reason: string }[] {
  const max = state.definition.guardrail?.maxMissedRate;
  if (max === undefined || state.status !== 'running') return [];
  return report.arms
    .filter((a) => a.role === 'treatment' && a.status === 'live' && a.missedRate !== null && a.missedRate.low > max)
    .map((a) => ({ arm: a.arm, reason: `estimated missed-true-positive rate ${pct(a.missedRate!.estimate)} (${interval(a.missedRate!)}) is above the limit ${pct(max)}` }));
}

/** "12.3%" */
export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** "95% CI 2.0%–9.1%" */
function interval(e: Estimate): string {
  return `CI ${pct(e.low)}–${pct(e.high)}`;
}
