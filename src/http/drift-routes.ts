/**
 * @module `GET /v1/models/{name}/{version}/drift` and the `winnow_drift_psi` gauge: PSI of the
 * alerts this process scored recently (a rolling window per model version) against the
 * reference distributions in the model's manifest.
 */
import type { Hono } from 'hono';
import { Gauge, type Registry } from 'prom-client';
import type { DriftMonitor } from '../drift/drift-monitor.ts';
import { type ApiKey, requireScope } from './auth.ts';
import { apiError } from './errors.ts';

export interface DriftRouteOptions {
  monitor: DriftMonitor;
  apiKeys: readonly ApiKey[];
  /** Where the per-feature PSI gauge is registered (the service's /metrics registry). */
  registry: Registry;
}

/** Add the drift route and register the PSI gauge, computed at scrape time from the windows. */
export function addDriftRoutes(app: Hono, o: DriftRouteOptions): void {
  const { monitor } = o;
  // A second app on the same metrics registry (tests, a rebuilt app) takes the gauges over instead of failing.
  for (const name of ['winnow_drift_psi', 'winnow_drift_window_alerts']) o.registry.removeSingleMetric(name);
  new Gauge({
    name: 'winnow_drift_psi',
    help: 'Population stability index of recent scored alerts vs the model reference, per model version and feature ("score" is the score); 0.1 moderate, 0.25 major',
    labelNames: ['model', 'feature'],
    registers: [o.registry],
    collect() {
      this.reset();
      for (const key of monitor.models()) {
        const [name, version] = key.split('/');
        const report = monitor.report(name, version);
        if (!report) continue;
        for (const r of report.score ? [report.score, ...report.features] : report.features) {
          if (r.psi !== null) this.set({ model: key, feature: r.name }, r.psi);
        }
      }
    },
  });
  new Gauge({
    name: 'winnow_drift_window_alerts', help: 'Scored alerts in the drift window, per model version', labelNames: ['model'], registers: [o.registry],
    collect() {
      this.reset();
      for (const key of monitor.models()) {
        const [name, version] = key.split('/');
        this.set({ model: key }, monitor.report(name, version)?.windowSize ?? 0);
      }
    },
  });

  app.get('/v1/models/:name/:version/drift', requireScope(o.apiKeys, ['score', 'admin']), (c) => {
    const { name, version } = c.req.param();
    const report = monitor.report(name, version);
    if (!report) {
      return c.json(apiError('no_data', `no drift window for ${name}/${version}: this process has not scored alerts with it, or its manifest has no reference distributions`), 404);
    }
    return c.json({ model: { name, version }, windowCapacity: monitor.capacity, ...report });
  });
}
