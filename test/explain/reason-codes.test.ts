/** @module Reason codes: the largest contributions first, values as sent, readable labels. */
import { describe, expect, it } from 'vitest';
import { reasonLabel, topReasons } from '../../src/explain/index.ts';

describe('topReasons', () => {
  const names = ['amount_usd', 'country', 'vpn_detected', 'kyc_level'];
  const values = [9500, 'RU', true, null];

  it('orders by |contribution|, keeps both directions, and leaves out features that contributed nothing', () => {
    const reasons = topReasons([0.8, -1.2, 0, 0.05], 3, names, (j) => values[j]);
    expect(reasons).toEqual([
      { feature: 'country', value: 'RU', contribution: -1.2, label: 'country = "RU" lowered the risk' },
      { feature: 'amount_usd', value: 9500, contribution: 0.8, label: 'amount_usd = 9500 raised the risk' },
      { feature: 'kyc_level', value: null, contribution: 0.05, label: 'kyc_level missing raised the risk' },
    ]);
  });

  it('breaks ties in spec order and gives at most n', () => {
    expect(topReasons([0.5, -0.5, 0.5, 0.1], 2, names, (j) => values[j]).map((r) => r.feature)).toEqual(['amount_usd', 'country']);
    expect(topReasons([0.5, -0.5, 0.5, 0.1], 0, names, (j) => values[j])).toEqual([]);
  });

  it('reports an absent attribute or NaN as null', () => {
    expect(topReasons([1, 0, 0, 0], 1, names, () => undefined)[0].value).toBeNull();
    expect(topReasons([1, 0, 0, 0], 1, names, () => NaN)[0].label).toBe('amount_usd missing raised the risk');
  });
});

describe('reasonLabel', () => {
  it.each([
    ['amount_usd', 9500, 1.3, 'amount_usd = 9500 raised the risk'],
    ['vpn_detected', false, -0.2, 'vpn_detected = false lowered the risk'],
    ['occupation', '', 0.4, 'occupation missing raised the risk'],
    ['note', 'x'.repeat(50), 0.1, `note = "${'x'.repeat(40)}…" raised the risk`],
  ])('%s = %s (%s) → %s', (name, value, contribution, label) => {
    expect(reasonLabel(name, value, contribution)).toBe(label);
  });
});
