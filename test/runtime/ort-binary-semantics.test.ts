/** @module Pins down how ONNX Runtime 1.30 evaluates a binary TreeEnsembleClassifier: the facts the writer's encoding rests on. */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, floatsAttr, NodeAttributes } from '../../src/onnx/onnx-proto.ts';
import type { OnnxTypes } from '../../src/onnx/onnx-proto.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { leafIndex, margin, sigmoid } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { randomEnsemble, randomRows } from '../helpers/random-ensemble.ts';

const model = randomEnsemble({ seed: 7, numTrees: 200 });
const numRows = 2000;
const rows = Float32Array.from(randomRows(model, numRows, 3));
const f = model.numFeatures;
const f32 = Math.fround;

const opened: OnnxScorer[] = [];
afterEach(async () => { await Promise.all(opened.splice(0).map((s) => s.release())); });

async function scoreWith(bytes: Uint8Array, intraOpNumThreads = 1): Promise<Float32Array> {
  const scorer = await OnnxScorer.load(bytes, { intraOpNumThreads });
  opened.push(scorer);
  return scorer.score(rows, numRows);
}

/** The writer's output with the classifier node edited. */
function variant(edit: (node: OnnxTypes.INodeProto, attrs: NodeAttributes) => void): Uint8Array {
  const proto = decodeModel(treeEnsembleToOnnx(model));
  const node = proto.graph!.node![0];
  edit(node, new NodeAttributes(node));
  return encodeModel(proto);
}
const replace = (node: OnnxTypes.INodeProto, attr: OnnxTypes.IAttributeProto) => {
  node.attribute = [...node.attribute!.filter((a) => a.name !== attr.name), attr];
};
const weightsOnClass1 = (node: OnnxTypes.INodeProto) => {
  (node.attribute!.find((a) => a.name === 'class_ids')!.ints as number[]).fill(1);
};

/** Share of rows where ORT equals `expected(row)` bit for bit, and the largest difference. */
function agreement(ort: Float32Array, expected: (row: number) => number) {
  let same = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < numRows; i++) {
    const e = expected(i);
    if (ort[i] === e) same++;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ort[i] - e));
  }
  return { share: same / numRows, maxAbsDiff };
}
const withBase = (i: number) => sigmoid(margin(model, rows, i * f));
const withoutBase = (i: number) => sigmoid(margin({ ...model, baseScore: 0 }, rows, i * f));

/** ORT's margin with k threads: trees split into k contiguous blocks (ThreadPool::PartitionWork), block sums added in order. */
function blockedMargin(m: TreeEnsemble, row: number, k: number): number {
  const n = m.trees.length;
  const per = Math.floor(n / k);
  const extra = n % k;
  let total = 0;
  for (let b = 0; b < k; b++) {
    const start = b < extra ? b * (per + 1) : b * per + extra;
    const end = start + (b < extra ? per + 1 : per);
    let block = 0;
    for (let t = start; t < end; t++) block = f32(block + m.trees[t].value[leafIndex(m.trees[t], rows, row * f)]);
    total = b === 0 ? block : f32(total + block);
  }
  return f32(total + m.baseScore);
}

describe('ONNX Runtime 1.30, binary TreeEnsembleClassifier with float input', () => {
  it('weights on class 0 + one base value: p1 = logistic(float32 sum of leaves + base)  ← the encoding we write', async () => {
    const { share, maxAbsDiff } = agreement(await scoreWith(treeEnsembleToOnnx(model)), withBase);
    expect(maxAbsDiff).toBeLessThanOrEqual(1.2e-7);
    expect(share).toBeGreaterThanOrEqual(0.999);
  });

  it('weights on class 1 + one base value: the base value is ignored', async () => {
    const ort = await scoreWith(variant(weightsOnClass1));
    expect(agreement(ort, withoutBase).maxAbsDiff).toBeLessThanOrEqual(1.2e-7);
    expect(agreement(ort, withBase).maxAbsDiff).toBeGreaterThan(0.1);
  });

  it('weights on class 1 + two base values: the tree sum is dropped and p1 = logistic(base[1]) for every row', async () => {
    const ort = await scoreWith(variant((node) => {
      weightsOnClass1(node);
      replace(node, floatsAttr('base_values', [0, model.baseScore]));
    }));
    expect(agreement(ort, () => sigmoid(model.baseScore)).maxAbsDiff).toBeLessThanOrEqual(1.2e-7);
  });

  it('weights on class 0 without base values: p1 = logistic(sum of leaves)', async () => {
    const ort = await scoreWith(variant((node) => { node.attribute = node.attribute!.filter((a) => a.name !== 'base_values'); }));
    expect(agreement(ort, withoutBase).maxAbsDiff).toBeLessThanOrEqual(1.2e-7);
  });

  it('with 2 intra-op threads and > 50 rows it sums two contiguous blocks of trees, then adds them', async () => {
    const ort = await scoreWith(treeEnsembleToOnnx(model), 2);
    const blocked = agreement(ort, (i) => sigmoid(blockedMargin(model, i, 2)));
    const sequential = agreement(ort, withBase);
    expect(blocked.share).toBeGreaterThanOrEqual(0.999);
    expect(sequential.share).toBeLessThan(blocked.share);
    expect(sequential.maxAbsDiff).toBeLessThanOrEqual(1e-6);
  });

  it('starts each tree at its first listed node, whatever the node ids say', async () => {
    const reversed = variant((node, attrs) => {
      const treeIds = attrs.ints('nodes_treeids');
      const order = treeIds.map((_, i) => i).sort((a, b) => treeIds[a] - treeIds[b] || b - a);
      for (const a of node.attribute!) {
        if (!a.name!.startsWith('nodes_')) continue;
        if (a.ints && a.ints.length > 0) a.ints = order.map((i) => (a.ints as number[])[i]);
        if (a.floats && a.floats.length > 0) a.floats = order.map((i) => a.floats![i]);
        if (a.strings && a.strings.length > 0) a.strings = order.map((i) => a.strings![i]);
      }
    });
    expect(agreement(await scoreWith(reversed), withBase).maxAbsDiff).toBeGreaterThan(0.01);
  });
});
