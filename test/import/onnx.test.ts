/** @module ONNX import: skl2onnx/onnxmltools graphs served bit for bit as ONNX Runtime scores the original, and clear refusals. */
import { afterEach, describe, expect, it } from 'vitest';
import { exposeProbabilities, ImportError, parseModel } from '../../src/import/index.ts';
import { decodeModel, encodeModel, onnx, type OnnxTypes } from '../../src/onnx/onnx-proto.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { fixture, maxAbsDiff, randomRows, readBytes, treecl2Inputs } from './fixtures.ts';

const nozipmap = fixture('onnx-sklearn', 'skl2onnx_treecl2_binary_logistic_nozipmap.onnx');
const multiclass = fixture('onnx-sklearn', 'skl2onnx_pipeline_lightgbm_multiclass_zipmap.onnx');
const stringLabels = fixture('onnx-sklearn', 'skl2onnx_SklearnBinGBC_stringlabels_zipmap.onnx');

const opened: OnnxScorer[] = [];
afterEach(async () => { await Promise.all(opened.splice(0).map((s) => s.release())); });
async function score(bytes: Uint8Array, rows: number[][], numFeatures: number): Promise<Float32Array> {
  const scorer = await OnnxScorer.load(bytes, { numFeatures });
  opened.push(scorer);
  return scorer.score(Float32Array.from(rows.flat()), rows.length);
}
const served = (model: TreeEnsemble) => treeEnsembleToOnnx(model);

describe('ONNX import (skl2onnx / onnxmltools)', () => {
  it('nozipmap binary classifier: the served graph scores the 3 rows of its own test and 2,000 random rows exactly as ONNX Runtime scores the original', async () => {
    const imported = parseModel('onnx', readBytes(nozipmap), 'treecl2.onnx', { numFeatures: 20 });
    expect(imported.model.numFeatures).toBe(20);
    expect(imported.model.trees).toHaveLength(10);
    const rows = [...treecl2Inputs(), ...randomRows(2000, 20, 11)];
    const original = await score(readBytes(nozipmap), rows, 20);
    const ours = await score(served(imported.model), rows, 20);
    expect(maxAbsDiff(ours, original)).toBe(0);
    expect(Array.from(ours.slice(0, 3))).toEqual(Array.from(original.slice(0, 3)));
  });

  it('needs the feature count when the input width is symbolic, and says so', () => {
    expect(() => parseModel('onnx', readBytes(nozipmap), 'treecl2.onnx')).toThrow(
      "treecl2.onnx input 'input': does not declare how many features it reads; give --features with one name per input column, in order",
    );
  });

  it('refuses the multi-class pipeline, saying it is multi-class', () => {
    const run = () => parseModel('onnx', readBytes(multiclass), 'multi.onnx');
    expect(run).toThrow(ImportError);
    expect(run).toThrow("multi.onnx node 'LightGbmLGBMClassifier' (ai.onnx.ml.TreeEnsembleClassifier): multi-class model (3 classes: 0, 1, 2); winnow scores one probability of a true positive, so it serves binary classifiers only");
  });

  it('string labels without --positive-label: refused with the labels and the flag to use', () => {
    expect(() => parseModel('onnx', readBytes(stringLabels), 'gbc.onnx')).toThrow(
      "gbc.onnx classifier: class labels are 'A' and 'B', not 0 and 1; say which one is a true positive with --positive-label",
    );
    expect(() => parseModel('onnx', readBytes(stringLabels), 'gbc.onnx', { positiveLabel: 'C' })).toThrow(
      "gbc.onnx classifier: --positive-label 'C' is not one of its class labels (A, B)",
    );
  });

  it('string labels + ZipMap: ZipMap is removed by rewriting the graph, and only it (and nothing else) changes', () => {
    const before = decodeModel(readBytes(stringLabels)).graph!;
    const { bytes, classLabels, removed } = exposeProbabilities(readBytes(stringLabels), 'gbc.onnx');
    const after = decodeModel(bytes).graph!;
    expect(classLabels).toEqual(['A', 'B']);
    expect(removed).toEqual(["ZipMap 'ZipMap' (ai.onnx.ml.ZipMap) on 'probability_tensor'"]);
    expect(after.node!.map((n) => n.opType)).toEqual(['TreeEnsembleClassifier']);
    const nodeBytes = (n: OnnxTypes.INodeProto) => onnx.NodeProto.encode(n).finish();
    expect(nodeBytes(after.node![0])).toEqual(nodeBytes(before.node![0]));
    expect(after.output!.map((o) => o.name)).toEqual(['label', 'probability_tensor']);
  });

  it('--positive-label B (the second class): same probabilities as ONNX Runtime on the original graph without its ZipMap', async () => {
    const imported = parseModel('onnx', readBytes(stringLabels), 'gbc.onnx', { positiveLabel: 'B' });
    const rows = randomRows(2000, 2, 5);
    const reference = await score(exposeProbabilities(readBytes(stringLabels), 'gbc.onnx').bytes, rows, 2);
    expect(maxAbsDiff(await score(served(imported.model), rows, 2), reference)).toBe(0);
    expect(imported.details.positiveLabel).toBe('B');
  });

  it('--positive-label A (the first class): margins negated, so the score is 1 − p(B)', async () => {
    const imported = parseModel('onnx', readBytes(stringLabels), 'gbc.onnx', { positiveLabel: 'A' });
    const rows = randomRows(2000, 2, 6);
    const pB = await score(exposeProbabilities(readBytes(stringLabels), 'gbc.onnx').bytes, rows, 2);
    const pA = await score(served(imported.model), rows, 2);
    // measured: 0 on these rows; the bound allows one float32 rounding of 1 − v
    expect(maxAbsDiff(pA, Array.from(pB, (p) => 1 - p))).toBeLessThanOrEqual(1.2e-7);
    expect(imported.notes.at(-1)).toBe("the score is the probability of class 'A' (the first class: margins negated)");
  });

  it('refuses a preprocessing node in front of the classifier, naming it and why', () => {
    const proto = decodeModel(readBytes(nozipmap));
    const graph = proto.graph!;
    graph.node![0].input = ['scaled'];
    graph.node!.unshift({ name: 'Scaler', opType: 'Scaler', domain: 'ai.onnx.ml', input: ['input'], output: ['scaled'] });
    expect(() => parseModel('onnx', encodeModel(proto), 'scaled.onnx', { numFeatures: 20 })).toThrow(
      "scaled.onnx node 'Scaler' (ai.onnx.ml.Scaler): unsupported operator: it transforms the input before the classifier, and winnow feeds encoded features straight to the trees (fold it into the features, or export the classifier alone)",
    );
  });

  it('refuses bytes that are not ONNX', () => {
    expect(() => parseModel('onnx', new TextEncoder().encode('not a model'), 'x.onnx')).toThrow(/^x\.onnx: not an ONNX model/);
  });
});
