/** @module Readers for the interop fixtures beside the checkout (<repo>/../shared/fixtures) and a labelled CSV maker. */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../helpers/random-ensemble.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'interop');

/** Path of a shared interop fixture, e.g. fixture('xgboost-missing', 'model.json'). */
export const fixture = (...parts: string[]) => path.join(shared, ...parts);
/** Path of a fixture made for winnow (test/fixtures/interop). */
export const localFixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'interop', name);

export const readBytes = (p: string) => new Uint8Array(readFileSync(p));
const numbers = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map(Number);

/** xgboost-missing/test.csv as rows (nan → NaN) and XGBoost 1.7.4's own probabilities. */
export function xgboostMissing(): { header: string[]; rows: number[][]; expected: number[] } {
  const [head, ...lines] = readFileSync(fixture('xgboost-missing', 'test.csv'), 'utf8').trim().split('\n');
  const rows = lines.map((l) => l.split(',').map((v) => (v === 'nan' ? NaN : Number(v))));
  return { header: head.split(','), rows, expected: numbers(fixture('xgboost-missing', 'predictions.txt')) };
}

/** agaricus_test.libsvm as dense rows of `width`; an absent sparse entry is missing (NaN), as XGBoost reads it. */
export function agaricus(width: number): { x: Float32Array; numRows: number; expected: number[] } {
  const lines = readFileSync(fixture('xgboost-agaricus', 'agaricus_test.libsvm'), 'utf8').trim().split('\n');
  const x = new Float32Array(lines.length * width).fill(NaN);
  lines.forEach((line, r) => {
    for (const kv of line.trim().split(/\s+/).slice(1)) {
      const [k, v] = kv.split(':');
      // XGBoost uses the libsvm index as the column as written (the file starts at 1, so column 0 is never set).
      x[r * width + Number(k)] = Number(v);
    }
  });
  return { x, numRows: lines.length, expected: numbers(fixture('xgboost-agaricus', 'xgagaricus_true_predictions.txt')) };
}

/** The LightGBM breast-cancer rows and the leaf LightGBM reached in each tree for each row. */
export function breastCancer(): { rows: number[][]; leaves: number[][] } {
  const read = (name: string) => readFileSync(fixture('lightgbm-breast-cancer', name), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  return { rows: read('lg_breast_cancer_data.txt'), leaves: read('lg_breast_cancer_data_pred_leaves.txt') };
}

/** treecl2_inputs.csv: the 3 rows skl2onnx's own test fed the nozipmap model. */
export function treecl2Inputs(): number[][] {
  return readFileSync(fixture('onnx-sklearn', 'treecl2_inputs.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

/** Seeded rows of standard-normal-ish values with a share of NaN. */
export function randomRows(numRows: number, width: number, seed: number, nanShare = 0.1): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: numRows }, () => Array.from({ length: width }, () => (rand() < nanShare ? NaN : (rand() - 0.5) * 6)));
}

/**
 * Write a labelled CSV: the feature rows (NaN as an empty cell), a label drawn from the model's own
 * probability (seeded, so the file is the same every run) and an increasing time column.
 */
export async function writeLabelledCsv(file: string, header: string[], rows: number[][], probabilities: ArrayLike<number>, seed = 1): Promise<void> {
  const rand = mulberry32(seed);
  const start = Date.UTC(2025, 0, 1);
  const lines = [[...header, 'is_true_positive', 'occurred_at'].join(',')];
  rows.forEach((row, i) => {
    const label = rand() < probabilities[i] ? 1 : 0;
    lines.push([...row.map((v) => (Number.isNaN(v) ? '' : String(v))), label, new Date(start + i * 3_600_000).toISOString()].join(','));
  });
  await writeFile(file, lines.join('\n') + '\n');
}

/** Largest absolute difference between two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
