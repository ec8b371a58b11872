/** @module Prometheus metrics: requests and latency by route, alerts by decision and band, scores per model, store health. */
import type { MiddlewareHandler } from 'hono';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AlertResult } from '../serving/score-alerts.ts';

/** The service's metrics, in a registry of their own (so tests and several apps do not collide). */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'winnow_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'winnow_http_request_duration_seconds', help: 'HTTP request latency by route, method and status', labelNames: ['route', 'method', 'status'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  readonly alerts = new Counter({ name: 'winnow_alerts_total', help: 'Alerts decided, by decision, band, reason and model', labelNames: ['decision', 'band', 'reason', 'model'], registers: [this.registry] });
  readonly scores = new Histogram({
    name: 'winnow_score', help: 'Scores given, per model version', labelNames: ['model'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.8, 1], registers: [this.registry],
  });
  readonly reasonsOverBudget = new Counter({
    name: 'winnow_reasons_over_budget_total', help: 'Scored alerts answered without the reason codes asked for: the request\'s explanation budget ran out (serve --explain-budget-ms)',
    labelNames: ['model'], registers: [this.registry],
  });
  readonly feedback = new Counter({
    name: 'winnow_feedback_total', help: 'Feedback items committed: created, duplicate (retries), unmatched (no decision on record yet)', labelNames: ['outcome'], registers: [this.registry],
  });

  /** Count one committed feedback request. */
  observeFeedback(created: number, duplicates: number, unmatched: number): void {
    this.feedback.inc({ outcome: 'created' }, created);
    this.feedback.inc({ outcome: 'duplicate' }, duplicates);
    this.feedback.inc({ outcome: 'unmatched' }, unmatched);
  }

  /** Expose decision-store counters, read at scrape time. */
  watchStore(stats: () => { written: number; failedBatches: number; pending: number; quarantined: number }): void {
    const gauge = (name: string, help: string, pick: (s: ReturnType<typeof stats>) => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(pick(stats())); } });
    gauge('winnow_store_records_written', 'Decision records durably written', (s) => s.written);
    gauge('winnow_store_write_errors', 'Decision-store batches that failed (each retry counts)', (s) => s.failedBatches);
    gauge('winnow_store_records_pending', 'Decision records accepted but not yet durable', (s) => s.pending);
    // Alert on any increase: each one is a decision kept only in decision_quarantine (GET /v1/decisions/ID/quarantine).
    gauge('winnow_store_records_quarantined', 'Decision records the store refused, kept in its quarantine table with the reason', (s) => s.quarantined);
  }

  /** Count one scored batch. */
  observeResults(results: readonly AlertResult[]): void {
    // Counted per distinct label set, then added once: prom-client hashes the labels on every
    // call, which per alert of a 100-alert batch was a visible share of the serving thread.
    const counts = new Map<string, { labels: { decision: string; band: string; reason: string; model: string }; n: number }>();
    let modelOf: AlertResult['model'] | undefined;
    let scoreLabels = { model: '' };
    for (const r of results) {
      if (r.model !== modelOf) {
        modelOf = r.model;
        scoreLabels = { model: `${r.model.name}/${r.model.version}` };
      }
      const band = r.band ?? 'unscored';
      const key = `${r.decision}\u0000${band}\u0000${r.reason}\u0000${scoreLabels.model}`;
      const c = counts.get(key);
      if (c) c.n += 1;
      else counts.set(key, { labels: { decision: r.decision, band, reason: r.reason, model: scoreLabels.model }, n: 1 });
      if (r.score !== null) this.scores.observe(scoreLabels, r.score);
      if (r.reasonsOverBudget) this.reasonsOverBudget.inc(scoreLabels);
    }
    for (const { labels, n } of counts.values()) this.alerts.inc(labels, n);
  }

  /** Middleware timing every request under its route pattern (not the raw path, to bound label values). */
  middleware(): MiddlewareHandler {
    const { requests, latency } = this;
    return async function metricsMiddleware(c, next) {
      const start = performance.now();
      await next();
      // A client that left mid-body is not a server error: it gets its own status label.
      const labels = { route: c.req.routePath, method: c.req.method, status: c.get('clientAborted') ? 'aborted' : String(c.res.status) };
      requests.inc(labels);
      latency.observe(labels, (performance.now() - start) / 1000);
    };
  }
}
