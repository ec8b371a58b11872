/** @module Property tests: the record and column encoders agree, and numbers, categories and missing values encode as documented. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeatureError, encodeColumns, encodeRecord, parseFeatureSpec } from '../../src/features/index.ts';
import type { AttributeValue, FeatureSpec } from '../../src/features/index.ts';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const blank = fc.constantFrom<AttributeValue>(null, undefined, '', '  ', NaN);
const categoriesArb = fc.uniqueArray(fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''), { maxLength: 6 });

/** A valid spec (names f0…, sources sometimes renamed) plus, per feature, an arbitrary of values it accepts (or, with `bad`, sometimes does not). */
const specWithValues = (bad: boolean) =>
  fc
  .array(
    fc.record({
      kind: fc.constantFrom('numeric', 'boolean', 'categorical'),
      renamed: fc.boolean(),
      categories: categoriesArb,
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((fs) => {
    const spec = parseFeatureSpec({
      version: 1,
      features: fs.map((f, i) => ({
        name: `f${i}`,
        kind: f.kind,
        source: f.renamed ? `src_${i}` : `f${i}`,
        ...(f.kind === 'categorical' ? { categories: f.categories } : {}),
      })),
    });
    const values = spec.features.map((f): fc.Arbitrary<AttributeValue> => {
      const wrong = fc.constantFrom<AttributeValue>('oops', 2, Infinity, {} as unknown as AttributeValue);
      const ok = (a: fc.Arbitrary<AttributeValue>) => (bad ? fc.oneof({ arbitrary: a, weight: 20 }, { arbitrary: wrong, weight: 1 }) : a);
      if (f.kind === 'numeric') return ok(fc.oneof(finite, finite.map(String), blank));
      if (f.kind === 'boolean') return ok(fc.constantFrom<AttributeValue>(true, false, 1, 0, 'true', 'FALSE', ' 1 ', '0', null, undefined, ''));
      const known = f.categories!.length ? [fc.constantFrom(...f.categories!)] : [];
      return ok(fc.oneof(...known, fc.string(), fc.integer(), fc.boolean(), blank));
    });
    return { spec, values };
  });

const rowsFor = (bad: boolean) =>
  specWithValues(bad).chain(({ spec, values }) => fc.tuple(fc.constant(spec), fc.array(fc.tuple(...values), { maxLength: 30 })));
const specAndRows = rowsFor(false);

function tableOf(spec: FeatureSpec, rows: AttributeValue[][]) {
  const names = spec.features.map((f) => f.source);
  return { names, columns: names.map((_, j) => rows.map((r) => r[j])), rowCount: rows.length, source: 'prop.csv' };
}

const recordOf = (spec: FeatureSpec, row: AttributeValue[]) =>
  Object.fromEntries(spec.features.map((f, j) => [f.source, row[j]]));

const oneFeature = (kind: 'numeric' | 'boolean' | 'categorical', categories?: string[]) =>
  parseFeatureSpec({ version: 1, features: [{ name: 'x', kind, source: 'x', ...(categories ? { categories } : {}) }] });

describe('encodeRecord and encodeColumns', () => {
  it('agree on every row, and the output has rowCount × feature count values', () => {
    fc.assert(
      fc.property(specAndRows, ([spec, rows]) => {
        const matrix = encodeColumns(tableOf(spec, rows), spec);
        const width = spec.features.length;
        expect(matrix.length).toBe(rows.length * width);
        rows.forEach((row, r) => {
          const single = encodeRecord(recordOf(spec, row), spec);
          expect(single.length).toBe(width);
          expect(Array.from(matrix.subarray(r * width, (r + 1) * width))).toEqual(Array.from(single));
        });
      }),
    );
  });

  it('write into a shared batch buffer at an offset exactly what they return alone', () => {
    fc.assert(
      fc.property(specAndRows, ([spec, rows]) => {
        const width = spec.features.length;
        const batch = new Float32Array(rows.length * width);
        rows.forEach((row, r) => encodeRecord(recordOf(spec, row), spec, batch, r * width));
        expect(Array.from(batch)).toEqual(Array.from(encodeColumns(tableOf(spec, rows), spec)));
      }),
    );
  });

  it('reject a table exactly when some row alone is rejected', () => {
    const throws = (f: () => unknown) => {
      try {
        f();
        return false;
      } catch (e) {
        if (e instanceof FeatureError) return true;
        throw e;
      }
    };
    fc.assert(
      fc.property(rowsFor(true), ([spec, rows]) => {
        const anyRow = rows.some((row) => throws(() => encodeRecord(recordOf(spec, row), spec)));
        expect(throws(() => encodeColumns(tableOf(spec, rows), spec))).toBe(anyRow);
      }),
    );
  });
});

describe('numeric features', () => {
  it('encode any finite number, or its text, as Math.fround(value)', () => {
    const spec = oneFeature('numeric');
    fc.assert(
      fc.property(finite, (v) => {
        expect(Object.is(encodeRecord({ x: v }, spec)[0], Math.fround(v))).toBe(true);
        // === rather than Object.is: String(-0) is "0", so text cannot carry the sign of zero.
        expect(encodeRecord({ x: String(v) }, spec)[0] === Math.fround(v)).toBe(true);
      }),
    );
  });

  it('reject text that is not plain decimal notation', () => {
    const spec = oneFeature('numeric');
    const notNumber = fc.string().filter((s) => s.trim() !== '' && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s.trim()));
    fc.assert(
      fc.property(notNumber, (s) => {
        expect(() => encodeRecord({ x: s }, spec)).toThrow(FeatureError);
      }),
    );
  });
});

describe('categorical features', () => {
  it('give known values their index and every other value categories.length, never a known code', () => {
    fc.assert(
      fc.property(categoriesArb, fc.string(), (categories, other) => {
        const spec = oneFeature('categorical', categories);
        const codes = categories.map((c) => encodeRecord({ x: c }, spec)[0]);
        expect(codes).toEqual(categories.map((_, i) => i));
        if (!categories.includes(other) && other.trim() !== '') {
          expect(encodeRecord({ x: other }, spec)[0]).toBe(categories.length);
        }
      }),
    );
  });
});

describe('missing values', () => {
  it('encode as NaN for every kind, and are an error when the feature rejects them', () => {
    const kinds = fc.constantFrom('numeric' as const, 'boolean' as const, 'categorical' as const);
    fc.assert(
      fc.property(kinds, blank, (kind, v) => {
        const spec = oneFeature(kind, kind === 'categorical' ? ['a', 'b'] : undefined);
        expect(encodeRecord({ x: v }, spec)[0]).toBeNaN();
        expect(encodeRecord({}, spec)[0]).toBeNaN();
        const strict = parseFeatureSpec({ version: 1, features: [{ ...spec.features[0], missing: 'reject' }] });
        expect(() => encodeRecord({ x: v }, strict)).toThrow(FeatureError);
      }),
    );
  });
});
