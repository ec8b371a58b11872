/** @module The path an ONNX graph takes from its input through the classifier to the probabilities: no-ops on it are dropped, anything else on it is refused, nodes off it are ignored. */
import { onnx, toNumber } from '../onnx/onnx-proto.ts';
import type { OnnxTypes } from '../onnx/onnx-proto.ts';
import { ImportError } from './imported-model.ts';

type Node = OnnxTypes.INodeProto;
const T = onnx.TensorProto.DataType;
const ML = 'ai.onnx.ml';

/** What lies on and off the path from the graph input to the classifier's probabilities. */
export interface ProbabilityPath {
  /** The graph input the classifier reads, through no-ops only. */
  input: OnnxTypes.IValueInfoProto;
  /** No-op nodes on the path (Identity, a Cast to the same type, a final ZipMap), described for notes. */
  removed: string[];
  /** Nodes off the path (the label's Identity and Cast, say), described for notes. */
  ignored: string[];
}

/** `'name' (domain.Op)`, as every import error and note names a node. */
export const nodeName = (n: Node) => `'${n.name || '(unnamed)'}' (${n.domain ? `${n.domain}.` : ''}${n.opType})`;
const describe = (n: Node) => `${n.opType} ${nodeName(n)} on '${n.input?.[0] ?? ''}'`;
const typeName = (t: number) => T[t] ?? String(t);

/**
 * Follow `classifier`'s input back to a graph input and its probability tensor forward to every
 * graph output it reaches. Identity and a Cast to the type it already has change nothing, and a
 * ZipMap whose output is a graph output only repackages the tensor before it (onnxruntime-node
 * cannot return it anyway), so those are dropped; any other node on the path would change what
 * is served, so it is refused by name and operator. Nodes that reach no probability output are ignored.
 */
export function followProbabilityPath(graph: OnnxTypes.IGraphProto, classifier: Node, file: string): ProbabilityPath {
  const nodes = graph.node ?? [];
  const refuse = (n: Node, detail: string) => new ImportError(file, `node ${nodeName(n)}`, detail);
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);

  // Backwards: the classifier must read a graph input, through no-ops only.
  const inputs = new Map((graph.input ?? []).map((i) => [i.name ?? '', i]));
  const before: Node[] = [];
  let tensor = classifier.input?.[0] ?? '';
  while (!inputs.has(tensor)) {
    const n = producer.get(tensor);
    if (!n) throw refuse(classifier, `its input '${tensor}' is neither a graph input nor the output of a node`);
    if (!isIdentity(n) && !isCast(n)) {
      throw refuse(n, 'unsupported operator: it transforms the input before the classifier, and winnow feeds encoded features straight to the trees (fold it into the features, or export the classifier alone)');
    }
    before.push(n);
    tensor = n.input?.[0] ?? '';
  }
  const input = inputs.get(tensor)!;
  const inputType = input.type?.tensorType?.elemType ?? 0;
  for (const n of before) {
    const to = castTarget(n);
    if (to !== undefined && to !== inputType) {
      throw refuse(n, `Cast to ${typeName(to)} changes the input's type (${typeName(inputType)}) before the classifier; winnow only drops a Cast to the same type`);
    }
  }

  // Forwards: every node between the probability tensor and a graph output is on the path.
  const proba = classifier.output?.[1] ?? '';
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const onPath = nodesBetween(nodes, proba, outputs);
  const consumedOnPath = new Set([...onPath].flatMap((n) => n.input ?? []));
  if (!outputs.has(proba) && onPath.size === 0) {
    throw refuse(classifier, `its probability tensor '${proba}' reaches no graph output`);
  }
  const after: Node[] = [];
  for (const n of nodes) {
    if (!onPath.has(n)) continue;
    if (isZipMap(n)) {
      const out = n.output?.[0] ?? '';
      if (!outputs.has(out) || consumedOnPath.has(out)) throw refuse(n, 'a ZipMap that feeds further nodes; winnow only drops a ZipMap whose output is the graph output');
    } else if (isCast(n)) {
      // Every tensor before it on the path is the classifier's FLOAT probability, unchanged.
      const to = castTarget(n)!;
      if (to !== T.FLOAT) throw refuse(n, `Cast to ${typeName(to)} changes the probabilities' type (FLOAT); winnow only drops a Cast to the same type`);
    } else if (!isIdentity(n)) {
      throw refuse(n, `unsupported operator on the path from the probabilities '${proba}' to a graph output: winnow serves the classifier's probability as it is (it drops only Identity, a Cast to FLOAT and a final ZipMap there)`);
    }
    after.push(n);
  }

  const kept = new Set([classifier, ...before, ...after]);
  return {
    input,
    removed: [...before, ...after].map(describe),
    ignored: nodes.filter((n) => !kept.has(n)).map(describe),
  };
}

/** Nodes reachable from tensor `from` whose outputs lead on to one of `outputs`. */
function nodesBetween(nodes: Node[], from: string, outputs: Set<string>): Set<Node> {
  const reached = new Set<Node>();
  const tensors = new Set([from]);
  // ONNX lists nodes in topological order, so one pass reaches every descendant.
  for (const n of nodes) {
    if ((n.input ?? []).some((i) => tensors.has(i))) {
      reached.add(n);
      for (const o of n.output ?? []) tensors.add(o);
    }
  }
  const leadsOut = new Set<Node>();
  const needed = new Set([...outputs].filter((o) => tensors.has(o) && o !== from));
  for (const n of [...reached].reverse()) {
    if ((n.output ?? []).some((o) => needed.has(o))) {
      leadsOut.add(n);
      for (const i of n.input ?? []) needed.add(i);
    }
  }
  return leadsOut;
}

const isIdentity = (n: Node) => n.opType === 'Identity' && !n.domain;
const isCast = (n: Node) => n.opType === 'Cast' && !n.domain;
const isZipMap = (n: Node) => n.opType === 'ZipMap' && n.domain === ML;
const castTarget = (n: Node): number | undefined => (isCast(n) ? toNumber(n.attribute?.find((a) => a.name === 'to')?.i) : undefined);
