/** @module Reading a weight column: what counts as a weight, and errors that name file, row and column. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../src/features/spec.ts';
import { readWeights } from '../../src/pipeline/columns.ts';
import { trainBundle } from '../../src/pipeline/train-bundle.ts';

const tableOf = (weights: AttributeValue[]) => ({ source: 'alerts.csv', names: ['w'], columns: [weights], rowCount: weights.length });

describe('readWeights', () => {
  it('reads numbers and numeric text as float32, and lets an unlabelled row leave its weight empty', () => {
    const w = readWeights(tableOf([1, '50', 0.1, 0, null, '']), 'w', Float32Array.of(1, 0, 1, 0, NaN, NaN));
    expect(Array.from(w.subarray(0, 4))).toEqual([1, 50, Math.fround(0.1), 0]);
    expect(w[4]).toBeNaN();
    expect(w[5]).toBeNaN();
  });

  it.each<[AttributeValue, string]>([
    [-1, '-1'],
    [Infinity, 'Infinity'],
    [1e39, '1e+39'], // finite as a double, but not as the float32 the trainer takes
    ['a lot', '"a lot"'],
    [true, 'true'],
    [null, 'an empty cell'],
  ])('refuses %j on a labelled row', (bad, shown) => {
    expect(() => readWeights(tableOf([1, 1, bad]), 'w', Float32Array.of(0, 1, 1))).toThrow(
      `alerts.csv row 3, column 'w': weight must be a finite number >= 0, got ${shown}`,
    );
  });

  it('names a column the file does not have', () => {
    expect(() => readWeights(tableOf([1]), 'sample_weight', Float32Array.of(1))).toThrow("alerts.csv: no weight column 'sample_weight' (columns: w)");
  });
});

describe('trainBundle with a weight column', () => {
  it('refuses a feature spec that reads the weight column as a feature', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-weight-spec-'));
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 3 === 0 ? 1 : 0},${i % 5 === 0 ? 50 : 1}`);
    writeFileSync(join(dir, 'data.csv'), ['amount,label,w', ...rows].join('\n') + '\n');
    const spec = { version: 1, features: [{ name: 'amount', kind: 'numeric', source: 'amount', missing: 'nan' }, { name: 'weight', kind: 'numeric', source: 'w', missing: 'nan' }] };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    await expect(
      trainBundle({ data: join(dir, 'data.csv'), label: 'label', weightColumn: 'w', spec: join(dir, 'spec.json'), out: join(dir, 'm', '1') }),
    ).rejects.toThrow("spec.json: feature 'weight' reads the weight column 'w'; a weight cannot also be a feature");
  });
});
