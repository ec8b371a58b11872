/**
 * @module XGBoost import on values equal to split conditions: a real XGBoost 1.7.4 model (Debian's
 * python3-xgboost, hist, 100 trees, depth 6) trained by test/fixtures/interop/make_xgboost_ties.py
 * on integer and 1–3-decimal features, compared with its own Booster.predict on 2,000 test rows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../src/import/index.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { localFixture, maxAbsDiff, readBytes } from './fixtures.ts';

const f32 = Math.fround;
const dir = (name: string) => localFixture(`xgboost-ties/${name}`);
const [, ...lines] = readFileSync(dir('test.csv'), 'utf8').trim().split('\n');
const rows = lines.map((l) => l.split(',').map((v) => (v === 'nan' ? NaN : Number(v))));
const x = Float32Array.from(rows.flat());
const expected = readFileSync(dir('predictions.txt'), 'utf8').trim().split('\n').map(Number);
const imported = parseModel('xgboost', readBytes(dir('model.json')), 'model.json');

interface XgbTree { left_children: number[]; right_children: number[]; split_indices: number[]; split_conditions: number[]; default_left: number[] }
const xgbTrees: XgbTree[] = JSON.parse(readFileSync(dir('model.json'), 'utf8')).learner.gradient_booster.model.trees;

/**
 * Walk XGBoost's own JSON as XGBoost does (float32(x) < float32(cond), NaN the default way) and
 * count, per row, the splits on its path where the value EQUALS the condition.
 */
function tiesOnPath(row: number[]): { ties: number; doubleMisleads: number } {
  let ties = 0;
  let doubleMisleads = 0;
  for (const t of xgbTrees) {
    let n = 0;
    while (t.left_children[n] !== -1) {
      const v = row[t.split_indices[n]];
      const c = f32(t.split_conditions[n]);
      if (f32(v) === c) {
        ties++;
        // The JSON's decimal, read as a double, lies above the float32 it names: `x < double` says left.
        if (c < t.split_conditions[n]) doubleMisleads++;
      }
      n = Number.isNaN(v) ? (t.default_left[n] ? t.left_children[n] : t.right_children[n]) : f32(v) < c ? t.left_children[n] : t.right_children[n];
    }
  }
  return { ties, doubleMisleads };
}

/** The importer's threshold before the fix: `x < cond` read as a comparison with the double in the file. */
function doubleSemanticsBelow(t: number): number {
  const r = f32(t);
  if (r < t) return r;
  const b = new Float32Array([r]);
  const bits = new Int32Array(b.buffer);
  if (r === 0) return -1.401298464324817e-45;
  bits[0] += r > 0 ? -1 : 1;
  return b[0];
}

let scorer: OnnxScorer | undefined;
afterAll(async () => { await scorer?.release(); });

describe('XGBoost import: values equal to split conditions (real XGBoost 1.7.4 hist model)', () => {
  const counts = rows.map(tiesOnPath);
  const misled = counts.flatMap((c, i) => (c.doubleMisleads > 0 ? [i] : []));

  it('the test rows really sit on cut points: nearly every row meets ties on its path, a third on conditions a double misreads', () => {
    expect(rows).toHaveLength(2000);
    expect(imported.model.trees).toHaveLength(100);
    const rowsWithTie = counts.filter((c) => c.ties > 0).length;
    const totalTies = counts.reduce((s, c) => s + c.ties, 0);
    // measured: 1,998 of 2,000 rows meet a tie (91,918 tie events over 100 trees); 688 rows meet one
    // on a condition whose JSON decimal, read as a double, lies above its float32 (2,540 events)
    expect(rowsWithTie).toBeGreaterThan(1900);
    expect(totalTies).toBeGreaterThan(80_000);
    expect(misled.length).toBeGreaterThan(600);
    expect(rows.flat().filter(Number.isNaN).length).toBeGreaterThan(100);
  });

  it('the TS evaluator matches Booster.predict within 1e-6 on every row, ties and NaN included', () => {
    // measured: 1.0e-7
    expect(maxAbsDiff(predictProba(imported.model, x), expected)).toBeLessThanOrEqual(1e-6);
  });

  it("ONNX Runtime on winnow's export matches Booster.predict within 1e-6", async () => {
    scorer = await OnnxScorer.load(treeEnsembleToOnnx(imported.model));
    // measured: 1.0e-7
    expect(maxAbsDiff(await scorer.score(x, rows.length), expected)).toBeLessThanOrEqual(1e-6);
  });

  it('the old double-semantics threshold gets exactly the misread-tie rows wrong (688 of 2,000, by up to 0.31)', () => {
    const old: TreeEnsemble = {
      ...imported.model,
      trees: imported.model.trees.map((tree, k) => ({
        ...tree,
        threshold: tree.threshold.map((th, i) => (tree.left[i] === -1 ? th : doubleSemanticsBelow(xgbTrees[k].split_conditions[i]))),
      })),
    };
    const p = predictProba(old, x);
    const wrong = expected.flatMap((e, i) => (Math.abs(p[i] - e) > 1e-6 ? [i] : []));
    expect(wrong).toEqual(misled);
    expect(maxAbsDiff(p, expected)).toBeGreaterThan(0.1);
  });
});
