/** @module inferFeatureSpec on small hand-made tables: kinds, rare levels, skipped columns, report and determinism. */
import { describe, expect, it } from 'vitest';
import { encodeColumns, inferFeatureSpec, specHash } from '../../src/features/index.ts';
import type { AttributeValue, ColumnTable } from '../../src/features/index.ts';

const N = 20;
const channels = ['web', 'web', 'web', 'web', 'web', 'web', 'web', 'web', 'branch', 'branch', 'branch', 'branch', 'branch', 'app', 'app', 'app', 'app', 'app', 'atm', null];

function columns(): Record<string, AttributeValue[]> {
  return {
    alert_id: Array.from({ length: N }, (_, i) => `A${String(i).padStart(4, '0')}`),
    amount_usd: Array.from({ length: N }, (_, i) => (i % 7 === 3 ? null : 100 + i * 12.5)),
    is_vpn: Array.from({ length: N }, (_, i) => i % 3 === 0),
    tor_flag: Array.from({ length: N }, (_, i) => i % 2),
    channel: channels,
    currency: Array.from({ length: N }, () => 'USD'),
    pep_match: Array.from({ length: N }, (_, i) => (i < 5 ? true : null)),
    screening_note: Array.from({ length: N }, () => null),
    label: Array.from({ length: N }, (_, i) => (i % 5 === 0 ? 1 : 0)),
  };
}

const tableOf = (cols: Record<string, AttributeValue[]>, order?: number[]): ColumnTable => ({
  names: Object.keys(cols),
  columns: Object.values(cols).map((c) => (order ? order.map((i) => c[i]) : c)),
  rowCount: N,
  source: 'alerts.csv',
});

describe('inferFeatureSpec', () => {
  it('infers kinds, orders categories by count then name, and reports every column', () => {
    const { spec, report } = inferFeatureSpec(tableOf(columns()), { exclude: ['label'] });
    expect(spec.features).toEqual([
      { name: 'amount_usd', kind: 'numeric', source: 'amount_usd', missing: 'nan' },
      { name: 'is_vpn', kind: 'boolean', source: 'is_vpn', missing: 'nan' },
      { name: 'tor_flag', kind: 'numeric', source: 'tor_flag', missing: 'nan' },
      { name: 'channel', kind: 'categorical', source: 'channel', missing: 'nan', categories: ['web', 'app', 'branch'] },
      { name: 'pep_match', kind: 'boolean', source: 'pep_match', missing: 'nan' },
    ]);
    expect(report).toEqual([
      `column 'alert_id': skipped, 20 distinct values and none occurs at least 5 times; if it is an id or free text, pass --exclude alert_id`,
      `column 'amount_usd': numeric, 85.0% present`,
      `column 'is_vpn': boolean, 100.0% present`,
      `column 'tor_flag': numeric, 100.0% present; only 0/1 values, kept numeric (encodes the same as boolean)`,
      `column 'channel': categorical, 3 categories, 95.0% present; 1 rare values (< 5 rows each, 1 rows) encode as unseen`,
      `column 'currency': skipped, constant (every row is "USD")`,
      `column 'pep_match': boolean, 25.0% present`,
      `column 'screening_note': skipped, every value is missing`,
      `column 'label': excluded`,
    ]);
  });

  it('gives the same spec whatever the row order', () => {
    const { spec } = inferFeatureSpec(tableOf(columns()), { exclude: ['label'] });
    const reversed = Array.from({ length: N }, (_, i) => N - 1 - i);
    const rotated = Array.from({ length: N }, (_, i) => (i * 7) % N);
    for (const order of [reversed, rotated]) {
      expect(specHash(inferFeatureSpec(tableOf(columns(), order), { exclude: ['label'] }).spec)).toBe(specHash(spec));
    }
  });

  it('produces a spec that encodes its own table, rare levels as unseen', () => {
    const table = tableOf(columns());
    const { spec } = inferFeatureSpec(table, { exclude: ['label', 'alert_id'] });
    const m = encodeColumns(table, spec);
    const channel = spec.features.findIndex((f) => f.name === 'channel');
    const width = spec.features.length;
    expect([0, 8, 13, 18, 19].map((r) => m[r * width + channel])).toEqual([0, 2, 1, 3, NaN]);
  });

  it('skips a text column with more frequent levels than categoricalMaxLevels', () => {
    const { spec, report } = inferFeatureSpec(tableOf(columns()), { exclude: ['label'], categoricalMaxLevels: 2 });
    expect(spec.features.map((f) => f.name)).not.toContain('channel');
    expect(report).toContain(`column 'channel': skipped, 3 frequent distinct values (more than 2 categories); if it is an id or free text, pass --exclude channel`);
  });

  it('honours minCategoryCount', () => {
    const { spec } = inferFeatureSpec(tableOf(columns()), { exclude: ['label'], minCategoryCount: 1 });
    expect(spec.features.find((f) => f.name === 'channel')?.categories).toEqual(['web', 'app', 'branch', 'atm']);
  });

  it('reads numeric and boolean text as numbers and booleans', () => {
    const t = { names: ['amt', 'flag'], columns: [['1.5', ' 2', '', '3e2'], ['TRUE', 'false', 'True', null]], rowCount: 4 };
    expect(inferFeatureSpec(t).spec.features.map((f) => f.kind)).toEqual(['numeric', 'boolean']);
  });

  it('treats a mostly-text column with a few numbers as categorical', () => {
    const t = { names: ['risk'], columns: [['low', 'low', 'low', 'high', 'high', 'high', 3]], rowCount: 7 };
    const { spec, report } = inferFeatureSpec(t, { minCategoryCount: 1 });
    expect(spec.features[0].categories).toEqual(['high', 'low', '3']);
    expect(report[0]).toBe(`column 'risk': categorical, 3 categories, 100.0% present; mostly text, so its 1 numbers/booleans are categories too`);
  });

  it('refuses a column that is mostly numbers with some text, naming it with examples', () => {
    const t = { names: ['amount'], columns: [[1, 2.5, 'n/a', 4, 'abc']], rowCount: 5, source: 'alerts.csv' };
    expect(() => inferFeatureSpec(t)).toThrow(
      `alerts.csv: column 'amount' mixes numbers and text (3 numbers, 0 booleans, 2 text values; e.g. 1, 2.5, "n/a", "abc"): clean it or exclude it`,
    );
  });

  it('refuses an exclude name that is not a column', () => {
    expect(() => inferFeatureSpec(tableOf(columns()), { exclude: ['lable'] })).toThrow(
      `alerts.csv: cannot exclude 'lable': no such column (columns: alert_id, amount_usd, is_vpn, tor_flag, channel, currency, pep_match, screening_note, label)`,
    );
  });

  it('refuses a table with no usable column', () => {
    const t = { names: ['id'], columns: [['a', 'b']], rowCount: 2 };
    expect(() => inferFeatureSpec(t)).toThrow(/^table: no column can be a feature\ncolumn 'id': skipped/);
  });
});
