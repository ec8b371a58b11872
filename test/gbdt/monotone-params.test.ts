/** @module The `monotone` parameter (parsing, resolving, its errors) and the bounds arithmetic of split search. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FEATURE_STRIDE } from '../../src/gbdt/histogram.ts';
import { childBounds, describeMonotone, formatMonotone, resolveMonotone } from '../../src/gbdt/monotone.ts';
import { paramsFromPairs, parseTrainParams } from '../../src/gbdt/params.ts';
import { findBestSplit } from '../../src/gbdt/split.ts';
import { FEATURES } from './monotone-data.ts';

const NAMES = FEATURES.map((f) => f.name);

describe('resolveMonotone', () => {
  it.each([
    { text: 'amount_usd:+1,account_age_days:-1', want: [1, -1, 0, 0, 0, 0] },
    { text: ' account_age_days : -1 , amount_usd:1 ,', want: [1, -1, 0, 0, 0, 0] },
    { text: 'vpn:+1,noise:0', want: [0, 0, 0, 1, 0, 0] },
  ])('resolves $text', ({ text, want }) => {
    expect(Array.from(resolveMonotone(text, FEATURES)!)).toEqual(want);
  });

  it.each(['', '  ', ',', 'noise:0'])('gives null (no constraint) for %j', (text) => {
    expect(resolveMonotone(text, FEATURES)).toBeNull();
  });

  it.each([
    { text: 'amount_usd', want: "training parameter monotone: entry 'amount_usd': expected feature:+1 or feature:-1" },
    { text: ':+1', want: "training parameter monotone: entry ':+1': expected feature:+1 or feature:-1" },
    { text: 'amount_usd:up', want: "training parameter monotone: entry 'amount_usd:up': direction must be +1 (increasing), -1 (decreasing) or 0 (none), got 'up'" },
    { text: 'amount_usd:2', want: "training parameter monotone: entry 'amount_usd:2': direction must be +1 (increasing), -1 (decreasing) or 0 (none), got '2'" },
    { text: 'amount_usd:+1,amount_usd:-1', want: "training parameter monotone: feature 'amount_usd' is listed more than once" },
    { text: 'amount_usd:+1,amount_usd:0', want: "training parameter monotone: feature 'amount_usd' is listed more than once" },
    { text: 'amount:+1', want: "training parameter monotone: unknown feature 'amount' (did you mean 'amount_usd'?)" },
    { text: 'Account_Age:-1', want: "training parameter monotone: unknown feature 'Account_Age' (did you mean 'account_age_days'?)" },
    { text: 'zzzzzzzzzz:+1', want: "training parameter monotone: unknown feature 'zzzzzzzzzz'; features are 'amount_usd', 'account_age_days', 'country_risk', 'vpn', 'channel', 'noise'" },
    { text: 'channel:+1', want: "training parameter monotone: feature 'channel' is categorical: its codes follow category order, not a scale, so it cannot be monotone" },
  ])('refuses $text', ({ text, want }) => {
    expect(() => resolveMonotone(text, FEATURES)).toThrow(new Error(want));
  });

  it('round-trips through its canonical form, whatever the order, spelling and spacing', () => {
    const free: string[] = FEATURES.filter((f) => f.kind !== 'categorical').map((f) => f.name);
    const arb = fc.record({
      directions: fc.array(fc.constantFrom(-1, 0, 1), { minLength: free.length, maxLength: free.length }),
      order: fc.shuffledSubarray(free.map((_, i) => i), { minLength: free.length, maxLength: free.length }),
      plus: fc.constantFrom('+1', '1'),
      space: fc.constantFrom('', ' ', '  '),
    });
    fc.assert(fc.property(arb, ({ directions, order, plus, space }) => {
      const text = order.map((i) => `${space}${free[i]}${space}:${space}${directions[i] > 0 ? plus : String(directions[i])}`).join(',');
      const want = NAMES.map((n) => (free.includes(n) ? directions[free.indexOf(n)] : 0));
      const resolved = resolveMonotone(text, FEATURES);
      expect(resolved ? Array.from(resolved) : NAMES.map(() => 0)).toEqual(want);
      const canonical = formatMonotone(resolved, NAMES);
      expect(canonical).toBe(NAMES.flatMap((n, f) => (want[f] ? [`${n}:${want[f] > 0 ? '+1' : '-1'}`] : [])).join(','));
      expect(formatMonotone(resolveMonotone(canonical, FEATURES), NAMES)).toBe(canonical);
    }), { seed: 7, numRuns: 200 });
  });

  it('describes constraints in words for the model card', () => {
    expect(describeMonotone('amount_usd:+1,account_age_days:-1')).toBe('amount_usd increasing, account_age_days decreasing');
  });
});

describe('the monotone training parameter', () => {
  it('comes from --param as the text given, and defaults to none', () => {
    expect(parseTrainParams(paramsFromPairs(['monotone=amount_usd:+1,account_age_days:-1'])).monotone).toBe('amount_usd:+1,account_age_days:-1');
    expect(parseTrainParams({}).monotone).toBe('');
  });

  it('must be text', () => {
    expect(() => parseTrainParams({ monotone: 1 })).toThrow('training parameter monotone: Invalid input: expected string, received number');
  });
});

describe('split search under monotone constraints', () => {
  // One feature, four value bins of 100 rows each; low values are risky (negative gradients), high ones not.
  const hist = new Float64Array(FEATURE_STRIDE);
  [-20, -12, 12, 20].forEach((g, i) => {
    hist[2 * (i + 1)] = g;
    hist[2 * (i + 1) + 1] = 25;
  });
  const leaf = { sumG: 0, sumH: 100, count: 400 };
  const p = { l2: 1, minChildWeight: 1, minDataInLeaf: 1, minSplitGain: 0 };
  const search = (direction: number, lower = -Infinity, upper = Infinity) =>
    findBestSplit(hist, [0], [4], leaf, p, undefined, { direction: Int8Array.of(direction), lower, upper });

  it('takes a split whose children follow the direction, as without constraints', () => {
    const free = findBestSplit(hist, [0], [4], leaf, p);
    expect(free).toMatchObject({ feature: 0, bin: 2 });
    expect(search(0)).toMatchObject({ bin: 2, leftG: -32, leftH: 50 });
    expect(search(-1)).toMatchObject({ bin: 2, leftG: -32, leftH: 50 });
    expect(search(-1)!.gain).toBeCloseTo(free!.gain, 12);
  });

  it('refuses every split whose children go against the direction', () => {
    expect(search(1)).toBeNull();
  });

  it('scores candidates with child values clamped to the leaf bounds', () => {
    // Pinned to one value, no split can change a prediction, so none gains anything.
    expect(search(0, 0.1, 0.1)).toBeNull();
    // Clamped to [-0.2, 0.2], the best split's children are worth less than their free optimum.
    const clamped = search(0, -0.2, 0.2)!;
    const wl = 0.2; // -(-32) / (50 + 1) = 0.63, clamped
    const gainAt = (g: number, h: number, w: number) => -(2 * g * w + (h + 1) * w * w);
    expect(clamped.gain).toBeCloseTo(0.5 * (gainAt(-32, 50, wl) + gainAt(32, 50, -wl) - 0), 12);
  });
});

describe('childBounds', () => {
  const parent = { lower: -Infinity, upper: Infinity, sumG: 0, sumH: 10 };
  // Left child: G = 4, H = 4 → value -0.8; right child: G = -4, H = 6 → value 4/7.
  const mid = (-0.8 + 4 / 7) / 2;
  it.each([
    { name: 'unconstrained: both inherit', parent, direction: 0, want: [{ lower: -Infinity, upper: Infinity }, { lower: -Infinity, upper: Infinity }] },
    { name: 'increasing: left below the midpoint, right above', parent, direction: 1, want: [{ lower: -Infinity, upper: mid }, { lower: mid, upper: Infinity }] },
    { name: 'decreasing: left above, right below', parent, direction: -1, want: [{ lower: mid, upper: Infinity }, { lower: -Infinity, upper: mid }] },
    { name: 'midpoint of the clamped values', parent: { ...parent, lower: 0, upper: 0.5 }, direction: 1, want: [{ lower: 0, upper: 0.25 }, { lower: 0.25, upper: 0.5 }] },
  ])('$name', ({ parent: par, direction, want }) => {
    const got = childBounds(par, 4, 4, direction, 1);
    expect(got[0].lower).toBeCloseTo(want[0].lower, 12);
    expect(got[0].upper).toBeCloseTo(want[0].upper, 12);
    expect(got[1].lower).toBeCloseTo(want[1].lower, 12);
    expect(got[1].upper).toBeCloseTo(want[1].upper, 12);
  });
});
