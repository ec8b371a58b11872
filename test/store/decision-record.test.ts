/** @module The decision record schema and the NaN-safe feature codec. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parseDecisionRecords } from '../../src/store/decision-record.ts';
import { featuresFromJson, featuresFromText, featuresToJson, featuresToText } from '../../src/store/feature-codec.ts';
import { makeRecord } from './fixtures.ts';

const spell = (values: number[]) => values.map((value) => (Object.is(value, -0) ? '-0' : String(value)));

describe('feature codec', () => {
  it('writes NaN as null and the values JSON cannot spell as strings', () => {
    expect(featuresToJson([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0])).toBe(
      '[1.5,null,"Infinity","-Infinity","-0",0]',
    );
  });

  it('round-trips any double and any float32 exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.float().map(Math.fround))), (values) => {
        expect(spell(featuresFromJson(featuresToJson(values)))).toEqual(spell(values));
      }),
    );
  });

  it('rejects stored text that is not a feature array, naming the position', () => {
    expect(() => featuresFromJson('{"a":1}')).toThrow(new TypeError('features: expected a JSON array, got object'));
    expect(() => featuresFromJson('[1,"x"]')).toThrow(
      new TypeError('features[1]: expected a number, null, "Infinity", "-Infinity" or "-0", got "x"'),
    );
  });
});

describe('feature text (float32 spelling, JSON otherwise)', () => {
  it('spells a float32 vector as f32: + base64 of little-endian float32, NaN, ±Infinity and -0 included', () => {
    const v = [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0];
    const text = featuresToText(v);
    const bytes = Buffer.from(text.slice(4), 'base64');
    expect(text.startsWith('f32:')).toBe(true);
    expect(bytes.readFloatLE(0)).toBe(1.5);
    expect(bytes.length).toBe(24);
    expect(spell(featuresFromText(text))).toEqual(spell(v));
  });

  it('falls back to JSON for any value float32 cannot hold, and reads both spellings back exactly', () => {
    expect(featuresToText([0.1, 1])).toBe('[0.1,1]');
    expect(featuresFromText('[1.5,null,"-0"]').map(String)).toEqual(['1.5', 'NaN', '0']);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.float().map(Math.fround), fc.constantFrom(Number.NaN, -0))), (values) => {
        expect(spell(featuresFromText(featuresToText(values)))).toEqual(spell(values));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.float().map(Math.fround)), (values) => {
        expect(featuresToText(values).startsWith('f32:')).toBe(true);
      }),
    );
  });

  it('rejects damaged float32 text instead of decoding garbage', () => {
    expect(() => featuresFromText('f32:AAAA*AAA')).toThrow(new TypeError("features: 'f32:' text is not base64"));
    expect(() => featuresFromText('f32:AAAAAAA=')).toThrow(new TypeError("features: 'f32:' text holds 5 bytes, not a whole number of float32 values"));
  });
});

describe('DecisionRecordSchema', () => {
  it('canonicalises decidedAt to UTC milliseconds and null optionals to absent', () => {
    const [record] = parseDecisionRecords([
      makeRecord(1, { decidedAt: '2025-03-01T12:00:00.5-01:00', segment: null, entityId: null, experiment: null, requestId: null }),
    ]);
    expect(record.decidedAt).toBe('2025-03-01T13:00:00.500Z');
    expect(record.segment).toBeUndefined();
    expect(record.experiment).toBeUndefined();
  });

  it('accepts NaN and infinite features but not a NaN score', () => {
    expect(() => parseDecisionRecords([makeRecord(1, { features: [Number.NaN, Number.NEGATIVE_INFINITY] })])).not.toThrow();
    expect(() => parseDecisionRecords([makeRecord(1, { score: Number.NaN })])).toThrow(ZodError);
  });

  it.each([
    ['alertId', { alertId: '' }],
    ['decidedAt', { decidedAt: '2025-03-01' }],
    ['score', { score: -0.1 }],
    ['features', { features: 'NaN' as unknown as number[] }],
    ['model', { model: { name: 'default' } as { name: string; version: string } }],
    ['sample', { sample: 'yes' as unknown as boolean }],
  ])('names the bad field: %s', (field, override) => {
    const error = (() => {
      try {
        parseDecisionRecords([makeRecord(0), makeRecord(1, override)]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues[0].path.slice(0, 2)).toEqual([1, field]);
  });
});
