/**
 * @module ONNX import follows the graph from the input to the probabilities, on the layout
 * onnxmltools gives a binary LightGBM classifier (TreeEnsembleClassifier → Identity → ZipMap, and
 * → Identity → Cast for the label). The fixture is built by make_onnxmltools_lightgbm.py with
 * onnx.helper from the real LightGBM breast-cancer model (onnxmltools itself is not installable
 * here); the reference is ONNX Runtime running that original graph, read before its ZipMap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ImportError, parseModel } from '../../src/import/index.ts';
import { decodeModel, encodeModel, intAttr, onnx, type OnnxTypes } from '../../src/onnx/onnx-proto.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import { breastCancer, localFixture, maxAbsDiff, readBytes } from './fixtures.ts';

const T = onnx.TensorProto.DataType;
const original = readBytes(localFixture('onnxmltools-lightgbm-binary-zipmap.onnx'));
const file = 'lgbm.onnx';

const opened: OnnxScorer[] = [];
afterEach(async () => { await Promise.all(opened.splice(0).map((s) => s.release())); });
async function score(bytes: Uint8Array, x: Float32Array, probabilityOutput?: string): Promise<Float32Array> {
  const scorer = await OnnxScorer.load(bytes, { numFeatures: 30, probabilityOutput });
  opened.push(scorer);
  return scorer.score(x, x.length / 30);
}

/** The original graph, all nodes kept, with the tensor ZipMap reads also exposed (ORT cannot return ZipMap's output). */
function withPreZipMapOutput(bytes: Uint8Array, tensor = 'output_probability'): Uint8Array {
  const proto = decodeModel(bytes);
  proto.graph!.output!.push({ name: tensor, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } } });
  return encodeModel(proto);
}

/** Edit a copy of the fixture graph. */
function edited(edit: (graph: OnnxTypes.IGraphProto) => void): Uint8Array {
  const proto = decodeModel(original);
  edit(proto.graph!);
  return encodeModel(proto);
}
const node = (g: OnnxTypes.IGraphProto, name: string) => g.node!.find((n) => n.name === name)!;

/** The breast-cancer rows, then rows of each tree threshold and its float32 neighbours, with NaN. */
function rows(): Float32Array {
  const base = breastCancer().rows;
  const thresholds = decodeModel(original).graph!.node![0].attribute!.find((a) => a.name === 'nodes_values')!.floats!;
  const out = base.flat();
  let k = 0;
  for (let r = 0; r < 2000; r++) {
    for (let f = 0; f < 30; f++) {
      const t = Math.fround(thresholds[(k += 7919) % thresholds.length]);
      out.push(k % 11 === 0 ? NaN : k % 3 === 0 ? t : k % 3 === 1 ? Math.fround(t * (1 + 1e-7)) : base[r % base.length][f]);
    }
  }
  return Float32Array.from(out);
}

