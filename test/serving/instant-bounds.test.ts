/** @module Instant bounds in the schemas: the alert fast path agrees with zod around them, and every client instant sorts by time once canonical. */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { experimentSchema } from '../../src/experiments/experiment-schema.ts';
import { checkAlert } from '../../src/serving/alert-check.ts';
import { alertSchema, DEFAULT_LIMITS } from '../../src/serving/alert-schema.ts';
import { COMPARABLE, EVENT_TIME, instantBoundsProblem } from '../../src/store/bounded-instant.ts';
import { DecisionRecordSchema, InstantSchema } from '../../src/store/decision-record.ts';
import { makeRecord } from '../store/fixtures.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

/** ISO text with a random offset for an instant: the same instant written as a sender in another zone would. */
function withOffset(time: number, offsetMinutes: number): string {
  const local = new Date(time + offsetMinutes * 60_000).toISOString();
  if (!/^\d{4}-/.test(local)) return local;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.slice(0, 23)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// Instants clustered at each bound (±2 days of the epoch and of now + 1 day, and the year-9999 edge), any offset.
const near = (edge: number) => fc.integer({ min: -2 * DAY, max: 2 * DAY }).map((d) => edge + d);
const instantText = fc
  .tuple(fc.oneof(near(0), near(NOW + DAY), near(Date.parse('9999-12-31T23:59:59.999Z')), fc.integer({ min: -1e13, max: 3e12 })), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }))
  .map(([time, offset]) => withOffset(time, offset));

describe('alert occurredAt: fast path and zod agree at the bounds', () => {
  it('same verdict, same output, same first issue', () => {
    fc.assert(
      fc.property(instantText, (occurredAt) => {
        const item = { id: 'a', ruleId: 'r', occurredAt };
        const slow = alertSchema(DEFAULT_LIMITS).safeParse(item);
        expect(checkAlert(item, DEFAULT_LIMITS)).toEqual(slow.success ? { ok: true, alert: slow.data } : { ok: false, issue: slow.error.issues[0] });
        const time = Date.parse(occurredAt);
        expect(slow.success).toBe(time >= 0 && time <= NOW + DAY);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('every instant a schema accepts sorts by time as canonical text', () => {
  it('InstantSchema (stores, query filters, CLI --from/--to) refuses what toISOString() would write with a signed year', () => {
    fc.assert(
      fc.property(instantText, instantText, (a, b) => {
        const [pa, pb] = [InstantSchema.safeParse(a), InstantSchema.safeParse(b)];
        if (!pa.success || !pb.success) return;
        expect(pa.data).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Math.sign(Date.parse(pa.data) - Date.parse(pb.data))).toBe(pa.data < pb.data ? -1 : pa.data > pb.data ? 1 : 0);
      }),
      { numRuns: 3000 },
    );
    expect(InstantSchema.safeParse('0000-01-01T00:00:00Z')).toEqual({ success: true, data: '0000-01-01T00:00:00.000Z' });
    const early = InstantSchema.safeParse('0000-01-01T00:00:00+01:00');
    expect(early.success).toBe(false);
    expect(early.error?.issues[0].message).toBe(
      'must be from 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z in UTC; got 0000-01-01T00:00:00+01:00 (-000001-12-31T23:00:00.000Z in UTC)',
    );
  });

  it("a decision record's occurredAt that would sort before everything is refused, naming the field", () => {
    const bad = DecisionRecordSchema.safeParse({ ...makeRecord(1), occurredAt: '9999-12-31T23:30:00-01:00' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['occurredAt']);
  });

  it('bounds are inclusive and read the clock at parse time', () => {
    expect(instantBoundsProblem('1970-01-01T00:00:00.000Z', EVENT_TIME)).toBeUndefined();
    expect(instantBoundsProblem('2026-06-02T12:00:00.000Z', EVENT_TIME)).toBeUndefined();
    expect(instantBoundsProblem('2026-06-02T12:00:00.001Z', EVENT_TIME)).toContain('now + 1 day (2026-06-02T12:00:00.000Z)');
    vi.setSystemTime(NOW + DAY);
    expect(instantBoundsProblem('2026-06-02T12:00:00.001Z', EVENT_TIME)).toBeUndefined();
    expect(instantBoundsProblem('9999-12-31T23:59:59.999Z', COMPARABLE)).toBeUndefined();
  });
});

describe('experiment startAt/stopAt', () => {
  const arms = [{ name: 'A' }, { name: 'B', thresholds: { closeBelow: 0.02 } }];
  it.each([
    ['startAt', '0000-01-01T00:00:00+01:00'],
    ['startAt', '1969-12-31T23:59:59.999Z'],
    ['stopAt', '9999-12-31T23:30:00-01:00'],
    ['stopAt', '2206-06-01T00:00:00Z'],
  ])('refuses %s %s, naming it', (field, value) => {
    const parsed = experimentSchema.safeParse({ id: 'x', arms, [field]: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual([field]);
    expect(parsed.error?.issues[0].message).toMatch(/^must be from 1970-01-01T00:00:00\.000Z to now \+ 5 years/);
  });

  it('accepts a schedule within the bounds, canonical', () => {
    const parsed = experimentSchema.parse({ id: 'x', arms, startAt: '2026-06-01T14:00:00+02:00', stopAt: '2027-01-01T00:00:00Z' });
    expect([parsed.startAt, parsed.stopAt]).toEqual(['2026-06-01T12:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });
});
