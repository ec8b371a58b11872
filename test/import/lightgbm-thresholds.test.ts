/**
 * @module LightGBM text import on thresholds that sit on data values. What is verified against what:
 * - lightgbm-thresholds/ (make_lightgbm_thresholds.py): model files in LightGBM's text layout with
 *   expected leaves and probabilities from a Python re-implementation of LightGBM's documented
 *   decision rule (double `x <= threshold`, its missing types). LightGBM itself is not installable
 *   here, so this checks winnow against that reference, not against LightGBM.
 * - lg_breast_cancer (shared fixture): a real LightGBM model with the leaves LightGBM itself reached;
 *   lightgbm.test.ts matches them, and this file counts how often its data meets a threshold.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { lightgbmLeaf, parseLightgbmText } from '../../src/import/index.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { leafIndices, predictProba } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { breastCancer, fixture, localFixture, maxAbsDiff } from './fixtures.ts';

const f32 = Math.fround;
const csv = (name: string) => readFileSync(localFixture(`lightgbm-thresholds/${name}`), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',').map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v))));

const text = readFileSync(localFixture('lightgbm-thresholds/model.txt'), 'utf8');
const model = parseLightgbmText(text, 'model.txt').model;
const rows = csv('data.csv');
const x = Float32Array.from(rows.flat());
const expected = csv('expected.csv');
const probability = expected.map((r) => r[0]);

/** Each tree's splits as the text file has them: [feature, double threshold, decision_type, left, right]. */
function textSplits(source: string): number[][][] {
  return source.split('\nTree=').slice(1).map((block) => {
    const field = (key: string) => (block.match(new RegExp(`\\n${key}=(.*)\\n`))?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
    const [f, t, d, l, r] = ['split_feature', 'threshold', 'decision_type', 'left_child', 'right_child'].map(field);
    return f.map((_, k) => [f[k], t[k], d[k], l[k], r[k]]);
  });
}

/** Splits on LightGBM's path (double `x <= t`) where the value equals the threshold or its nearest float32. */
function tiesOnPaths(splits: number[][][], row: number[]): { exact: number; nearest: number; straddle: number } {
  const out = { exact: 0, nearest: 0, straddle: 0 };
  for (const tree of splits) {
    let node = 0;
    while (tree.length > 0 && node >= 0) {
      const [feature, t, dt, left, right] = tree[node];
      const v = row[feature];
      if (v === t) out.exact++;
      else if (v === f32(t)) out.nearest++;
      // A double input can only route differently from its float32 when t lies between the two.
      if (Math.min(v, f32(v)) <= t && t < Math.max(v, f32(v))) out.straddle++;
      const missing = (dt >> 2) & 3;
      const w = Number.isNaN(v) && missing !== 2 ? 0 : v;
      const isDefault = (missing === 1 && Math.abs(w) <= 1e-35) || (missing === 2 && Number.isNaN(w));
      node = isDefault ? ((dt & 2) ? left : right) : w <= t ? left : right;
    }
  }
  return out;
}

let scorer: OnnxScorer | undefined;
afterAll(async () => { await scorer?.release(); });

describe('LightGBM thresholds on data values (reference of LightGBM\'s rule, not LightGBM itself)', () => {
  const splits = textSplits(text);
  const ties = rows.map((r) => tiesOnPaths(splits, r));

  it('the rows meet thresholds exactly and at their nearest float32, on many paths', () => {
    expect(rows).toHaveLength(1000);
    expect(model.trees).toHaveLength(30);
    // measured: 853 of 1,000 rows meet a tie; 1,165 splits where x equals a (float32) threshold,
    // 2,020 where x is the nearest float32 of a threshold that is not one (such as 12.37 or 0.1)
    expect(ties.filter((t) => t.exact + t.nearest > 0).length).toBeGreaterThan(800);
    expect(ties.reduce((s, t) => s + t.exact, 0)).toBeGreaterThan(1000);
    expect(ties.reduce((s, t) => s + t.nearest, 0)).toBeGreaterThan(1800);
  });

  it('reaches exactly the reference leaf in every tree for every row', () => {
    const ours = rows.map((_, r) => Array.from(leafIndices(model, x, r * 4), (node, t) => lightgbmLeaf(model.trees[t], node)));
    expect(ours).toEqual(expected.map((r) => r.slice(1)));
  });

  it('TS evaluator and ONNX Runtime give the reference probability within 1e-6', async () => {
    scorer = await OnnxScorer.load(treeEnsembleToOnnx(model));
    // measured: 1.3e-7 for both (float32 leaf values and sums against the reference's doubles)
    expect(maxAbsDiff(predictProba(model, x), probability)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(await scorer.score(x, rows.length), probability)).toBeLessThanOrEqual(1e-6);
  });

  it('rounding thresholds to the nearest float32 instead (the naive import) sends ties the wrong way', () => {
    const nearest: TreeEnsemble = {
      ...model,
      trees: model.trees.map((tree, k) => ({ ...tree, threshold: tree.threshold.map((th, i) => (tree.left[i] === -1 ? th : f32(splits[k][i][1]))) })),
    };
    const wrong = probability.filter((p, i) => Math.abs(predictProba(nearest, x.subarray(i * 4, i * 4 + 4))[0] - p) > 1e-6).length;
    // measured: 466 of 1,000 rows
    expect(wrong).toBeGreaterThan(400);
  });
});

describe('LightGBM breast-cancer model (real LightGBM v3 model and leaves)', () => {
  it('its data meets thresholds rarely and never between a value and its float32, so float32 input routes as LightGBM did', () => {
    const splits = textSplits(readFileSync(fixture('lightgbm-breast-cancer', 'lg_breast_cancer.txt'), 'utf8'));
    const counts = breastCancer().rows.map((r) => tiesOnPaths(splits, r));
    const sum = (k: 'exact' | 'nearest' | 'straddle') => counts.reduce((s, c) => s + c[k], 0);
    // LightGBM's thresholds are midpoints between training values, so its own data rarely ties them.
    expect({ exact: sum('exact'), nearest: sum('nearest'), straddle: sum('straddle') }).toEqual({ exact: 0, nearest: 0, straddle: 0 });
  });
});
