/** @module The public shape of one scored alert, the same for every transport (`POST /v1/score`, `winnow consume`). */
import type { AlertResult } from './score-alerts.ts';

/** One result in reading order; the feature vector and the record's bookkeeping stay internal. */
export function presentResult(r: AlertResult) {
  return {
    id: r.id, index: r.index, score: r.score, rank: r.rank, band: r.band, decision: r.decision, reason: r.reason,
    sample: r.sample, degraded: r.degraded, model: r.model, policyVersion: r.policyVersion, ...(r.experiment ? { experiment: r.experiment } : {}), ...(r.error ? { error: r.error } : {}),
    ...(r.reasons ? { reasons: r.reasons } : {}), ...(r.reasonsUnavailable ? { reasonsUnavailable: r.reasonsUnavailable } : {}),
  };
}

/** What `presentResult` gives: one alert's answer as callers read it. */
export type PresentedResult = ReturnType<typeof presentResult>;
