/** @module The consumer's own Prometheus metrics, registered next to the service's (alerts by decision, store gauges). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export class IntakeMetrics {
  readonly messages: Counter<'outcome'>;
  readonly alerts: Counter<'outcome'>;
  readonly paused: Gauge;
  readonly batchSeconds: Histogram;

  constructor(registry: Registry) {
    this.messages = new Counter({
      name: 'winnow_intake_messages_total', help: 'Broker messages handled: scored (acked after commit), dead_letter (acked after the dead-letter publish), retried (nak\'ed while the store was unavailable)',
      labelNames: ['outcome'], registers: [registry],
    });
    this.alerts = new Counter({
      name: 'winnow_intake_alerts_total', help: 'Alerts answered from broker messages: scored now, or replayed from their decision record (a redelivery or a repeated id)',
      labelNames: ['outcome'], registers: [registry],
    });
    this.paused = new Gauge({ name: 'winnow_intake_paused', help: '1 while pulling is held back because the decision store cannot take more', registers: [registry] });
    this.batchSeconds = new Histogram({
      name: 'winnow_intake_batch_duration_seconds', help: 'Pulled batch from receipt to ack: lookup, scoring, commit, publish',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30], registers: [registry],
    });
  }
}
