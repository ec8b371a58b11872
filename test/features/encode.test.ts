/** @module Example tests for the encoders: accepted inputs, and errors asserted by type and exact message. */
import { describe, expect, it } from 'vitest';
import { FeatureError, encodeColumns, encodeRecord, parseFeatureSpec } from '../../src/features/index.ts';
import type { AttributeValue } from '../../src/features/index.ts';

const spec = parseFeatureSpec({
  version: 1,
  features: [
    { name: 'amount_usd', kind: 'numeric', source: 'amount_usd' },
    { name: 'is_vpn', kind: 'boolean', source: 'vpn' },
    { name: 'country', kind: 'categorical', source: 'country', categories: ['US', 'GB', 'NG'] },
    { name: 'account_age_days', kind: 'numeric', source: 'account_age_days', missing: 'reject' },
  ],
});

const good = { amount_usd: 120.5, vpn: true, country: 'GB', account_age_days: 30 };

function thrown(f: () => unknown): FeatureError {
  try {
    f();
  } catch (e) {
    if (e instanceof FeatureError) return e;
    throw e;
  }
  throw new Error('expected a FeatureError');
}

describe('encodeRecord', () => {
  it.each<[string, Record<string, AttributeValue>, number[]]>([
    ['plain values', good, [120.5, 1, 1, 30]],
    ['numeric text, boolean text, unseen category', { ...good, amount_usd: ' 12.5 ', vpn: 'FALSE', country: 'FR' }, [12.5, 0, 3, 30]],
    ['1/0 booleans and numeric categories', { ...good, vpn: 0, country: 7 }, [120.5, 0, 3, 30]],
    ['missing values', { ...good, amount_usd: null, vpn: '', country: '  ' }, [NaN, NaN, NaN, 30]],
    ['absent attributes', { account_age_days: '1e3' }, [NaN, NaN, NaN, 1000]],
  ])('encodes %s', (_, record, want) => {
    expect(Array.from(encodeRecord(record, spec))).toEqual(want.map(Math.fround));
  });

  it('does not read inherited properties for attributes named like Object.prototype members', () => {
    const s = parseFeatureSpec({ version: 1, features: [{ name: 'c', kind: 'numeric', source: 'constructor' }] });
    expect(encodeRecord({}, s)[0]).toBeNaN();
  });

  it.each<[string, Record<string, AttributeValue>, string]>([
    ['text that is not a number', { ...good, amount_usd: 'abc' }, `attribute 'amount_usd': expected a number, got "abc"`],
    ['a decimal comma', { ...good, amount_usd: '12,5' }, `attribute 'amount_usd': expected a number, got "12,5"`],
    ['a boolean for a number', { ...good, amount_usd: true }, `attribute 'amount_usd': expected a number, got true`],
    ['Infinity', { ...good, amount_usd: -Infinity }, `attribute 'amount_usd': expected a finite number, got -Infinity`],
    ['a bad boolean', { ...good, vpn: 'yes' }, `attribute 'vpn' (feature 'is_vpn'): expected a boolean (true/false or 1/0), got "yes"`],
    ['a number that is not 0/1 for a boolean', { ...good, vpn: 2 }, `attribute 'vpn' (feature 'is_vpn'): expected a boolean (true/false or 1/0), got 2`],
    ['a rejected missing value', { ...good, account_age_days: null }, `attribute 'account_age_days': required value is missing (got null)`],
    ['a rejected absent attribute', { amount_usd: 1 }, `attribute 'account_age_days': required value is missing (got no value)`],
  ])('rejects %s with a FeatureError naming the attribute', (_, record, message) => {
    const e = thrown(() => encodeRecord(record, spec));
    expect(e.name).toBe('FeatureError');
    expect(e.message).toBe(message);
    expect(e.row).toBeUndefined();
  });

  it('carries the feature, source attribute and value on the error', () => {
    const e = thrown(() => encodeRecord({ ...good, vpn: 'maybe' }, spec));
    expect({ feature: e.feature, source: e.source, value: e.value }).toEqual({ feature: 'is_vpn', source: 'vpn', value: 'maybe' });
  });

  it('refuses an output buffer that is too short for the offset', () => {
    expect(() => encodeRecord(good, spec, new Float32Array(6), 3)).toThrow(RangeError);
  });
});

