import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAlert } from '../../src/serving/alert-check.ts';
import { type AlertLimits, alertFromRecord, alertSchema, DEFAULT_LIMITS } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';

const SMALL: AlertLimits = { maxBatch: 10, maxAttributes: 3, maxStringLength: 5 };

/** What zod says, in checkAlert's shape. */
function viaZod(item: unknown, limits: AlertLimits) {
  const parsed = alertSchema(limits).safeParse(item);
  return parsed.success ? { ok: true, alert: parsed.data } : { ok: false, issue: parsed.error.issues[0] };
}

// Values near every boundary the schema draws: lengths around the limit, empty strings,
// non-finite numbers, wrong types, absent vs null, arrays where objects belong.
const text = fc.oneof(fc.string({ maxLength: 7 }), fc.constantFrom('', 'abcde', 'abcdef'));
const scalar = fc.oneof(text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant([]), fc.constant({}));
const instant = fc.oneof(fc.constantFrom('2026-01-02T03:04:05Z', '2026-01-02T03:04:05.123+02:00', '2026-01-02', 'yesterday', ''), text);
const attributes = fc.oneof(
  fc.dictionary(text, scalar, { maxKeys: 5 }),
  fc.constant(undefined), fc.constant(null), fc.constant([1]), fc.constant('x'),
  fc.constant(JSON.parse('{"__proto__": 1}')),
);
const rawAlert = fc.oneof(
  fc.record(
    { id: fc.oneof(text, scalar), ruleId: fc.oneof(text, scalar), occurredAt: instant, entityId: fc.oneof(text, scalar), segment: fc.oneof(text, scalar), attributes, extra: scalar },
    { requiredKeys: [] },
  ),
  scalar,
);

describe('checkAlert (the fast path of the alert schema)', () => {
  it('agrees with zod on random input: same verdict, same output, same first issue', () => {
    fc.assert(
      fc.property(rawAlert, (item) => {
        expect(checkAlert(item, SMALL)).toEqual(viaZod(item, SMALL));
      }),
      { numRuns: 5000 },
    );
  });

  it('returns the same alert as zod, key for key and in order, for generated traffic', () => {
    for (const row of generateAlerts({ rows: 300, seed: 5 })) {
      const item = JSON.parse(JSON.stringify(alertFromRecord(row)));
      const fast = checkAlert(item, DEFAULT_LIMITS);
      const slow = viaZod(item, DEFAULT_LIMITS);
      expect(fast).toEqual(slow);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
    }
  });

  it('rejects what the limits forbid, with zod naming the field', () => {
    const tooMany = { id: 'a', ruleId: 'r', attributes: { a: 1, b: 2, c: 3, d: 4 } };
    const long = { id: 'a', ruleId: 'r', attributes: { a: 'abcdef' } };
    const badTime = { id: 'a', ruleId: 'r', occurredAt: '2026-13-01T00:00:00Z' };
    const many = checkAlert(tooMany, SMALL);
    expect(many.ok).toBe(false);
    if (!many.ok) expect(many.issue.message).toContain('at most 3 attributes');
    const tooLong = checkAlert(long, SMALL);
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.issue.path).toEqual(['attributes', 'a']);
    const time = checkAlert(badTime, SMALL);
    expect(time.ok).toBe(false);
    if (!time.ok) expect(time.issue.path).toEqual(['occurredAt']);
  });
});
