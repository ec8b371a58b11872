/**
 * @module Writes the training benchmark's data: synthetic alerts → feature spec → float32 matrices.
 *
 * Usage: npx tsx bench/make-training-data.ts [--rows 1000000] [--test-rows 250000] [--seed 7] [--out bench/data]
 * The first `rows` alerts in time are the training set, the next `test-rows` the holdout, so both
 * trainers learn from the past and are scored on the future.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeColumns, inferFeatureSpec } from '../src/features/index.ts';
import { generateAlertTable } from '../src/synth/generate.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, 'test-rows': { type: 'string', default: '250000' }, seed: { type: 'string', default: '7' }, out: { type: 'string', default: 'bench/data' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log('npx tsx bench/make-training-data.ts [--rows N] [--test-rows N] [--seed S] [--out DIR]');
  process.exit(0);
}
const rows = Number(values.rows);
const testRows = Number(values['test-rows']);
const total = rows + testRows;
const table = generateAlertTable({ rows: total, seed: Number(values.seed) });
const { names, columns } = table;
// 31 synthetic features less `is_weekend` (the weakest) gives the benchmark's 30 columns.
const { spec } = inferFeatureSpec(table, { exclude: ['alert_id', 'occurred_at', 'entity_id', 'is_true_positive', 'is_weekend'] });
const nf = spec.features.length;
const x = encodeColumns(table, spec);
const labelCol = columns[names.indexOf('is_true_positive')];
const y = Float32Array.from(labelCol, (v) => Number(v));
await mkdir(values.out!, { recursive: true });
const save = (name: string, a: Float32Array) => writeFile(join(values.out!, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
await save('train.x.f32', x.subarray(0, rows * nf));
await save('train.y.f32', y.subarray(0, rows));
await save('test.x.f32', x.subarray(rows * nf));
await save('test.y.f32', y.subarray(rows));
const positives = y.subarray(0, rows).reduce((a, b) => a + b, 0);
await writeFile(join(values.out!, 'meta.json'), JSON.stringify({ rows, testRows, features: nf, seed: Number(values.seed), trainBaseRate: positives / rows, spec }, null, 2));
console.log(`wrote ${rows} training and ${testRows} holdout rows × ${nf} features to ${values.out} (train base rate ${(positives / rows * 100).toFixed(2)}%)`);
