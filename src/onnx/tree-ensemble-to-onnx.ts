/** @module Encode a TreeEnsemble as a binary ONNX TreeEnsembleClassifier that ONNX Runtime scores like src/trees/evaluate.ts. */
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';
import { encodeModel, floatsAttr, intsAttr, onnx, stringAttr, stringsAttr } from './onnx-proto.ts';
import { assertValidTree } from './validate-tree.ts';

/** ONNX IR version written; onnx-proto 8 knows IR 8, which ONNX Runtime 1.30 reads. */
export const IR_VERSION = 8;
/** Operator-set versions written: default domain and ai.onnx.ml. */
export const OPSETS = { default: 17, ml: 3 } as const;
/** Name of the int64 label output. */
export const LABEL_OUTPUT = 'label';
/** Name of the float [N, 2] probability output (a plain tensor, never ZipMap). */
export const PROBABILITY_OUTPUT = 'probabilities';

/** Options of `treeEnsembleToOnnx`. */
export interface TreeEnsembleToOnnxOptions {
  inputName?: string;
  producerName?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/**
 * Serialize a binary tree ensemble as an ONNX model: one float input [N, numFeatures], a
 * TreeEnsembleClassifier (ai.onnx.ml) with LOGISTIC post-transform, outputs `label` [N] and
 * `probabilities` [N, 2].
 *
 * Encoding (chosen by experiment with ONNX Runtime 1.30, see test/runtime/ort-binary-semantics.test.ts):
 * every leaf weight goes to class id 0 and the intercept is the single base value. ORT then
 * computes p1 = logistic(baseScore + sum of leaves) in float32. Weights on class id 1 would make
 * ORT ignore a single base value and drop the tree sum when given two. Read probabilities, not
 * `label`: ORT labels by margin > 0, but by margin > 0.5 when no leaf weight is negative.
 */
export function treeEnsembleToOnnx(
  model: TreeEnsemble,
  { inputName = 'features', producerName = 'winnow', docString, metadata = {} }: TreeEnsembleToOnnxOptions = {},
): Uint8Array {
  const { numFeatures } = model;
  if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`numFeatures must be a positive integer, got ${numFeatures}`);
  if (!Number.isFinite(model.baseScore)) throw new Error(`baseScore must be finite, got ${model.baseScore}`);
  model.trees.forEach((tree, t) => assertValidTree(tree, t, numFeatures));

  const n = {
    treeids: [] as number[], nodeids: [] as number[], featureids: [] as number[], modes: [] as string[],
    values: [] as number[], truenodeids: [] as number[], falsenodeids: [] as number[],
    missingTrue: [] as number[], hitrates: [] as number[],
  };
  const c = { treeids: [] as number[], nodeids: [] as number[], ids: [] as number[], weights: [] as number[] };
  // ORT needs at least one tree; a zero leaf adds exactly 0 to the margin.
  const trees = model.trees.length > 0 ? model.trees : [{ feature: [0], threshold: [0], left: [-1], right: [-1], missingLeft: [false], value: [0], cover: [0] }];
  trees.forEach((tree, t) => {
    // Node ids are array indices and the root (0) is listed first: ORT starts each tree at its first listed node.
    for (let i = 0; i < tree.left.length; i++) {
      const leaf = tree.left[i] === -1;
      n.treeids.push(t);
      n.nodeids.push(i);
      n.featureids.push(leaf ? 0 : tree.feature[i]);
      n.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      n.values.push(leaf ? 0 : tree.threshold[i]);
      n.truenodeids.push(leaf ? 0 : tree.left[i]);
      n.falsenodeids.push(leaf ? 0 : tree.right[i]);
      n.missingTrue.push(!leaf && tree.missingLeft[i] ? 1 : 0);
      // ORT ignores hit rates; they carry the node cover so a round trip keeps it.
      n.hitrates.push(tree.cover?.[i] ?? 0);
      if (leaf) {
        c.treeids.push(t);
        c.nodeids.push(i);
        c.ids.push(0);
        c.weights.push(tree.value[i]);
      }
    }
  });

  const attribute = [
    floatsAttr('base_values', [model.baseScore]),
    intsAttr('class_ids', c.ids),
    intsAttr('class_nodeids', c.nodeids),
    intsAttr('class_treeids', c.treeids),
    floatsAttr('class_weights', c.weights),
    intsAttr('classlabels_int64s', [0, 1]),
    intsAttr('nodes_falsenodeids', n.falsenodeids),
    intsAttr('nodes_featureids', n.featureids),
    floatsAttr('nodes_hitrates', n.hitrates),
    intsAttr('nodes_missing_value_tracks_true', n.missingTrue),
    stringsAttr('nodes_modes', n.modes),
    intsAttr('nodes_nodeids', n.nodeids),
    intsAttr('nodes_treeids', n.treeids),
    intsAttr('nodes_truenodeids', n.truenodeids),
    floatsAttr('nodes_values', n.values),
    stringAttr('post_transform', 'LOGISTIC'),
  ];
  const T = onnx.TensorProto.DataType;
  return encodeModel({
    irVersion: IR_VERSION,
    producerName,
    docString: docString ?? '',
    opsetImport: [
      { domain: '', version: OPSETS.default },
      { domain: 'ai.onnx.ml', version: OPSETS.ml },
    ],
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'winnow_tree_ensemble',
      node: [{
        name: 'TreeEnsembleClassifier',
        opType: 'TreeEnsembleClassifier',
        domain: 'ai.onnx.ml',
        input: [inputName],
        output: [LABEL_OUTPUT, PROBABILITY_OUTPUT],
        attribute,
      }],
      input: [{ name: inputName, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: numFeatures }] } } } }],
      output: [
        { name: LABEL_OUTPUT, type: { tensorType: { elemType: T.INT64, shape: { dim: [{ dimParam: 'N' }] } } } },
        { name: PROBABILITY_OUTPUT, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } } },
      ],
    },
  });
}
