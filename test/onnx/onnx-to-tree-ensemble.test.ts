/** @module Tests of the ONNX reader on foreign models and on graphs it must refuse. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, floatsAttr, onnx, stringAttr } from '../../src/onnx/onnx-proto.ts';
import type { OnnxTypes } from '../../src/onnx/onnx-proto.ts';
import { onnxToTreeEnsemble } from '../../src/onnx/onnx-to-tree-ensemble.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { randomEnsemble } from '../helpers/random-ensemble.ts';

// Fixtures live beside the checkout: <repo>/../shared/fixtures.
const sklearnDir = new URL('../../../shared/fixtures/interop/onnx-sklearn/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, sklearnDir)));
const ours = () => treeEnsembleToOnnx(randomEnsemble({ seed: 8, numTrees: 4, maxDepth: 3, numFeatures: 5 }));

function withClassifier(bytes: Uint8Array, edit: (node: OnnxTypes.INodeProto) => void): Uint8Array {
  const proto = decodeModel(bytes);
  edit(proto.graph!.node![0]);
  return encodeModel(proto);
}
const setAttr = (node: OnnxTypes.INodeProto, attr: OnnxTypes.IAttributeProto) => {
  node.attribute = [...node.attribute!.filter((a) => a.name !== attr.name), attr];
};
const ints = (node: OnnxTypes.INodeProto, name: string) => node.attribute!.find((a) => a.name === name)!.ints as number[];

describe('onnxToTreeEnsemble on skl2onnx models', () => {
  it('reads the binary LOGISTIC classifier without ZipMap: weights on class 0, one base value', () => {
    const read = onnxToTreeEnsemble(fixture('skl2onnx_treecl2_binary_logistic_nozipmap.onnx'), { numFeatures: 20 });
    expect(read.model.trees).toHaveLength(10);
    expect(read.model.baseScore).toBe(Math.fround(-0.11211729794740677));
    expect(read).toMatchObject({ inputName: 'input', probabilityOutput: 'proba_2', labelOutput: 'label_2', numFeaturesDeclared: false });
    expect(read.model.numFeatures).toBe(20);
  });

  it('refuses the binary string-label model whose probabilities only leave through ZipMap', () => {
    expect(() => onnxToTreeEnsemble(fixture('skl2onnx_SklearnBinGBC_stringlabels_zipmap.onnx')))
      .toThrow(/also found 'ZipMap' \(ai\.onnx\.ml\.ZipMap\): ZipMap outputs a sequence of maps.*zipmap=False/);
  });

  it('refuses the LightGBM multiclass pipeline, naming the extra nodes', () => {
    expect(() => onnxToTreeEnsemble(fixture('skl2onnx_pipeline_lightgbm_multiclass_zipmap.onnx')))
      .toThrow(/expected only a TreeEnsembleClassifier, also found 'Scaler' \(ai\.onnx\.ml\.Scaler\); 'ZipMap'.*; 'Cast' \(Cast\)/);
  });
});

describe('onnxToTreeEnsemble refuses what it cannot reproduce', () => {
  it('rejects bytes that are not an ONNX model', () => {
    expect(() => onnxToTreeEnsemble(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(/^not an ONNX model: protobuf decoding failed/);
    expect(() => onnxToTreeEnsemble(new Uint8Array(0))).toThrow(/^not an ONNX model: the ModelProto has no graph/);
  });

  it('rejects a graph without a tree ensemble', () => {
    const T = onnx.TensorProto.DataType;
    const bytes = encodeModel({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g', node: [{ name: 'id', opType: 'Identity', input: ['x'], output: ['y'] }],
        input: [{ name: 'x', type: { tensorType: { elemType: T.FLOAT } } }], output: [{ name: 'y', type: { tensorType: { elemType: T.FLOAT } } }],
      },
    });
    expect(() => onnxToTreeEnsemble(bytes)).toThrow(/^unsupported graph: no ai\.onnx\.ml TreeEnsembleClassifier node \(found 'id' \(Identity\)\)/);
  });

  it.each([
    ['a post transform other than LOGISTIC', (n: OnnxTypes.INodeProto) => setAttr(n, stringAttr('post_transform', 'SOFTMAX')),
      /unsupported post_transform 'SOFTMAX' on node 'TreeEnsembleClassifier': only LOGISTIC/],
    ['multiclass labels', (n: OnnxTypes.INodeProto) => { ints(n, 'classlabels_int64s').push(2); },
      /node 'TreeEnsembleClassifier': 3 class labels \(multiclass is not supported/],
    ['weights on both classes', (n: OnnxTypes.INodeProto) => { ints(n, 'class_ids')[0] = 1; },
      /class_ids use classes \{1, 0\}; expected every weight on one class/],
    ['a base value with weights on class 1 (ORT ignores it)', (n: OnnxTypes.INodeProto) => { ints(n, 'class_ids').fill(1); },
      /base_values \[.*\] with weights on class 1; ONNX Runtime ignores one base value/],
    ['two base values', (n: OnnxTypes.INodeProto) => setAttr(n, floatsAttr('base_values', [0, 0.5])),
      /2 base_values with weights on class 0; ONNX Runtime only honours one/],
    ['BRANCH_EQ nodes', (n: OnnxTypes.INodeProto) => { n.attribute!.find((a) => a.name === 'nodes_modes')!.strings![0] = new TextEncoder().encode('BRANCH_EQ'); },
      /tree 0 node 0: unsupported node mode 'BRANCH_EQ'/],
    ['a root that is not listed first', (n: OnnxTypes.INodeProto) => {
      // Another branch points at node 0, so node 0 is not the root ORT would start from.
      const t = ints(n, 'nodes_truenodeids');
      t[t.findIndex((v, i) => i > 0 && v !== 0)] = 0;
    }, /child is the first listed node \(id 0\), which ONNX Runtime takes as the root/],
    ['tree nodes that are not contiguous', (n: OnnxTypes.INodeProto) => {
      const trees = ints(n, 'nodes_treeids');
      trees[trees.length - 1] = 0;
    }, /nodes of tree 0 are not contiguous/],
    ['a leaf with two weights', (n: OnnxTypes.INodeProto) => {
      for (const name of ['class_ids', 'class_nodeids', 'class_treeids']) ints(n, name).push(ints(n, name)[0]);
      n.attribute!.find((a) => a.name === 'class_weights')!.floats!.push(0.1);
    }, /leaf has several weights/],
    ['a leaf without a weight', (n: OnnxTypes.INodeProto) => {
      for (const name of ['class_ids', 'class_nodeids', 'class_treeids']) ints(n, name).shift();
      n.attribute!.find((a) => a.name === 'class_weights')!.floats!.shift();
    }, /tree 0 node \d+: leaf has no class weight/],
    ['double-valued tensor attributes', (n: OnnxTypes.INodeProto) => setAttr(n, { name: 'nodes_values_as_tensor', type: onnx.AttributeProto.AttributeType.TENSOR }),
      /unsupported attribute 'nodes_values_as_tensor'.*tensor-valued attributes are not supported/],
  ])('rejects %s', (_name, spoil, message) => {
    expect(() => onnxToTreeEnsemble(withClassifier(ours(), spoil))).toThrow(message);
  });

  it('rejects a double input', () => {
    const proto = decodeModel(ours());
    proto.graph!.input![0].type!.tensorType!.elemType = onnx.TensorProto.DataType.DOUBLE;
    expect(() => onnxToTreeEnsemble(encodeModel(proto))).toThrow(/unsupported input 'features': expected a FLOAT tensor, found DOUBLE tensor/);
  });

  it('rejects a feature id beyond the declared input width', () => {
    const proto = decodeModel(ours());
    proto.graph!.input![0].type!.tensorType!.shape!.dim![1] = { dimValue: 1 };
    expect(() => onnxToTreeEnsemble(encodeModel(proto))).toThrow(/uses feature \d+ but input 'features' has only 1 features/);
  });
});
