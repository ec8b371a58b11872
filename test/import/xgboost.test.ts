/** @module XGBoost JSON import: parity with XGBoost's own predictions for every JSON generation, and clear refusals. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportError, parseModel, parseXgboostJson } from '../../src/import/index.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { agaricus, fixture, localFixture, maxAbsDiff, readBytes, xgboostMissing } from './fixtures.ts';

const scorers: OnnxScorer[] = [];
afterAll(async () => { await Promise.all(scorers.map((s) => s.release())); });

/** Probabilities from ONNX Runtime on winnow's export of the imported trees: the path a bundle serves. */
async function ortScores(model: TreeEnsemble, x: Float32Array, numRows: number): Promise<Float32Array> {
  const scorer = await OnnxScorer.load(treeEnsembleToOnnx(model));
  scorers.push(scorer);
  return scorer.score(x, numRows);
}

const modelJson = fixture('xgboost-missing', 'model.json');
const text = (p: string) => readFileSync(p, 'utf8');

describe('XGBoost JSON import', () => {
  it('pre-1.6 JSON (agaricus, XGBoost 1.4, boolean default_left): matches XGBoost within 1e-6 on 1,611 sparse rows, absent entries missing', async () => {
    const imported = parseModel('xgboost', readBytes(fixture('xgboost-agaricus', 'xgagaricus.json')), 'xgagaricus.json');
    expect(imported.formatVersion).toBe('1.4.1');
    expect(imported.model.numFeatures).toBe(127);
    expect(imported.model.baseScore).toBe(0); // base_score 0.5 → logit 0
    const { x, numRows, expected } = agaricus(127);
    expect(numRows).toBe(1611);
    const ort = await ortScores(imported.model, x, numRows);
    // measured: 7.1e-8 (TS evaluator), same for ONNX Runtime
    expect(maxAbsDiff(ort, expected)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(predictProba(imported.model, x), expected)).toBeLessThanOrEqual(1e-6);
  });

  it('1.6–2.x JSON (XGBoost 1.7.4, base_score 0.4, 15% NaN): matches XGBoost within 1e-6 on 1,000 rows', async () => {
    const imported = parseModel('xgboost', readBytes(modelJson), 'model.json');
    expect(imported.formatVersion).toBe('1.7.4');
    expect(imported.model.baseScore).toBe(Math.fround(Math.log(0.4 / 0.6)));
    const { rows, expected } = xgboostMissing();
    const x = Float32Array.from(rows.flat());
    expect(rows.flat().filter(Number.isNaN).length).toBeGreaterThan(1000);
    const ort = await ortScores(imported.model, x, rows.length);
    // measured: 1.2e-7
    expect(maxAbsDiff(ort, expected)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(predictProba(imported.model, x), expected)).toBeLessThanOrEqual(1e-6);
  });

  it('3.1-style JSON (base_score "[4E-1]", embedded feature names): same trees, same predictions, names taken from the file', async () => {
    const imported = parseModel('xgboost', readBytes(localFixture('xgboost-3.1-style-missing.json')), 'model-3.json');
    expect(imported.formatVersion).toBe('3.1.0');
    expect(imported.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
    const old = parseModel('xgboost', readBytes(modelJson), 'model.json');
    expect(imported.model).toEqual(old.model);
    const { rows, expected } = xgboostMissing();
    expect(maxAbsDiff(await ortScores(imported.model, Float32Array.from(rows.flat()), rows.length), expected)).toBeLessThanOrEqual(1e-6);
  });

  it('turns `x < split_condition` into `x <= the largest float32 below it`, so a value equal to the condition goes right', () => {
    const doc = JSON.parse(text(modelJson));
    const c = Math.fround(doc.learner.gradient_booster.model.trees[0].split_conditions[0]);
    const t = parseXgboostJson(text(modelJson), 'model.json').model.trees[0].threshold[0];
    const bits = new Int32Array(new Float32Array([t]).buffer);
    bits[0] += t > 0 ? 1 : -1;
    expect(t).toBeLessThan(c);
    expect(new Float32Array(bits.buffer)[0]).toBe(c);
  });

  const edited = (edit: (doc: any) => void) => {
    const doc = JSON.parse(text(modelJson));
    edit(doc);
    return JSON.stringify(doc);
  };
  it.each([
    { name: 'another objective', edit: (d: any) => { d.learner.objective.name = 'reg:squarederror'; }, want: "model.json at $.learner.objective.name: objective 'reg:squarederror' is not supported: winnow imports binary:logistic models only (one probability of a true positive)" },
    { name: 'binary:logitraw', edit: (d: any) => { d.learner.objective.name = 'binary:logitraw'; }, want: /objective 'binary:logitraw' is not supported/ },
    { name: 'multi-class', edit: (d: any) => { d.learner.learner_model_param.num_class = '3'; }, want: 'model.json at $.learner.learner_model_param.num_class: 3 classes: multi-class models are not supported' },
    { name: 'a multi-target base_score list', edit: (d: any) => { d.learner.learner_model_param.base_score = '[4E-1,5E-1]'; }, want: 'model.json at $.learner.learner_model_param.base_score: 2 base scores (a multi-target model); expected 1' },
    { name: 'a base_score outside (0, 1)', edit: (d: any) => { d.learner.learner_model_param.base_score = '1E0'; }, want: /base_score: "1E0" is not a probability strictly between 0 and 1/ },
    { name: 'DART', edit: (d: any) => { d.learner.gradient_booster.name = 'dart'; }, want: /booster 'dart' is not supported: only gbtree \(DART scales trees/ },
    { name: 'a categorical split', edit: (d: any) => { d.learner.gradient_booster.model.trees[2].split_type[0] = 1; }, want: 'model.json at $.learner.gradient_booster.model.trees[2].split_type[0]: node 0 is a categorical split; categorical splits are not supported' },
    { name: 'a feature out of range', edit: (d: any) => { d.learner.gradient_booster.model.trees[1].split_indices[0] = 8; }, want: 'model.json at $.learner.gradient_booster.model.trees[1].split_indices[0]: feature 8 is outside [0, 8)' },
    { name: 'a condition that is -Infinity as a float32', edit: (d: any) => { d.learner.gradient_booster.model.trees[0].split_conditions[0] = -1e39; }, want: 'model.json at $.learner.gradient_booster.model.trees[0].split_conditions[0]: node 0: condition -1e+39 is -Infinity as a float32, so `x < condition` is never true; winnow\'s `x <= threshold` cannot express it' },
    { name: 'a broken column', edit: (d: any) => { d.learner.gradient_booster.model.trees[0].default_left = 'yes'; }, want: 'model.json at $.learner.gradient_booster.model.trees[0].default_left: expected an array of booleans or 0/1' },
  ])('refuses $name, naming the file and the JSON path', ({ edit, want }) => {
    const run = () => parseXgboostJson(edited(edit), 'model.json');
    expect(run).toThrow(ImportError);
    expect(run).toThrow(want);
  });

  it('refuses a file that is not JSON', () => {
    expect(() => parseXgboostJson('binf\u0000\u0001', 'model.bin')).toThrow(/^model\.bin: not JSON/);
  });
});
