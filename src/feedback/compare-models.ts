/**
 * @module Candidate vs active on the same holdout rows, and the promotion gate. The question a
 * compliance lead asks: "if we swap the model and keep operating as we do, how many true risks do
 * we miss, and how much work do we save?" — so both models are judged at the thresholds they
 * would each serve with, and the candidate also at the active model's threshold.
 */
import { evaluateBinary, fpReductionAtRecall, histogram, psi, thresholdOutcome } from '../metrics/index.ts';

export interface ModelScores {
  ref: string;
  scores: ArrayLike<number>;
  /** The review threshold this model serves with (closing below it). */
  threshold: number;
}

export interface SideMetrics {
  model: string;
  auc: number;
  prAuc: number;
  brier: number;
  threshold: number;
  /** At its own operating threshold. */
  recall: number;
  fpReduction: number;
  /** Share of alerts it would close at its own threshold. */
  closedShare: number;
}

export interface Comparison {
  rows: number;
  positives: number;
  active: SideMetrics;
  candidate: SideMetrics;
  /** The candidate at the active model's threshold (same policy, new model). */
  candidateAtActiveThreshold: { recall: number; fpReduction: number };
  /** The candidate's FP reduction at the recall the active model reaches (the fair trade-off). */
  candidateFpReductionAtActiveRecall: number;
  /** PSI of the candidate's score distribution against the active's on the same rows. */
  scoreShiftPsi: number;
}

export interface GateOptions {
  /** Largest recall loss (absolute, e.g. 0.01 = one point) tolerated at the operating threshold. */
  maxRecallLoss: number;
}

export interface GateVerdict {
  pass: boolean;
  reason: string;
}

/** Compare two models' scores on the same labelled rows (optional weights: export's sample weights). */
export function compareModels(labels: ArrayLike<number>, active: ModelScores, candidate: ModelScores, weights?: ArrayLike<number>): Comparison {
  const side = (m: ModelScores): SideMetrics => {
    const e = evaluateBinary(labels, m.scores, weights);
    const at = thresholdOutcome(labels, m.scores, m.threshold, weights);
    return { model: m.ref, auc: e.auc, prAuc: e.prAuc, brier: e.brier, threshold: m.threshold, recall: at.recall, fpReduction: at.fpReduction, closedShare: at.alertShareBelow };
  };
  const a = side(active);
  const c = side(candidate);
  const same = thresholdOutcome(labels, candidate.scores, active.threshold, weights);
  return {
    rows: labels.length,
    positives: countPositives(labels),
    active: a,
    candidate: c,
    candidateAtActiveThreshold: { recall: same.recall, fpReduction: same.fpReduction },
    candidateFpReductionAtActiveRecall: fpReductionAtRecall(labels, candidate.scores, a.recall, weights).fpReduction,
    scoreShiftPsi: scorePsi(active.scores, candidate.scores),
  };
}

/** Refuse a candidate whose recall at its operating threshold is below the active's by more than the tolerance. */
export function promotionGate(c: Comparison, o: GateOptions): GateVerdict {
  const loss = c.active.recall - c.candidate.recall;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (loss > o.maxRecallLoss) {
    return { pass: false, reason: `recall at the operating threshold drops from ${pct(c.active.recall)} to ${pct(c.candidate.recall)} (loss ${pct(loss)} > tolerance ${pct(o.maxRecallLoss)})` };
  }
  return { pass: true, reason: `recall ${pct(c.candidate.recall)} vs ${pct(c.active.recall)} (tolerance ${pct(o.maxRecallLoss)}); FP reduction ${pct(c.candidate.fpReduction)} vs ${pct(c.active.fpReduction)}` };
}

const PSI_EDGES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.8];

function scorePsi(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  const share = (v: ArrayLike<number>) => histogram(v, PSI_EDGES).counts.map((n) => n / v.length);
  return psi(share(expected), share(actual));
}

function countPositives(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) n += labels[i] === 1 ? 1 : 0;
  return n;
}
