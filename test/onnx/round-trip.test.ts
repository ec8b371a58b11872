/** @module Round trips: TreeEnsemble → ONNX → TreeEnsemble, including reordered nodes and converted branch modes. */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, NodeAttributes } from '../../src/onnx/onnx-proto.ts';
import type { OnnxTypes } from '../../src/onnx/onnx-proto.ts';
import { onnxToTreeEnsemble } from '../../src/onnx/onnx-to-tree-ensemble.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import { mulberry32, randomEnsemble, randomRows, withMixedBranchModes } from '../helpers/random-ensemble.ts';

const model = randomEnsemble({ seed: 42 });
const rows = randomRows(model, 2000, 9);

/** Rewrite the classifier's attributes in place: `edit` gets (name → attribute) and the node count. */
function editClassifier(bytes: Uint8Array, edit: (attr: (name: string) => OnnxTypes.IAttributeProto) => void): Uint8Array {
  const proto = decodeModel(bytes);
  const node = proto.graph!.node![0];
  edit((name) => node.attribute!.find((a) => a.name === name)!);
  return encodeModel(proto);
}

describe('onnxToTreeEnsemble(treeEnsembleToOnnx(model))', () => {
  it('gives back the same ensemble: structure, float32 thresholds, leaf values, cover and base score', () => {
    const back = onnxToTreeEnsemble(treeEnsembleToOnnx(model));
    expect(back.model).toEqual(model);
    expect(predictProba(back.model, rows)).toEqual(predictProba(model, rows));
  });

  it('reports input, outputs, labels and metadata', () => {
    const back = onnxToTreeEnsemble(treeEnsembleToOnnx(model, { inputName: 'x', metadata: { k: 'v' }, docString: 'd' }));
    expect(back).toMatchObject({
      inputName: 'x', outputNames: ['label', 'probabilities'], labelOutput: 'label', probabilityOutput: 'probabilities',
      numFeaturesDeclared: true, classLabels: [0, 1], producerName: 'winnow', docString: 'd', metadata: { k: 'v' },
    });
  });

  it('maps arbitrary node ids listed in any order (root first) to the same trees', () => {
    const rand = mulberry32(5);
    const bytes = editClassifier(treeEnsembleToOnnx(model), (attr) => {
      const treeIds = attr('nodes_treeids').ints as number[];
      // A permutation of positions that keeps each tree contiguous with its root first.
      const order: number[] = [];
      for (let start = 0; start < treeIds.length;) {
        let end = start;
        while (end < treeIds.length && treeIds[end] === treeIds[start]) end++;
        const rest = Array.from({ length: end - start - 1 }, (_, k) => start + 1 + k).sort(() => rand() - 0.5);
        order.push(start, ...rest);
        start = end;
      }
      for (const name of ['nodes_treeids', 'nodes_nodeids', 'nodes_featureids', 'nodes_truenodeids', 'nodes_falsenodeids', 'nodes_missing_value_tracks_true']) {
        const a = attr(name);
        a.ints = order.map((i) => (a.ints as number[])[i]);
      }
      for (const name of ['nodes_values', 'nodes_hitrates']) attr(name).floats = order.map((i) => attr(name).floats![i]);
      attr('nodes_modes').strings = order.map((i) => attr('nodes_modes').strings![i]);
      // Node ids become 1000 + 7·id: nothing may assume ids are 0..n-1.
      const renumber = (name: string) => { attr(name).ints = (attr(name).ints as number[]).map((id) => 1000 + 7 * id); };
      ['nodes_nodeids', 'nodes_truenodeids', 'nodes_falsenodeids', 'class_nodeids'].forEach(renumber);
    });
    const back = onnxToTreeEnsemble(bytes).model;
    expect(back.trees.map((t) => t.left.length)).toEqual(model.trees.map((t) => t.left.length));
    expect(predictProba(back, rows)).toEqual(predictProba(model, rows));
  });

  it('converts BRANCH_LT, BRANCH_GT and BRANCH_GTE exactly for float32 inputs', () => {
    const bytes = withMixedBranchModes(treeEnsembleToOnnx(model));
    const modes = new NodeAttributes(decodeModel(bytes).graph!.node![0]).strings('nodes_modes');
    expect(new Set(modes)).toEqual(new Set(['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GT', 'BRANCH_GTE', 'LEAF']));
    const back = onnxToTreeEnsemble(bytes).model;
    expect(predictProba(back, rows)).toEqual(predictProba(model, rows));
  });

  it('infers numFeatures from the highest feature id when the input width is symbolic, or takes it from options', () => {
    const proto = decodeModel(treeEnsembleToOnnx(model));
    proto.graph!.input![0].type!.tensorType!.shape!.dim![1] = { dimParam: 'F' };
    const bytes = encodeModel(proto);
    const maxFeature = Math.max(...model.trees.flatMap((t) => t.feature.filter((_, i) => t.left[i] !== -1)));
    expect(onnxToTreeEnsemble(bytes).model.numFeatures).toBe(maxFeature + 1);
    expect(onnxToTreeEnsemble(bytes, { numFeatures: 40 })).toMatchObject({ numFeaturesDeclared: false, model: { numFeatures: 40 } });
  });
});
