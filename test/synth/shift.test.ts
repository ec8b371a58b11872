/** @module The deliberate shift of `winnow generate --shift`: parsing, and that only the named columns move. */
import { describe, expect, it } from 'vitest';
import { generateAlerts } from '../../src/synth/generate.ts';
import { parseShift } from '../../src/synth/shift.ts';

describe('parseShift', () => {
  it('reads COLUMN=FACTOR pairs', () => {
    expect(parseShift('amount_usd=2.0, txn_count_24h=3')).toEqual({ amount_usd: 2, txn_count_24h: 3 });
  });
  it.each([
    ['amount_usd', "shift 'amount_usd': expected COLUMN=FACTOR with a positive number, e.g. amount_usd=2.0"],
    ['amount_usd=-1', "shift 'amount_usd=-1': expected COLUMN=FACTOR with a positive number, e.g. amount_usd=2.0"],
    ['nope=2', "shift 'nope=2': no column 'nope'"],
    ['segment=2', "shift 'segment=2': 'segment' is categorical; only numeric columns can be shifted"],
  ])('refuses %s', (text, message) => {
    expect(() => parseShift(text)).toThrow(message);
  });
});

describe('generateAlerts with a shift', () => {
  it('multiplies only the shifted columns, keeps missing values and whole numbers, and leaves labels alone', () => {
    const plain = [...generateAlerts({ rows: 500, seed: 1 })];
    const shifted = [...generateAlerts({ rows: 500, seed: 1, shift: { amount_usd: 2, txn_count_24h: 3 } })];
    plain.forEach((p, i) => {
      const s = shifted[i];
      expect({ ...s, amount_usd: p.amount_usd, txn_count_24h: p.txn_count_24h }).toEqual(p);
      expect(s.amount_usd).toBe(p.amount_usd === null ? null : p.amount_usd * 2);
      expect(s.txn_count_24h).toBe(p.txn_count_24h === null ? null : p.txn_count_24h * 3);
    });
    expect(shifted.some((r) => r.amount_usd !== null)).toBe(true);
  });
});
