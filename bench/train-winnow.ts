/**
 * @module winnow's side of the training benchmark: same matrices and parameters as bench/xgboost_hist.py.
 *
 * Usage: npx tsx bench/train-winnow.ts [--data bench/data] [--trees 300] [--depth 6] [--threads 2]
 * Prints one JSON line: seconds for binning + boosting (file loading excluded, as for XGBoost),
 * holdout AUC, and peak resident memory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { train } from '../src/gbdt/train.ts';
import { rocAuc } from '../src/metrics/index.ts';
import { predictProba } from '../src/trees/evaluate.ts';

const { values } = parseArgs({
  options: { data: { type: 'string', default: 'bench/data' }, trees: { type: 'string', default: '300' }, depth: { type: 'string', default: '6' }, threads: { type: 'string', default: '2' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log('npx tsx bench/train-winnow.ts [--data DIR] [--trees N] [--depth D] [--threads T]');
  process.exit(0);
}
const dir = values.data!;
const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
const f32 = async (name: string) => {
  const b = await readFile(join(dir, name));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const [x, y, xt, yt] = await Promise.all(['train.x.f32', 'train.y.f32', 'test.x.f32', 'test.y.f32'].map(f32));
const depth = Number(values.depth);
const t0 = performance.now();
// XGBoost's depth-wise tree of depth d has at most 2^d leaves; min_data_in_leaf has no XGBoost twin, so 1.
const res = await train(
  { x, numRows: y.length, numFeatures: meta.features, labels: y },
  { numTrees: Number(values.trees), maxDepth: depth, maxLeaves: 2 ** depth, learningRate: 0.1, l2: 1, minChildWeight: 1, minDataInLeaf: 1, earlyStoppingRounds: 0, threads: Number(values.threads) },
  { onProgress: (p) => { if (p.tree % 50 === 0) process.stderr.write(`tree ${p.tree} ${(p.elapsedMs / 1000).toFixed(1)}s\n`); } },
);
const seconds = (performance.now() - t0) / 1000;
const auc = rocAuc(yt, predictProba(res.model, xt));
console.log(JSON.stringify({
  tool: 'winnow gbdt', rows: y.length, features: meta.features, trees: res.treesKept, threads: res.timings.threads,
  seconds: Number(seconds.toFixed(2)), binningSeconds: Number((res.timings.binningMs / 1000).toFixed(2)),
  auc: Number(auc.toFixed(5)), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
