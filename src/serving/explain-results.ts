/**
 * @module Reason codes for a scored batch within a time budget, yielding to the event loop between
 * slices. TreeSHAP costs ~1.7 ms of CPU per alert on the serving thread: unsliced, a 1,000-alert
 * request held the loop (and /healthz) for seconds (issue 15, item 5).
 */
import { type AttributeValue, layeredValue } from '../features/index.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import { topReasons } from '../explain/index.ts';
import type { AlertResult } from './score-alerts.ts';

/** How long one slice of explanation may hold the event loop before it yields (ms). */
export const EXPLAIN_SLICE_MS = 5;

/** The `reasonsUnavailable` of an alert whose reasons did not fit in the budget. */
export function overBudget(budgetMs: number): string {
  return `explanation budget of ${budgetMs} ms exceeded: scored and decided as usual, without reason codes`;
}

export interface ExplainOptions {
  /** Reason codes per alert. */
  n: number;
  /** Wall-clock time the batch's explanation may take, from its start (ms); absent: no limit. */
  budgetMs?: number;
  /** Work between yields to the event loop (ms). */
  sliceMs?: number;
}

/**
 * Reason codes for the scored alerts: TreeSHAP over the served trees, top `n` by |contribution|,
 * each with the attribute value as sent, riskiest alert first. Every `sliceMs` it yields to the
 * event loop (so health checks and other requests are answered); alerts still unexplained when
 * the budget runs out keep their score and decision and get `reasonsUnavailable`. A model without
 * node cover scores as usual and says why.
 */
export async function explainResults(
  model: LoadedModel, pending: readonly { index: number; features: Float32Array; record: Record<string, AttributeValue>[] }[], results: AlertResult[],
  { n, budgetMs, sliceMs = EXPLAIN_SLICE_MS }: ExplainOptions,
): Promise<void> {
  const built = model.explainer();
  if (!built.ok) {
    for (const { index } of pending) results[index].reasonsUnavailable = built.why;
    return;
  }
  const features = model.manifest.featureSpec.features;
  const names = features.map((f) => f.name);
  const phi = new Float64Array(names.length);
  // Riskiest first: when the budget runs out, the alerts an analyst opens first have their reasons.
  const order = [...pending].sort((p, q) => results[p.index].rank! - results[q.index].rank!);
  const start = performance.now();
  const deadline = budgetMs === undefined ? Infinity : start + budgetMs;
  let sliceEnd = start + sliceMs;
  for (let k = 0; k < order.length; k++) {
    let now = performance.now();
    if (now >= sliceEnd) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      now = performance.now();
      sliceEnd = now + sliceMs;
    }
    if (now >= deadline) {
      const why = overBudget(budgetMs!);
      for (const { index } of order.slice(k)) Object.assign(results[index], { reasonsUnavailable: why, reasonsOverBudget: true });
      return;
    }
    // The explainer is shared and not re-entrant: one row is explained and read out with no yield between.
    const { index, features: x, record } = order[k];
    built.explainer.explain(x, phi);
    results[index].reasons = topReasons(phi, n, names, (j) => layeredValue(record, features[j].source));
  }
}