describe('ONNX import of the onnxmltools LightGBM layout', () => {
  it('ONNX Runtime 1.30 loads the original graph (IR 8, ai.onnx.ml opset 1) and scores through it', async () => {
    const p = await score(withPreZipMapOutput(original), rows());
    expect(p.length).toBe(2057);
  });

  it('imports: Identity and ZipMap on the path are dropped, the label branch is ignored, and the trees score as ONNX Runtime scores the original', async () => {
    const imported = parseModel('onnx', original, file);
    expect(imported.model.trees).toHaveLength(39);
    expect(imported.notes).toEqual([
      "removed Identity 'Identity1' (Identity) on 'probability_tensor'",
      "removed ZipMap 'ZipMap' (ai.onnx.ml.ZipMap) on 'output_probability'",
      "ignored Identity 'Identity' (Identity) on 'label_tensor' (not on the path from the input to the probabilities)",
      "ignored Cast 'Cast' (Cast) on 'output_label' (not on the path from the input to the probabilities)",
      "the score is the probability of class '1'",
    ]);
    const x = rows();
    const reference = await score(withPreZipMapOutput(original), x, 'output_probability');
    // measured: 0 (bit for bit) on all 2,057 rows, through ONNX Runtime on winnow's export and through the TS evaluator
    expect(maxAbsDiff(await score(treeEnsembleToOnnx(imported.model), x), reference)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(predictProba(imported.model, x), reference)).toBeLessThanOrEqual(1e-6);
  });

  it('accepts a Cast to FLOAT on the path and an Identity before the classifier, and ignores nodes off the path', async () => {
    const bytes = edited((g) => {
      const id1 = node(g, 'Identity1');
      id1.opType = 'Cast';
      id1.attribute = [intAttr('to', T.FLOAT)];
      node(g, 'LightGbmLGBMClassifier').input = ['input_copy'];
      g.node!.unshift({ name: 'CopyInput', opType: 'Identity', input: ['input'], output: ['input_copy'] });
      // Off the path: the input's shape as an extra output, and a Mul on the probabilities that reaches no output.
      g.node!.push({ name: 'InputShape', opType: 'Shape', input: ['input'], output: ['input_shape'] });
      g.output!.push({ name: 'input_shape', type: { tensorType: { elemType: T.INT64, shape: { dim: [{ dimValue: 2 }] } } } });
      g.node!.push({ name: 'Unused', opType: 'Mul', input: ['probability_tensor', 'probability_tensor'], output: ['squared'] });
    });
    const imported = parseModel('onnx', bytes, file);
    expect(imported.notes.filter((n) => n.startsWith('removed'))).toEqual([
      "removed Identity 'CopyInput' (Identity) on 'input'",
      "removed Cast 'Identity1' (Cast) on 'probability_tensor'",
      "removed ZipMap 'ZipMap' (ai.onnx.ml.ZipMap) on 'output_probability'",
    ]);
    expect(imported.notes.filter((n) => n.startsWith('ignored')).map((n) => n.split(' ')[2])).toEqual(["'Identity'", "'Cast'", "'InputShape'", "'Unused'"]);
    const x = rows();
    const reference = await score(withPreZipMapOutput(bytes), x, 'output_probability');
    expect(maxAbsDiff(await score(treeEnsembleToOnnx(imported.model), x), reference)).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    {
      name: 'a Mul between the probabilities and ZipMap',
      edit: (g: OnnxTypes.IGraphProto) => {
        node(g, 'ZipMap').input = ['scaled'];
        g.node!.splice(3, 0, { name: 'Scale', opType: 'Mul', input: ['output_probability', 'output_probability'], output: ['scaled'] });
      },
      want: "lgbm.onnx node 'Scale' (Mul): unsupported operator on the path from the probabilities 'probability_tensor' to a graph output: winnow serves the classifier's probability as it is (it drops only Identity, a Cast to FLOAT and a final ZipMap there)",
    },
    {
      name: 'a Cast of the probabilities to DOUBLE',
      edit: (g: OnnxTypes.IGraphProto) => {
        const id1 = node(g, 'Identity1');
        id1.opType = 'Cast';
        id1.attribute = [intAttr('to', T.DOUBLE)];
      },
      want: "lgbm.onnx node 'Identity1' (Cast): Cast to DOUBLE changes the probabilities' type (FLOAT); winnow only drops a Cast to the same type",
    },
    {
      name: 'a Cast of a DOUBLE input to FLOAT before the classifier',
      edit: (g: OnnxTypes.IGraphProto) => {
        g.input![0].type!.tensorType!.elemType = T.DOUBLE;
        node(g, 'LightGbmLGBMClassifier').input = ['input_float'];
        g.node!.unshift({ name: 'ToFloat', opType: 'Cast', input: ['input'], output: ['input_float'], attribute: [intAttr('to', T.FLOAT)] });
      },
      want: "lgbm.onnx node 'ToFloat' (Cast): Cast to FLOAT changes the input's type (DOUBLE) before the classifier; winnow only drops a Cast to the same type",
    },
    {
      name: 'a ZipMap that is not the last node',
      edit: (g: OnnxTypes.IGraphProto) => {
        node(g, 'ZipMap').output = ['zipped'];
        g.node!.push({ name: 'Copy', opType: 'Identity', input: ['zipped'], output: ['probabilities'] });
      },
      want: "lgbm.onnx node 'ZipMap' (ai.onnx.ml.ZipMap): a ZipMap that feeds further nodes; winnow only drops a ZipMap whose output is the graph output",
    },
    {
      name: 'probabilities that reach no graph output',
      edit: (g: OnnxTypes.IGraphProto) => { g.output = g.output!.filter((o) => o.name === 'label'); },
      want: "lgbm.onnx node 'LightGbmLGBMClassifier' (ai.onnx.ml.TreeEnsembleClassifier): its probability tensor 'probability_tensor' reaches no graph output",
    },
  ])('refuses $name, naming the node and its operator', ({ edit, want }) => {
    const run = () => parseModel('onnx', edited(edit), file);
    expect(run).toThrow(ImportError);
    expect(run).toThrow(want);
  });
});
