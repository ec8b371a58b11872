/** @module Read a binary ONNX TreeEnsembleClassifier graph back into a TreeEnsemble, refusing what it cannot reproduce exactly. */
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';
import { decodeModel, NodeAttributes, onnx, toNumber } from './onnx-proto.ts';
import type { OnnxTypes } from './onnx-proto.ts';
import { readTrees } from './read-trees.ts';

/** What `onnxToTreeEnsemble` found in the graph. */
export interface OnnxTreeEnsemble {
  model: TreeEnsemble;
  inputName: string;
  /** Graph outputs in order. */
  outputNames: string[];
  labelOutput: string;
  probabilityOutput: string;
  /** Whether numFeatures came from the input shape (true) or from the options / highest feature id (false). */
  numFeaturesDeclared: boolean;
  classLabels: (number | string)[];
  producerName: string;
  docString: string;
  metadata: Record<string, string>;
}

/** Options of `onnxToTreeEnsemble`. */
export interface OnnxToTreeEnsembleOptions {
  /** Feature count to use when the input shape leaves it symbolic (e.g. skl2onnx models). */
  numFeatures?: number;
}

const ML = 'ai.onnx.ml';
const SUPPORTED_ATTRIBUTES = new Set([
  'base_values', 'class_ids', 'class_nodeids', 'class_treeids', 'class_weights', 'classlabels_int64s',
  'classlabels_strings', 'nodes_falsenodeids', 'nodes_featureids', 'nodes_hitrates', 'nodes_missing_value_tracks_true',
  'nodes_modes', 'nodes_nodeids', 'nodes_treeids', 'nodes_truenodeids', 'nodes_values', 'post_transform', 'aggregate_function',
]);

