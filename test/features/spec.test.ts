/** @module specHash is stable under re-serialisation and changes with anything that changes the encoding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeatureSpec, specHash } from '../../src/features/index.ts';
import type { FeatureSpec } from '../../src/features/index.ts';

const base: FeatureSpec = parseFeatureSpec({
  version: 1,
  features: [
    { name: 'amount_usd', kind: 'numeric', source: 'amount_usd' },
    { name: 'is_vpn', kind: 'boolean', source: 'vpn' },
    { name: 'country', kind: 'categorical', source: 'country', categories: ['US', 'GB', 'NG'] },
    { name: 'account_age_days', kind: 'numeric', source: 'account_age_days', missing: 'reject' },
  ],
});

const category = fc.string().filter((s) => s.trim() !== '');

/** Rebuild every object with its keys in a random order, recursively. */
function shuffledKeys(value: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(value)) return fc.tuple(...value.map(shuffledKeys));
  if (value === null || typeof value !== 'object') return fc.constant(value);
  const entries = Object.entries(value);
  return fc
    .tuple(fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }), ...entries.map(([, v]) => shuffledKeys(v)))
    .map(([order, ...children]) => {
      const byKey = new Map(entries.map(([k], i) => [k, children[i]]));
      return Object.fromEntries(order.map(([k]) => [k, byKey.get(k)]));
    });
}

const withFeature = (i: number, patch: Record<string, unknown>) =>
  parseFeatureSpec({ ...base, features: base.features.map((f, j) => (j === i ? { ...f, ...patch } : f)) });

describe('specHash', () => {
  it('is stable under JSON key reordering and re-parsing', () => {
    const h = specHash(base);
    fc.assert(
      fc.property(shuffledKeys(JSON.parse(JSON.stringify(base))), (shuffled) => {
        expect(specHash(parseFeatureSpec(JSON.parse(JSON.stringify(shuffled))))).toBe(h);
      }),
    );
  });

  it('changes when a category, the order, a kind, a source or a missing policy changes', () => {
    const h = specHash(base);
    const variants = {
      'category renamed': withFeature(2, { categories: ['US', 'GB', 'RU'] }),
      'category added': withFeature(2, { categories: ['US', 'GB', 'NG', 'RU'] }),
      'categories reordered': withFeature(2, { categories: ['GB', 'US', 'NG'] }),
      'features reordered': parseFeatureSpec({ ...base, features: [base.features[1], base.features[0], ...base.features.slice(2)] }),
      'kind changed': withFeature(0, { kind: 'boolean' }),
      'source changed': withFeature(1, { source: 'is_vpn' }),
      'missing policy changed': withFeature(3, { missing: 'nan' }),
    };
    const hashes = Object.entries(variants).map(([what, spec]) => [what, specHash(spec)]);
    for (const [what, hash] of hashes) expect(hash, what).not.toBe(h);
    expect(new Set(hashes.map(([, hash]) => hash)).size).toBe(hashes.length);
  });

  it('changes when any single category of a random list is replaced', () => {
    fc.assert(
      fc.property(fc.uniqueArray(category, { minLength: 1, maxLength: 8 }), fc.nat(), category, (cats, at, other) => {
        fc.pre(!cats.includes(other));
        const i = at % cats.length;
        const a = withFeature(2, { categories: cats });
        const b = withFeature(2, { categories: cats.map((c, j) => (j === i ? other : c)) });
        expect(specHash(a)).not.toBe(specHash(b));
      }),
    );
  });
});

describe('parseFeatureSpec', () => {
  it.each([
    ['a repeated category', ['US', 'GB', 'US'], `feature spec: features.0.categories.2: categories of 'country' repeat 'US'`],
    ['a blank category', ['US', ' '], `feature spec: features.0.categories.1: categories of 'country' include a blank value (blank always encodes as missing)`],
  ])('rejects %s, which would own a code encode never produces', (_, categories, message) => {
    const input = { version: 1, features: [{ name: 'country', kind: 'categorical', source: 'country', categories }] };
    expect(() => parseFeatureSpec(input)).toThrow(message);
  });
});
