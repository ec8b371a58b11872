/** @module The decision record's fast path agrees with zod: same verdict, same output, key for key. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { fastDecisionRecord } from '../../src/store/decision-record-check.ts';
import { DecisionRecordSchema, parseDecisionRecords } from '../../src/store/decision-record.ts';
import { makeFullRecord, makeRecord } from './fixtures.ts';

/** The output as text that tells NaN, -0, undefined-valued keys and key order apart. */
function spell(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v === undefined ? '(undefined)' : v));
}

// Values near every boundary the schema draws: empty strings, scores and rates just outside
// [0, 1], NaN where a number is required, null vs absent vs undefined, non-canonical instants.
const text = fc.oneof(fc.constantFrom('', 'a', 'review'), fc.string({ maxLength: 4 }));
const junk = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), text);
const unit = fc.oneof(fc.double({ min: -0.5, max: 1.5 }), fc.constantFrom(0, 1, -0, Number.NaN, Number.POSITIVE_INFINITY));
const instant = fc.oneof(
  fc.constantFrom('2025-03-01T12:00:00.000Z', '2025-03-01T12:00:00Z', '2025-03-01T12:00:00.5-01:00', '2025-02-30T00:00:00.000Z', '2025-03-01', ''),
  fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  junk,
);
const features = fc.oneof(fc.array(fc.oneof(fc.double(), fc.float().map(Math.fround)), { maxLength: 5 }), fc.constant([1, '2']), fc.constant([1, , 2]), junk);
const ref = (a: string, b: string) => fc.oneof(fc.record({ [a]: fc.oneof(text, junk), [b]: fc.oneof(text, junk) }, { requiredKeys: [] }), junk);
const fields = {
  alertId: fc.oneof(text, junk), decidedAt: instant, ruleId: fc.oneof(text, junk), segment: fc.oneof(text, junk), entityId: fc.oneof(text, junk),
  occurredAt: fc.oneof(instant, fc.constantFrom('+010000-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2025-03-01T12:00:00.000+00:00')),
  model: ref('name', 'version'), specHash: fc.oneof(text, junk), features, score: fc.oneof(unit, junk), band: fc.oneof(text, junk),
  decision: fc.oneof(text, junk), reason: fc.oneof(text, junk), sample: fc.oneof(fc.boolean(), junk), degraded: fc.oneof(fc.boolean(), junk),
  policyVersion: fc.oneof(text, junk), experiment: ref('id', 'arm'), requestId: fc.oneof(text, junk), sampleRate: fc.oneof(unit, junk),
  shadow: fc.oneof(fc.boolean(), junk), extra: junk,
};
const rawRecord = fc.record(fields, { requiredKeys: [] });
// Mostly-valid records, so the accept side is exercised too: a valid record (every optional field
// set) with one or two fields replaced by a random value or removed.
const change = fc.constantFrom(...(Object.keys(fields) as (keyof typeof fields)[])).chain((key) =>
  fc.oneof(fields[key].map((value) => ({ key, value, remove: false })), fc.constant({ key, value: undefined, remove: true })));
const nearValid = fc.tuple(fc.boolean(), fc.array(change, { minLength: 1, maxLength: 2 })).map(([full, changes]) => {
  const record: Record<string, unknown> = { ...(full ? makeFullRecord() : makeRecord(3)) };
  for (const { key, value, remove } of changes) {
    if (remove) delete record[key];
    else record[key] = value;
  }
  return record;
});

describe('fastDecisionRecord (the fast path of DecisionRecordSchema)', () => {
  it('accepts only what zod accepts, and then returns exactly what zod returns', () => {
    fc.assert(
      fc.property(fc.oneof(rawRecord, nearValid, nearValid, nearValid), (input) => {
        const fast = fastDecisionRecord(input);
        const slow = DecisionRecordSchema.safeParse(input);
        if (fast !== undefined) {
          expect(slow.success).toBe(true);
          expect(spell(fast)).toBe(spell(slow.data));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the fast path for the records the service writes (canonical, all fields set)', () => {
    for (const record of [makeRecord(1), makeFullRecord(), makeRecord(2, { shadow: true, sampleRate: 0.02 })]) {
      const fast = fastDecisionRecord(record);
      expect(fast).toBeDefined();
      expect(spell(fast)).toBe(spell(DecisionRecordSchema.parse(record)));
    }
  });

  it('leaves non-canonical instants to zod, which converts them', () => {
    const offset = makeRecord(1, { decidedAt: '2025-03-01T12:00:00.5-01:00' });
    expect(fastDecisionRecord(offset)).toBeUndefined();
    expect(parseDecisionRecords([makeRecord(0), offset])[1].decidedAt).toBe('2025-03-01T13:00:00.500Z');
  });

  it('lets zod name the record and field of a bad batch, after good records took the fast path', () => {
    let thrown: unknown;
    try {
      parseDecisionRecords([makeRecord(0), makeRecord(1), makeRecord(2, { score: 1.5 })]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ZodError);
    expect((thrown as ZodError).issues[0].path).toEqual([2, 'score']);
  });
});