/** Decode ONNX bytes holding a single binary TreeEnsembleClassifier (LOGISTIC, tensor probabilities) into a TreeEnsemble. */
export function onnxToTreeEnsemble(bytes: Uint8Array, options: OnnxToTreeEnsembleOptions = {}): OnnxTreeEnsemble {
  const proto = decodeModel(bytes);
  const graph = proto.graph!;
  const node = findClassifier(graph);
  const where = `node '${node.name || '(unnamed)'}'`;
  const attrs = new NodeAttributes(node);
  for (const name of attrs.names()) {
    if (SUPPORTED_ATTRIBUTES.has(name)) continue;
    // ORT 1.30 reads thresholds in the input's type and fails to unpack a DOUBLE tensor for a float input.
    const tensorType = node.attribute?.find((a) => a.name === name)?.t?.dataType;
    const ortToo = tensorType === onnx.TensorProto.DataType.DOUBLE ? ': ONNX Runtime 1.30 does not load DOUBLE ones with a float input either' : '';
    const why = name.endsWith('_as_tensor') ? ` (tensor-valued attributes are not supported for float inputs${ortToo})` : '';
    throw new Error(`unsupported attribute '${name}' on ${where}${why}`);
  }
  const post = attrs.string('post_transform', 'NONE');
  if (post !== 'LOGISTIC') throw new Error(`unsupported post_transform '${post}' on ${where}: only LOGISTIC is supported`);
  const aggregate = attrs.string('aggregate_function', 'SUM');
  if (aggregate !== 'SUM') throw new Error(`unsupported aggregate_function '${aggregate}' on ${where}: only SUM is supported`);
  const classLabels: (number | string)[] = attrs.has('classlabels_strings') ? attrs.strings('classlabels_strings') : attrs.ints('classlabels_int64s');
  if (classLabels.length !== 2) {
    throw new Error(`unsupported ${where}: ${classLabels.length} class labels (multiclass is not supported; expected a binary classifier with 2)`);
  }

  const input = checkInput(graph, node);
  const trees = readTrees(attrs, where);
  const baseScore = readBaseScore(attrs, where);
  let maxFeature = -1; // a loop, not Math.max(...spread): large ensembles exceed the argument limit
  for (const t of trees) t.feature.forEach((v, i) => { if (t.left[i] !== -1 && v > maxFeature) maxFeature = v; });
  const numFeatures = input.declared ?? options.numFeatures ?? maxFeature + 1;
  if (input.declared !== undefined && options.numFeatures !== undefined && options.numFeatures !== input.declared) {
    throw new Error(`numFeatures option ${options.numFeatures} contradicts input '${input.name}', which declares ${input.declared} features`);
  }
  if (maxFeature >= numFeatures) {
    throw new Error(`${where} uses feature ${maxFeature} but input '${input.name}' has only ${numFeatures} features`);
  }

  const [labelOutput, probabilityOutput] = node.output ?? [];
  const outputNames = (graph.output ?? []).map((o) => o.name ?? '');
  if (!probabilityOutput || !outputNames.includes(probabilityOutput)) {
    throw new Error(`${where}: its probability tensor '${probabilityOutput ?? ''}' is not a graph output (outputs: ${outputNames.join(', ')})`);
  }
  return {
    model: { numFeatures, baseScore, trees },
    inputName: input.name,
    outputNames,
    labelOutput: labelOutput ?? '',
    probabilityOutput,
    numFeaturesDeclared: input.declared !== undefined,
    classLabels,
    producerName: proto.producerName ?? '',
    docString: proto.docString ?? '',
    metadata: Object.fromEntries((proto.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

/** The graph must be exactly one ai.onnx.ml TreeEnsembleClassifier; name everything else that is there. */
function findClassifier(graph: OnnxTypes.IGraphProto): OnnxTypes.INodeProto {
  const nodes = graph.node ?? [];
  const isClassifier = (n: OnnxTypes.INodeProto) => n.opType === 'TreeEnsembleClassifier' && n.domain === ML;
  const classifiers = nodes.filter(isClassifier);
  const others = nodes.filter((n) => !isClassifier(n));
  if (classifiers.length === 1 && others.length === 0) return classifiers[0];
  const describe = (n: OnnxTypes.INodeProto) => {
    const label = `'${n.name || '(unnamed)'}' (${n.domain ? `${n.domain}.` : ''}${n.opType})`;
    return n.opType === 'ZipMap'
      ? `${label}: ZipMap outputs a sequence of maps, which onnxruntime-node cannot return; export with zipmap=False`
      : label;
  };
  if (classifiers.length === 0) {
    throw new Error(`unsupported graph: no ai.onnx.ml TreeEnsembleClassifier node (found ${nodes.map(describe).join(', ') || 'no nodes'})`);
  }
  if (classifiers.length > 1) throw new Error(`unsupported graph: ${classifiers.length} TreeEnsembleClassifier nodes, expected 1`);
  throw new Error(`unsupported graph: expected only a TreeEnsembleClassifier, also found ${others.map(describe).join('; ')}`);
}

/** The classifier must read the single graph input, a float tensor of rank 2 (or of unknown shape). */
function checkInput(graph: OnnxTypes.IGraphProto, node: OnnxTypes.INodeProto): { name: string; declared?: number } {
  const inputs = graph.input ?? [];
  const name = node.input?.[0] ?? '';
  const input = inputs.find((i) => i.name === name);
  if (inputs.length !== 1 || !input) {
    throw new Error(`unsupported graph: expected one input feeding the classifier, found ${inputs.map((i) => `'${i.name}'`).join(', ') || 'none'}`);
  }
  const tensor = input.type?.tensorType;
  const elem = tensor?.elemType ?? 0;
  if (!tensor || elem !== onnx.TensorProto.DataType.FLOAT) {
    const found = tensor ? `${onnx.TensorProto.DataType[elem] ?? elem} tensor` : 'a non-tensor value';
    throw new Error(`unsupported input '${name}': expected a FLOAT tensor, found ${found}`);
  }
  const dims = tensor.shape?.dim;
  if (dims && dims.length !== 2) throw new Error(`unsupported input '${name}': expected rank 2 [N, features], found rank ${dims.length}`);
  const width = dims?.[1]?.dimValue;
  const declared = width === null || width === undefined ? undefined : toNumber(width);
  return { name, declared: declared !== undefined && declared > 0 ? declared : undefined };
}

/**
 * Mirror ONNX Runtime 1.30's binary case: weights on class 0 take one base value (added to the margin);
 * weights on class 1 make ORT ignore a single base value and discard the tree sum given two, so
 * those combinations are refused unless the base values are zero.
 */
function readBaseScore(attrs: NodeAttributes, where: string): number {
  const ids = new Set(attrs.ints('class_ids'));
  const base = attrs.floats('base_values');
  if (ids.size !== 1) throw new Error(`unsupported ${where}: class_ids use classes {${[...ids].join(', ')}}; expected every weight on one class`);
  const classId = [...ids][0];
  if (classId === 0) {
    if (base.length > 1) throw new Error(`unsupported ${where}: ${base.length} base_values with weights on class 0; ONNX Runtime only honours one`);
    return Math.fround(base[0] ?? 0);
  }
  if (classId === 1) {
    if (base.some((b) => b !== 0)) {
      throw new Error(`unsupported ${where}: base_values [${base.join(', ')}] with weights on class 1; ONNX Runtime ignores one base value and drops the tree sum with two`);
    }
    return 0;
  }
  throw new Error(`unsupported ${where}: class_ids refer to class ${classId}, outside the 2 labels`);
}
