/**
 * @module The ONNX reader against ONNX Runtime itself on values equal to a threshold, for every
 * branch mode and awkward thresholds (signed zero, subnormal, FLT_MAX, infinity), and on double
 * thresholds, which ONNX Runtime 1.30 will not load for a float input.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, floatsAttr, onnx, type OnnxTypes, stringsAttr } from '../../src/onnx/onnx-proto.ts';
import { onnxToTreeEnsemble } from '../../src/onnx/onnx-to-tree-ensemble.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { leafIndex } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';

const MIN_SUB = 1.401298464324817e-45;
const FLT_MAX = 3.4028234663852886e38;
const next = (v: number, dir: 1 | -1): number => {
  if (v === 0) return dir * MIN_SUB;
  const b = new Float32Array([v]);
  new Int32Array(b.buffer)[0] += (v > 0) === (dir > 0) ? 1 : -1;
  return b[0];
};

/** One split on feature 0: leaf -1 on the true side, +1 on the false side, in the given mode. */
function stump(mode: string, threshold: number, missingTracksTrue: boolean): Uint8Array {
  const model: TreeEnsemble = {
    numFeatures: 1, baseScore: 0,
    trees: [{ feature: [0, 0, 0], threshold: [0, 0, 0], left: [1, -1, -1], right: [2, -1, -1], missingLeft: [missingTracksTrue, false, false], value: [0, -1, 1], cover: [0, 0, 0] }],
  };
  const proto = decodeModel(treeEnsembleToOnnx(model));
  const node = proto.graph!.node![0];
  const set = (attr: OnnxTypes.IAttributeProto) => { node.attribute = [...node.attribute!.filter((a) => a.name !== attr.name), attr]; };
  set(stringsAttr('nodes_modes', [mode, 'LEAF', 'LEAF']));
  set(floatsAttr('nodes_values', [threshold, 0, 0]));
  return encodeModel(proto);
}

const scorers: OnnxScorer[] = [];
afterAll(async () => { await Promise.all(scorers.map((s) => s.release())); });

describe('BRANCH_LEQ/LT/GT/GTE read back exactly as ONNX Runtime routes float32 values on and around the threshold', () => {
  const thresholds = [0, -0, Math.fround(0.1), Math.fround(12.37), -2, MIN_SUB, -MIN_SUB, FLT_MAX, -FLT_MAX, Infinity];
  const cases = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GT', 'BRANCH_GTE'].flatMap((mode) => thresholds.flatMap((t) => [true, false].map((tracks) => ({ mode, t, tracks }))));

  it.each(cases)('$mode at $t (NaN to true: $tracks)', async ({ mode, t, tracks }) => {
    const bytes = stump(mode, t, tracks);
    const scorer = await OnnxScorer.load(bytes);
    scorers.push(scorer);
    // next(±Infinity) is NaN: one more missing value, routed by nodes_missing_value_tracks_true like the other.
    const x = Float32Array.from([t, next(t, 1), next(t, -1), 0, -0, NaN, Infinity, -Infinity]);
    const ort = await scorer.score(x, x.length);
    const tree = onnxToTreeEnsemble(bytes).model.trees[0];
    // Leaf 1 (value -1) is the true branch: ORT's probability is below 0.5 exactly when it went there.
    const ours = Array.from(x, (v) => (leafIndex(tree, [v]) === tree.left[0] ? 'left' : 'right'));
    const theirs = Array.from(ort, (p) => (p < 0.5 ? 'true' : 'false'));
    const trueSide = (mode === 'BRANCH_LEQ' || mode === 'BRANCH_LT') ? 'left' : 'right';
    expect(ours.map((s) => (s === trueSide ? 'true' : 'false'))).toEqual(theirs);
  });
});

describe('double thresholds (nodes_values_as_tensor)', () => {
  const withDoubleThresholds = () => {
    const proto = decodeModel(stump('BRANCH_LEQ', 0, false));
    const node = proto.graph!.node![0];
    node.attribute = node.attribute!.filter((a) => a.name !== 'nodes_values');
    node.attribute.push({
      name: 'nodes_values_as_tensor', type: onnx.AttributeProto.AttributeType.TENSOR,
      t: { dims: [3], dataType: onnx.TensorProto.DataType.DOUBLE, doubleData: [0.1, 0, 0] },
    });
    return encodeModel(proto);
  };

  it('ONNX Runtime 1.30 refuses to load them for a float input', async () => {
    await expect(OnnxScorer.load(withDoubleThresholds())).rejects.toThrow(/could not unpack tensor attribute nodes_values_as_tensor/);
  });

  it('so the reader refuses them too, saying why', () => {
    expect(() => onnxToTreeEnsemble(withDoubleThresholds())).toThrow(
      "unsupported attribute 'nodes_values_as_tensor' on node 'TreeEnsembleClassifier' (tensor-valued attributes are not supported for float inputs: ONNX Runtime 1.30 does not load DOUBLE ones with a float input either)",
    );
  });
});
