/** @module LightGBM text import: leaf indices identical to LightGBM's, probabilities consistent, missing-value rules, refusals. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportError, lightgbmLeaf, parseLightgbmText } from '../../src/import/index.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { leafIndices, predictProba } from '../../src/trees/evaluate.ts';
import { breastCancer, fixture, maxAbsDiff } from './fixtures.ts';

const file = fixture('lightgbm-breast-cancer', 'lg_breast_cancer.txt');
const text = readFileSync(file, 'utf8');
const model = parseLightgbmText(text, 'lg.txt');

let scorer: OnnxScorer | undefined;
afterAll(async () => { await scorer?.release(); });

/** LightGBM's prediction: the leaf values of the leaves it reached, summed in double, through the sigmoid. */
function lightgbmProbability(leaves: number[]): number {
  const trees = text.split('\nTree=').slice(1);
  let sum = 0;
  leaves.forEach((leaf, t) => {
    const values = trees[t].match(/\nleaf_value=(.*)\n/)![1].split(' ').map(Number);
    sum += values[leaf];
  });
  return 1 / (1 + Math.exp(-sum));
}

describe('LightGBM text import', () => {
  it('reads the header: 30 features named Column_0…, 39 trees, objective binary, version v3', () => {
    expect(model.model.numFeatures).toBe(30);
    expect(model.model.trees).toHaveLength(39);
    expect(model.featureNames?.[29]).toBe('Column_29');
    expect(model.formatVersion).toBe('v3');
    expect(model.objective).toBe('binary sigmoid:1');
    expect(model.model.baseScore).toBe(0);
  });

  it('reaches exactly the leaf LightGBM reached, in every tree, for every row of lg_breast_cancer_data', () => {
    const { rows, leaves } = breastCancer();
    expect(rows).toHaveLength(57);
    const x = Float32Array.from(rows.flat());
    const ours = rows.map((_, r) => Array.from(leafIndices(model.model, x, r * 30), (node, t) => lightgbmLeaf(model.model.trees[t], node)));
    expect(ours).toEqual(leaves);
  });

  it('scores through ONNX Runtime what LightGBM predicts from those leaves (float32 leaf values: within 1e-6)', async () => {
    const { rows, leaves } = breastCancer();
    const x = Float32Array.from(rows.flat());
    scorer = await OnnxScorer.load(treeEnsembleToOnnx(model.model));
    const ort = await scorer.score(x, rows.length);
    const expected = leaves.map(lightgbmProbability);
    // measured: 7.7e-8
    expect(maxAbsDiff(ort, expected)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(predictProba(model.model, x), ort)).toBeLessThanOrEqual(1.2e-7);
  });

  /** A one-split model: feature 0 at `threshold`, leaf 0 left (-1), leaf 1 right (+1). */
  const stump = (decisionType: number, threshold: number, extra = '') => parseLightgbmText([
    'tree', 'version=v4', 'num_class=1', 'num_tree_per_iteration=1', 'label_index=0', 'max_feature_idx=1', 'objective=binary sigmoid:1',
    'feature_names=a b', extra, '',
    'Tree=0', 'num_leaves=2', 'num_cat=0', 'split_feature=0', `threshold=${threshold}`, `decision_type=${decisionType}`,
    'left_child=-1', 'right_child=-2', 'leaf_value=-1 1', 'shrinkage=1', '', '', 'end of trees',
  ].join('\n'), 'stump.txt').model;
  const route = (m: ReturnType<typeof stump>, v: number) => (predictProba(m, [v, 0])[0] < 0.5 ? 'left' : 'right');

  it.each([
    // decision_type = categorical(1) | default_left(2) | missing type << 2 (0 None, 1 Zero, 2 NaN)
    { name: 'missing None: NaN is read as 0 and compared (0 <= 0.5: left)', dt: 0, t: 0.5, value: NaN, want: 'left' },
    { name: 'missing None: NaN is read as 0 and compared (0 > -0.5: right, default_left ignored)', dt: 2, t: -0.5, value: NaN, want: 'right' },
    { name: 'missing NaN, default left: NaN goes left even above the threshold', dt: 2 | 8, t: -0.5, value: NaN, want: 'left' },
    { name: 'missing NaN, default right: NaN goes right', dt: 8, t: 0.5, value: NaN, want: 'right' },
    { name: 'missing NaN: 0 is a value like any other', dt: 8, t: 0.5, value: 0, want: 'left' },
    { name: 'missing Zero, default left, threshold above 0: NaN and 0 go left', dt: 2 | 4, t: 0.5, value: NaN, want: 'left' },
    { name: 'missing Zero, default right, threshold below 0: NaN goes right', dt: 4, t: -0.5, value: NaN, want: 'right' },
    { name: '`<=`: a value equal to the threshold goes left', dt: 8, t: 0.25, value: 0.25, want: 'left' },
    { name: 'a double threshold between float32s: the float32 just above it goes right', dt: 8, t: 0.1, value: Math.fround(0.1), want: 'right' },
  ])('$name', ({ dt, t, value, want }) => {
    expect(route(stump(dt, t), value)).toBe(want);
  });

  it.each([
    { name: 'a categorical split', edit: (s: string) => s.replace('decision_type=2 2 2', 'decision_type=3 2 2'), want: /^lg\.txt tree 0 \(line 12\), line 18: node 0 is a categorical split; categorical splits are not supported$/ },
    { name: 'missing type Zero that a single threshold cannot express', edit: (s: string) => s.replace('decision_type=2 2 2', 'decision_type=4 2 2').replace('threshold=0.14235000000000003', 'threshold=0.5'), want: /line 18: node 0: missing type Zero sends zero right while threshold 0.5 sends it left; winnow cannot express this split/ },
    { name: 'a multiclass objective', edit: (s: string) => s.replace('objective=binary sigmoid:1', 'objective=multiclass num_class:3'), want: "lg.txt line 7: objective 'multiclass num_class:3' is not supported: winnow imports binary models only (one probability of a true positive)" },
    { name: 'a regression objective', edit: (s: string) => s.replace('objective=binary sigmoid:1', 'objective=regression'), want: /line 7: objective 'regression' is not supported/ },
    { name: 'random-forest averaging', edit: (s: string) => s.replace('objective=binary sigmoid:1', 'objective=binary sigmoid:1\naverage_output'), want: /^lg\.txt line 8: average_output \(random-forest mode\) is not supported/ },
    { name: 'a short column', edit: (s: string) => s.replace('left_child=1 3 -2 4 7 -6 -4 -1 -8', 'left_child=1 3 -2'), want: "lg.txt tree 0 (line 12), line 19: 'left_child' should hold 9 numbers" },
    { name: 'a file that is not a LightGBM model', edit: () => '{"learner": {}}', want: "lg.txt (header): no 'version=' line; is this a LightGBM text model?" },
  ])('refuses $name, naming the line', ({ edit, want }) => {
    const run = () => parseLightgbmText(edit(text), 'lg.txt');
    expect(run).toThrow(ImportError);
    expect(run).toThrow(want);
  });
});
