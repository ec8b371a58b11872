/**
 * @module The report use case: read an experiment and its grouped counts from the store, apply the
 * guardrail (stop every arm that breaches it, recorded with its reason), and build the report.
 * Shared by `GET /v1/experiments/{id}/report`, `winnow experiment report` and serve's periodic check.
 */
import { type ExperimentReport, buildReport, guardrailBreaches } from '../experiments/report.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { DEFAULT_POSITIVE_DISPOSITIONS } from '../store/feedback-record.ts';
import { UnknownExperimentError } from '../store/experiment-queries.ts';

/** Analyst minutes one reviewed alert costs, unless told otherwise. */
export const DEFAULT_MINUTES_PER_ALERT = 15;

export interface ExperimentReportOptions {
  store: Pick<DecisionStore, 'getExperiment' | 'experimentCounts' | 'stopExperimentArm'>;
  id: string;
  positive?: readonly string[];
  minutesPerAlert?: number;
  /** Stop arms that breach the guardrail (default true); false only reads. */
  enforce?: boolean;
}

/** The report, after the guardrail; `stopped` lists the arms this call stopped. */
export async function experimentReport(o: ExperimentReportOptions): Promise<{ report: ExperimentReport; stopped: { arm: string; reason: string }[] }> {
  const opts = { positive: o.positive ?? DEFAULT_POSITIVE_DISPOSITIONS, minutesPerAlert: o.minutesPerAlert ?? DEFAULT_MINUTES_PER_ALERT };
  let state = await o.store.getExperiment(o.id);
  if (!state) throw new UnknownExperimentError(`no experiment '${o.id}'`);
  const counts = await o.store.experimentCounts(o.id);
  let report = buildReport(state, counts.arms, counts.paired, opts);
  const breaches = o.enforce === false ? [] : guardrailBreaches(state, report);
  for (const b of breaches) state = await o.store.stopExperimentArm(o.id, b.arm, b.reason);
  if (breaches.length > 0) report = buildReport(state, counts.arms, counts.paired, opts);
  return { report, stopped: breaches };
}
