import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTime, historyAt, historyAttributes, HistorySweep, NO_HISTORY, type PriorFeedback } from '../../src/feedback/entity-history.ts';

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1) + minute * 60_000).toISOString();

describe('historyAt (serving: from the rows known at t)', () => {
  it('counts distinct prior alerts, their current labels, and days since the last one', () => {
    const decisions = [{ alertId: 'a', decidedAt: at(0) }, { alertId: 'a', decidedAt: at(10) }, { alertId: 'b', decidedAt: at(20) }];
    const feedback: PriorFeedback[] = [
      { alertId: 'a', disposition: 'false_positive', decidedAt: at(30), seq: 1 },
      { alertId: 'a', disposition: 'sar_filed', decidedAt: at(40), seq: 2 }, // a correction: now a true positive
      { alertId: 'b', disposition: 'inconclusive', decidedAt: at(31), seq: 3 },
      { alertId: 'zzz', disposition: 'true_positive', decidedAt: at(31), seq: 4 }, // another entity's alert
    ];
    const h = historyAt(decisions, feedback);
    expect(h).toEqual({ priorAlerts: 2, priorTruePositives: 1, priorFalsePositives: 0, lastAlertAt: Date.parse(at(20)) });
    expect(historyAttributes(h, Date.parse(at(20 + 1440)))).toEqual({
      entity_prior_alerts: 2, entity_prior_true_positives: 1, entity_prior_false_positives: 0, entity_days_since_last_alert: 1,
    });
    expect(historyAt([], [])).toBe(NO_HISTORY);
    expect(historyAttributes(NO_HISTORY, 0).entity_days_since_last_alert).toBeNull();
    expect(historyAttributes(undefined, 0)).toEqual({ entity_prior_alerts: null, entity_prior_true_positives: null, entity_prior_false_positives: null, entity_days_since_last_alert: null });
    // Which dispositions are positive is configuration.
    expect(historyAt(decisions, feedback, ['true_positive']).priorTruePositives).toBe(0);
  });

  it('measures recency in event time: from occurredAt when sent, else from the decision time', () => {
    // A backfill: three months of alerts replayed within one minute of scoring time.
    const decisions = [
      { alertId: 'a', decidedAt: at(0), occurredAt: '2025-03-01T00:00:00.000Z' },
      { alertId: 'b', decidedAt: at(1), occurredAt: '2025-05-01T00:00:00.000Z' },
    ];
    const h = historyAt(decisions, []);
    expect(h.lastAlertAt).toBe(Date.parse('2025-05-01T00:00:00.000Z'));
    expect(historyAttributes(h, eventTime({ occurredAt: '2025-05-31T00:00:00.000Z', decidedAt: at(2) })).entity_days_since_last_alert).toBe(30);
    // Without an event time the decision time stands in, on both sides.
    expect(historyAt([{ alertId: 'c', decidedAt: at(0) }], []).lastAlertAt).toBe(Date.parse(at(0)));
    expect(eventTime({ decidedAt: at(7) })).toBe(Date.parse(at(7)));
    // A prior alert that happened after this one (it arrived first) counts as 0 days, never negative.
    expect(historyAttributes(h, Date.parse('2025-04-01T00:00:00.000Z')).entity_days_since_last_alert).toBe(0);
  });
});

// Random traffic: decisions and feedback on a few entities' alerts, with deliberate time ties.
const event = fc.oneof(
  fc.record({
    kind: fc.constant('decision' as const), alert: fc.integer({ min: 0, max: 7 }), time: fc.integer({ min: 0, max: 30 }),
    // When the alert happened (minutes), unrelated to arrival; absent for some alerts.
    occurred: fc.option(fc.integer({ min: -100, max: 100 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('feedback' as const), alert: fc.integer({ min: 0, max: 9 }), time: fc.integer({ min: 0, max: 30 }),
    decided: fc.integer({ min: 0, max: 30 }), disposition: fc.constantFrom('true_positive', 'false_positive', 'sar_filed', 'inconclusive'),
  }),
);
const entityOf = (alert: number) => `e${alert % 3}`;

describe('HistorySweep (export) agrees with historyAt (serving) for every decision', () => {
  it('on random traffic with time ties, corrections and feedback before scoring', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const decisions = events.filter((e) => e.kind === 'decision').map((e) => ({
          entity: entityOf(e.alert), alertId: `a${e.alert}`, decidedAt: at(e.time), ...(e.occurred === undefined ? {} : { occurredAt: at(e.occurred) }),
        }));
        const feedback = events.flatMap((e, seq) => (e.kind === 'feedback' ? [{ alertId: `a${e.alert}`, disposition: e.disposition, decidedAt: at(e.decided), seq, receivedAt: at(e.time) }] : []));
        // Serving's view of each decision, straight from the rows.
        const expected = decisions.map((d) => {
          const prior = decisions.filter((p) => p.entity === d.entity && p.decidedAt < d.decidedAt);
          const known = feedback.filter((f) => f.receivedAt < d.decidedAt);
          return historyAttributes(historyAt(prior, known), eventTime(d));
        });
        // Export's replay: for each time, snapshot that time's decisions, then apply its events.
        const sweep = new HistorySweep();
        const times = [...new Set([...decisions.map((d) => d.decidedAt), ...feedback.map((f) => f.receivedAt)])].sort();
        const got = new Array(decisions.length);
        for (const t of times) {
          decisions.forEach((d, i) => { if (d.decidedAt === t) got[i] = historyAttributes(sweep.snapshot(d.entity), eventTime(d)); });
          for (const d of decisions) if (d.decidedAt === t) sweep.addDecision(d.entity, d.alertId, eventTime(d));
          for (const f of feedback) if (f.receivedAt === t) sweep.addFeedback(f);
        }
        expect(got).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
