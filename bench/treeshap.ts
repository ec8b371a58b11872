/**
 * @module Reason-code benchmark: exact TreeSHAP cost per alert for a 300-tree, depth-6 model trained
 * by winnow's own trainer on synthetic alerts, and for the committed default model. Also reports the
 * additivity error (contributions + expected margin − margin) over the explained alerts.
 *
 * Usage: npx tsx bench/treeshap.ts [--train-rows 50000] [--alerts 2000] [--seed 11]
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { TreeExplainer } from '../src/explain/index.ts';
import { encodeColumns, inferFeatureSpec } from '../src/features/index.ts';
import { train } from '../src/gbdt/train.ts';
import { onnxToTreeEnsemble } from '../src/onnx/onnx-to-tree-ensemble.ts';
import { generateAlertTable } from '../src/synth/generate.ts';
import { leafDepths } from './treeshap-shape.ts';
import { margin } from '../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../src/trees/tree-ensemble.ts';

const { values } = parseArgs({ options: { 'train-rows': { type: 'string', default: '50000' }, alerts: { type: 'string', default: '2000' }, seed: { type: 'string', default: '11' } } });
const trainRows = Number(values['train-rows']);
const numAlerts = Number(values.alerts);

const total = trainRows + numAlerts;
const table = generateAlertTable({ rows: total, seed: Number(values.seed) });
const { names, columns } = table;
const { spec } = inferFeatureSpec(table, { exclude: ['alert_id', 'occurred_at', 'entity_id', 'is_true_positive'] });
const nf = spec.features.length;
const x = encodeColumns(table, spec);
const labels = Float32Array.from(columns[names.indexOf('is_true_positive')], (v) => Number(v));
const trainStart = performance.now();
const { model } = await train(
  { x: x.subarray(0, trainRows * nf), numRows: trainRows, numFeatures: nf, labels: labels.subarray(0, trainRows) },
  // minDataInLeaf 1 and no gain floor so trees reach depth 6 with up to 64 leaves, the benchmark's shape.
  { numTrees: 300, maxDepth: 6, maxLeaves: 64, minDataInLeaf: 1, minChildWeight: 0, earlyStoppingRounds: 0, seed: 1 },
);
const trainMs = performance.now() - trainStart;
const alerts = x.subarray(trainRows * nf);

function measure(label: string, m: TreeEnsemble, rows: Float32Array, width: number) {
  const explainer = new TreeExplainer(m);
  const phi = new Float64Array(width);
  const n = Math.floor(rows.length / width);
  // Warm-up so the JIT has compiled the recursion before timing.
  for (let i = 0; i < Math.min(n, 200); i++) explainer.explain(rows, phi, i * width);
  const start = performance.now();
  for (let i = 0; i < n; i++) explainer.explain(rows, phi, i * width);
  const ms = (performance.now() - start) / n;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    explainer.explain(rows, phi, i * width);
    const sum = phi.reduce((s, p) => s + p, explainer.expectedValue);
    worst = Math.max(worst, Math.abs(sum - margin(m, rows, i * width)));
  }
  const d = leafDepths(m);
  console.log(`${label}: ${m.trees.length} trees, ${d.leaves} leaves (mean depth ${d.mean.toFixed(2)}, max ${d.max}), ${n} alerts: ${ms.toFixed(3)} ms/alert; max |Σφ + E − margin(float32)| = ${worst.toExponential(2)}`);
}

console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; trained in ${(trainMs / 1000).toFixed(1)} s on ${trainRows} rows × ${nf} features`);
measure('trained (300 trees, maxDepth 6, maxLeaves 64)', model, alerts, nf);
const def = onnxToTreeEnsemble(await readFile('models/default/1/model.onnx')).model;
// The default model's spec has 31 features; explain the same fresh alerts encoded with it.
const defSpec = JSON.parse(await readFile('models/default/1/manifest.json', 'utf8')).featureSpec;
const defRows = encodeColumns({ ...table, columns: columns.map((c) => c.slice(trainRows)), rowCount: numAlerts }, defSpec);
measure('models/default/1', def, defRows, defSpec.features.length);
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
