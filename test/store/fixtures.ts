/** @module Decision records for store tests, built by code so every case states what it varies. */
import type { DecisionRecordInput } from '../../src/store/decision-record.ts';

const BASE_TIME = Date.parse('2025-03-01T12:00:00.000Z');

/** A minimal valid record for alert `a-<i>`, decided `i` seconds after a fixed instant. */
export function makeRecord(i: number, overrides: Partial<DecisionRecordInput> = {}): DecisionRecordInput {
  return {
    alertId: `a-${i}`,
    decidedAt: new Date(BASE_TIME + i * 1_000).toISOString(),
    ruleId: 'tm-large-cash',
    model: { name: 'default', version: '1' },
    specHash: 'spec-0123abcd',
    features: [i, Math.fround(i / 7), 0],
    score: (i % 100) / 100,
    band: 'low',
    decision: 'auto_close',
    reason: null,
    sample: false,
    degraded: false,
    policyVersion: 'policy-1',
    ...overrides,
  };
}

/** A record that sets every optional field and awkward feature values (NaN, ±Infinity, -0, float32, subnormal). */
export function makeFullRecord(): DecisionRecordInput {
  return makeRecord(7, {
    segment: 'retail',
    entityId: 'customer-42',
    occurredAt: '2025-02-28T23:59:00.000Z',
    features: [Number.NaN, Math.fround(0.1), -0, 5e-324, 3.4028234663852886e38, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -12.5, Number.NaN],
    score: 0.0312,
    band: 'review',
    decision: 'review',
    reason: 'below-the-line sample',
    sample: true,
    degraded: true,
    experiment: { id: 'exp-thresholds', arm: 'treatment' },
    requestId: 'req-9f1c',
  });
}

/** A record for an alert that could not be scored: null score, degraded, failed open to review. */
export function makeUnscoredRecord(i: number): DecisionRecordInput {
  return makeRecord(i, {
    features: [],
    score: null,
    band: 'unscored',
    decision: 'review',
    reason: 'model error: session run failed',
    degraded: true,
  });
}

/** `n` records for alerts `a-<from>` … `a-<from+n-1>`. */
export function makeRecords(n: number, from = 0): DecisionRecordInput[] {
  return Array.from({ length: n }, (_, k) => makeRecord(from + k));
}
