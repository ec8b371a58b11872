/** @module ONNX TreeEnsembleClassifier files (skl2onnx, onnxmltools) → TreeEnsemble, with no-ops and ZipMap removed and unservable graphs refused. */
import { onnxToTreeEnsemble } from '../onnx/onnx-to-tree-ensemble.ts';
import { decodeModel, encodeModel, NodeAttributes, onnx, toNumber } from '../onnx/onnx-proto.ts';
import type { OnnxTypes } from '../onnx/onnx-proto.ts';
import { ImportError, type ImportedModel } from './imported-model.ts';
import { followProbabilityPath, nodeName } from './onnx-probability-path.ts';

const ML = 'ai.onnx.ml';

/** Options of `parseOnnxClassifier`. */
export interface OnnxImportOptions {
  /** Input width when the graph leaves it symbolic (skl2onnx writes [None, None]). */
  numFeatures?: number;
  /** The class label that means "true positive"; needed unless the labels are the integers 0 and 1. */
  positiveLabel?: string;
}

/** The graph reduced to its classifier, with the probability tensor as a graph output. */
export interface ExposedClassifier {
  bytes: Uint8Array;
  classLabels: (number | string)[];
  /** No-ops taken off the path (e.g. "ZipMap 'ZipMap' (ai.onnx.ml.ZipMap) on 'probability_tensor'"). */
  removed: string[];
  /** Nodes off the path from the input to the probabilities, dropped unexamined (e.g. the label's Cast). */
  ignored: string[];
}

/**
 * Rewrite a graph so ONNX Runtime in Node can return its probabilities: keep only the
 * TreeEnsembleClassifier, reading the graph input directly, and make its probability tensor a
 * graph output. The path from the input to the probabilities may hold only no-ops
 * (`followProbabilityPath`); multi-class models are refused, saying what and why.
 */
export function exposeProbabilities(bytes: Uint8Array, file: string): ExposedClassifier {
  let proto: OnnxTypes.ModelProto;
  try {
    proto = decodeModel(bytes);
  } catch (err) {
    throw new ImportError(file, '', (err as Error).message);
  }
  const graph = proto.graph!;
  const nodes = graph.node ?? [];
  const isClassifier = (n: OnnxTypes.INodeProto) => n.opType === 'TreeEnsembleClassifier' && (n.domain ?? '') === ML;
  const classifiers = nodes.filter(isClassifier);
  if (classifiers.length !== 1) {
    const found = nodes.map(nodeName).join(', ') || 'no nodes';
    throw new ImportError(file, 'graph', classifiers.length === 0
      ? `no ai.onnx.ml TreeEnsembleClassifier (found ${found}); winnow serves binary tree-ensemble classifiers only`
      : `${classifiers.length} TreeEnsembleClassifier nodes; winnow serves one classifier per model`);
  }
  const node = classifiers[0];
  const where = `node ${nodeName(node)}`;
  const attrs = new NodeAttributes(node);
  const classLabels: (number | string)[] = attrs.has('classlabels_strings') ? attrs.strings('classlabels_strings') : attrs.ints('classlabels_int64s');
  if (classLabels.length !== 2) {
    throw new ImportError(file, where, `multi-class model (${classLabels.length} classes: ${classLabels.join(', ')}); winnow scores one probability of a true positive, so it serves binary classifiers only`);
  }
  const path = followProbabilityPath(graph, node, file);
  const [labelOut, probaOut] = node.output ?? [];
  const T = onnx.TensorProto.DataType;
  const labelType = typeof classLabels[0] === 'string' ? T.STRING : T.INT64;
  const n = { dimParam: 'N' };
  // Skipping no-ops before it, the classifier reads the graph input itself.
  if (node.input?.[0] !== path.input.name) node.input = [path.input.name ?? '', ...(node.input ?? []).slice(1)];
  graph.node = [node];
  graph.input = [path.input];
  graph.initializer = [];
  graph.valueInfo = [];
  graph.output = [
    { name: labelOut, type: { tensorType: { elemType: labelType, shape: { dim: [n] } } } },
    { name: probaOut, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [n, { dimValue: 2 }] } } } },
  ];
  // A fixed batch size (onnxmltools writes [1, F]) would stop batch scoring; the width stays.
  const dims = path.input.type?.tensorType?.shape?.dim;
  if (dims && dims.length === 2) dims[0] = { dimParam: 'N' };
  return { bytes: encodeModel(proto), classLabels, removed: path.removed, ignored: path.ignored };
}

/**
 * Parse a binary TreeEnsembleClassifier graph into a TreeEnsemble whose probability is that of the
 * positive label: the second class as written, or the first (margin negated) when `positiveLabel` names it.
 */
export function parseOnnxClassifier(bytes: Uint8Array, file: string, options: OnnxImportOptions = {}): ImportedModel {
  const exposed = exposeProbabilities(bytes, file);
  const proto = decodeModel(bytes);
  let read;
  try {
    read = onnxToTreeEnsemble(exposed.bytes, { numFeatures: options.numFeatures });
  } catch (err) {
    throw new ImportError(file, '', (err as Error).message);
  }
  if (!read.numFeaturesDeclared && options.numFeatures === undefined) {
    throw new ImportError(file, `input '${read.inputName}'`, 'does not declare how many features it reads; give --features with one name per input column, in order');
  }
  const labels = exposed.classLabels.map(String);
  const positive = pickPositive(labels, exposed.classLabels, options.positiveLabel, file);
  const model = read.model;
  if (positive === 0) {
    // sigmoid(-m) = 1 - sigmoid(m): the first class's probability.
    model.baseScore = -model.baseScore;
    for (const tree of model.trees) tree.value = tree.value.map((v, i) => (tree.left[i] === -1 ? -v : 0));
  }
  const producer = [proto.producerName, proto.producerVersion].filter(Boolean).join(' ') || 'unknown producer';
  const opset = (proto.opsetImport ?? []).find((o) => o.domain === ML);
  return {
    tool: 'onnx',
    model,
    formatVersion: `${producer}, IR ${toNumber(proto.irVersion)}, ai.onnx.ml opset ${toNumber(opset?.version ?? 0)}`,
    objective: 'TreeEnsembleClassifier LOGISTIC',
    details: { classLabels: labels.join(','), positiveLabel: labels[positive], numTrees: model.trees.length },
    notes: [
      ...exposed.removed.map((r) => `removed ${r}`),
      ...exposed.ignored.map((r) => `ignored ${r} (not on the path from the input to the probabilities)`),
      `the score is the probability of class '${labels[positive]}'${positive === 0 ? ' (the first class: margins negated)' : ''}`,
    ],
  };
}

function pickPositive(labels: string[], raw: (number | string)[], wanted: string | undefined, file: string): 0 | 1 {
  if (wanted !== undefined) {
    const k = labels.indexOf(wanted);
    if (k === -1) throw new ImportError(file, 'classifier', `--positive-label '${wanted}' is not one of its class labels (${labels.join(', ')})`);
    return k as 0 | 1;
  }
  if (raw[0] === 0 && raw[1] === 1) return 1;
  throw new ImportError(file, 'classifier', `class labels are ${labels.map((l) => `'${l}'`).join(' and ')}, not 0 and 1; say which one is a true positive with --positive-label`);
}
