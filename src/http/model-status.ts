/**
 * @module The served model in /readyz and /metrics, including an activation fallback (a replica
 * serving an older verified bundle because the one the activation log names cannot be served).
 * Readiness stays 200 in a fallback: the replica answers correctly with a verified model, and
 * turning it unready would make a fleet-wide restart an outage. The fallback is shown instead.
 */
import { Gauge, type Registry } from 'prom-client';
import type { ActivationFallback } from '../registry/activation-fallback.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import { refName } from '../store/activation-log.ts';

/** Where the app reads the fallback from (the activation follower); absent, never degraded. */
export type FallbackSource = () => ActivationFallback | undefined;

/** The `model` section of /readyz. */
export function modelReadiness(registry: ModelRegistry, fallback?: FallbackSource) {
  const { name, version } = registry.active;
  const f = fallback?.();
  if (!f) return { name, version, degraded: false };
  return {
    name, version, degraded: true, wanted: refName(f.wanted), wantedSeq: f.wantedSeq, serving: refName(f.serving), servingSeq: f.servingSeq,
    reason: f.reason, since: f.since,
  };
}

/** Register the model gauges on `metrics`, read at scrape time. */
export function watchModelStatus(metrics: Registry, registry: ModelRegistry, fallback?: FallbackSource): void {
  // Several apps may share one set of metrics (tests); the first one's gauges stand.
  if (metrics.getSingleMetric('winnow_model_activation_fallback')) return;
  new Gauge({
    name: 'winnow_model_activation_fallback',
    help: "1 while this replica serves an older verified model because the activation log's latest entry cannot be served (see /readyz)",
    registers: [metrics],
    collect() {
      this.set(fallback?.() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'winnow_model_serving_info',
    help: 'Always 1: the model this replica serves, and the one the activation log wants (equal unless in a fallback)',
    labelNames: ['serving', 'wanted'],
    registers: [metrics],
    collect() {
      const serving = `${registry.active.name}/${registry.active.version}`;
      const f = fallback?.();
      this.reset();
      this.set({ serving, wanted: f ? refName(f.wanted) : serving }, 1);
    },
  });
}
