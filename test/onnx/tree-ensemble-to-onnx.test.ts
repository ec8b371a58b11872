/** @module Tests of the ONNX writer: graph shape, attributes, options and refusals. */
import { describe, expect, it } from 'vitest';
import { decodeModel, NodeAttributes, onnx, toNumber } from '../../src/onnx/onnx-proto.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { randomEnsemble } from '../helpers/random-ensemble.ts';

const stump = (): TreeEnsemble => ({
  numFeatures: 3,
  baseScore: Math.fround(0.25),
  trees: [{
    feature: [2, 0, 0], threshold: [Math.fround(1.5), 0, 0], left: [1, -1, -1], right: [2, -1, -1],
    missingLeft: [true, false, false], value: [0, Math.fround(-0.3), Math.fround(0.7)], cover: [10, 4, 6],
  }],
});

describe('treeEnsembleToOnnx', () => {
  it('writes one float input [N, numFeatures] and tensor outputs label [N] and probabilities [N, 2]', () => {
    const proto = decodeModel(treeEnsembleToOnnx(stump()));
    const g = proto.graph!;
    const T = onnx.TensorProto.DataType;
    expect(g.input).toHaveLength(1);
    expect(g.input![0].name).toBe('features');
    expect(g.input![0].type!.tensorType!.elemType).toBe(T.FLOAT);
    const dims = g.input![0].type!.tensorType!.shape!.dim!;
    expect(dims[0].dimParam).toBe('N');
    expect(toNumber(dims[1].dimValue!)).toBe(3);
    expect(g.output!.map((o) => [o.name, o.type!.tensorType!.elemType])).toEqual([['label', T.INT64], ['probabilities', T.FLOAT]]);
    expect(g.node!.map((n) => n.opType)).toEqual(['TreeEnsembleClassifier']);
    expect(proto.opsetImport!.map((o) => [o.domain, toNumber(o.version!)])).toEqual([['', 17], ['ai.onnx.ml', 3]]);
  });

  it('puts every leaf weight on class 0, the base score as the single base value, and missingLeft on the true branch', () => {
    const a = new NodeAttributes(decodeModel(treeEnsembleToOnnx(stump())).graph!.node![0]);
    expect(a.string('post_transform', '')).toBe('LOGISTIC');
    expect(a.ints('classlabels_int64s')).toEqual([0, 1]);
    expect(a.floats('base_values')).toEqual([0.25]);
    expect(a.ints('class_ids')).toEqual([0, 0]);
    expect(a.ints('class_nodeids')).toEqual([1, 2]);
    expect(a.floats('class_weights')).toEqual([Math.fround(-0.3), Math.fround(0.7)]);
    expect(a.strings('nodes_modes')).toEqual(['BRANCH_LEQ', 'LEAF', 'LEAF']);
    expect(a.floats('nodes_values')).toEqual([1.5, 0, 0]);
    expect(a.ints('nodes_truenodeids')).toEqual([1, 0, 0]);
    expect(a.ints('nodes_falsenodeids')).toEqual([2, 0, 0]);
    expect(a.ints('nodes_missing_value_tracks_true')).toEqual([1, 0, 0]);
    expect(a.ints('nodes_featureids')).toEqual([2, 0, 0]);
  });

  it('stores float32 thresholds bit for bit', () => {
    const model = randomEnsemble({ seed: 3, numTrees: 20 });
    const a = new NodeAttributes(decodeModel(treeEnsembleToOnnx(model)).graph!.node![0]);
    const expected = model.trees.flatMap((t) => t.threshold.map((v, i) => (t.left[i] === -1 ? 0 : v)));
    expect(a.floats('nodes_values')).toEqual(expected);
  });

  it('applies inputName, producerName, docString and metadata', () => {
    const proto = decodeModel(treeEnsembleToOnnx(stump(), {
      inputName: 'x', producerName: 'trainer', docString: 'a stump', metadata: { spec_hash: 'abc', version: '3' },
    }));
    expect(proto.graph!.input![0].name).toBe('x');
    expect(proto.graph!.node![0].input).toEqual(['x']);
    expect(proto.producerName).toBe('trainer');
    expect(proto.docString).toBe('a stump');
    expect(proto.metadataProps!.map((p) => [p.key, p.value])).toEqual([['spec_hash', 'abc'], ['version', '3']]);
  });

  it('writes a model with no trees as one zero leaf, so ORT can still load it', () => {
    const a = new NodeAttributes(decodeModel(treeEnsembleToOnnx({ numFeatures: 2, baseScore: 0.5, trees: [] })).graph!.node![0]);
    expect(a.strings('nodes_modes')).toEqual(['LEAF']);
    expect(a.floats('class_weights')).toEqual([0]);
  });

  it.each([
    ['a feature outside the input', (m: TreeEnsemble) => { m.trees[0].feature[0] = 3; }, /tree 0 node 0: feature 3 is outside \[0, 3\)/],
    ['a child out of range', (m: TreeEnsemble) => { m.trees[0].right[0] = 7; }, /tree 0 node 0: child 7 is outside \[1, 3\)/],
    ['a node with two parents', (m: TreeEnsemble) => { m.trees[0].right[0] = 1; }, /tree 0 node 1: has two parents/],
    ['a NaN threshold', (m: TreeEnsemble) => { m.trees[0].threshold[0] = NaN; }, /tree 0 node 0: threshold is NaN/],
    ['a non-finite leaf', (m: TreeEnsemble) => { m.trees[0].value[2] = Infinity; }, /tree 0 node 2: leaf value Infinity is not finite/],
    ['ragged arrays', (m: TreeEnsemble) => { m.trees[0].value.pop(); }, /tree 0: 'value' has 2 entries, 'left' has 3/],
    ['a non-finite base score', (m: TreeEnsemble) => { m.baseScore = NaN; }, /baseScore must be finite/],
  ])('refuses %s', (_name, spoil, message) => {
    const model = stump();
    spoil(model);
    expect(() => treeEnsembleToOnnx(model)).toThrow(message);
  });
});