describe('encodeColumns', () => {
  const rows = Array.from({ length: 20 }, (_, i) => ({ ...good, amount_usd: i }));
  const table = (records: Record<string, AttributeValue>[], source?: string) => {
    const names = ['amount_usd', 'vpn', 'country', 'account_age_days', 'unused'];
    return { names, columns: names.map((n) => records.map((r) => r[n])), rowCount: records.length, source };
  };

  it('encodes a table row-major, ignoring extra columns', () => {
    const m = encodeColumns(table(rows.slice(0, 2)), spec);
    expect(Array.from(m)).toEqual([0, 1, 1, 30, 1, 1, 1, 30]);
  });

  it('accepts typed-array columns', () => {
    const t = { names: ['amount_usd', 'vpn', 'country', 'account_age_days'], columns: [new Float64Array([1.5, NaN]), [true, false], ['NG', null], new Int32Array([3, 4])], rowCount: 2 };
    expect(Array.from(encodeColumns(t, spec))).toEqual([1.5, 1, 2, 3, NaN, 0, NaN, 4]);
  });

  it('names the file, the 1-based data row and the column of a bad cell', () => {
    const bad = rows.map((r, i) => (i === 16 ? { ...r, amount_usd: '12,5' } : r));
    const e = thrown(() => encodeColumns(table(bad, 'alerts.csv'), spec));
    expect(e.message).toBe(`alerts.csv row 17, column 'amount_usd': expected a number, got "12,5"`);
    expect({ row: e.row, file: e.file, feature: e.feature, value: e.value }).toEqual({ row: 17, file: 'alerts.csv', feature: 'amount_usd', value: '12,5' });
  });

  it('leaves out the file name when the table has none', () => {
    const bad = rows.map((r, i) => (i === 2 ? { ...r, vpn: 'y' } : r));
    expect(() => encodeColumns(table(bad), spec)).toThrow(`row 3, column 'vpn' (feature 'is_vpn'): expected a boolean (true/false or 1/0), got "y"`);
  });

  it('rejects a missing value in a reject-missing column', () => {
    const bad = rows.map((r, i) => (i === 4 ? { ...r, account_age_days: '' } : r));
    expect(() => encodeColumns(table(bad, 'a.csv'), spec)).toThrow(`a.csv row 5, column 'account_age_days': required value is missing (got "")`);
  });

  it('names the missing source column and the file', () => {
    const t = { names: ['amount_usd', 'country', 'account_age_days'], columns: [[1], ['US'], [2]], rowCount: 1, source: 'alerts.csv' };
    const e = thrown(() => encodeColumns(t, spec));
    expect(e.message).toBe(`alerts.csv: missing column 'vpn' (needed by feature 'is_vpn')`);
    expect({ feature: e.feature, source: e.source, row: e.row }).toEqual({ feature: 'is_vpn', source: 'vpn', row: undefined });
    expect(() => encodeColumns({ ...t, names: ['amount', 'vpn', 'country'], source: undefined }, spec)).toThrow(`table: missing column 'amount_usd'`);
  });

  it('refuses ambiguous duplicate columns and columns of the wrong length', () => {
    const t = table(rows.slice(0, 2), 'x.csv');
    expect(() => encodeColumns({ ...t, names: ['amount_usd', 'vpn', 'country', 'account_age_days', 'vpn'] }, spec)).toThrow(`x.csv: column 'vpn' appears more than once`);
    expect(() => encodeColumns({ ...t, rowCount: 3 }, spec)).toThrow(`x.csv: column 'amount_usd' has 2 values but rowCount is 3`);
  });
});
