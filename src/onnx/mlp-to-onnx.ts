/** @module Encode a trained dense network, preprocessing included, as an ONNX graph of standard (ai.onnx) ops only. */
import type { NetworkModel } from '../nn/train-network.ts';
import { encodeModel, intAttr, onnx, type OnnxTypes } from './onnx-proto.ts';
import { IR_VERSION, LABEL_OUTPUT, PROBABILITY_OUTPUT } from './tree-ensemble-to-onnx.ts';

/** Default-domain opset written; every op used exists unchanged there. */
export const NETWORK_OPSET = 17;

const T = onnx.TensorProto.DataType;
type Node = OnnxTypes.INodeProto;
type Tensor = OnnxTypes.ITensorProto;

const floats = (name: string, dims: number[], data: ArrayLike<number>): Tensor => ({ name, dims, dataType: T.FLOAT, floatData: Array.from(data) });
const int64s = (name: string, dims: number[], data: number[]): Tensor => ({ name, dims, dataType: T.INT64, int64Data: data });
const node = (opType: string, input: string[], output: string, attribute: OnnxTypes.IAttributeProto[] = []): Node => ({ name: output, opType, input, output: [output], attribute });

export interface NetworkToOnnxOptions {
  inputName?: string;
  producerName?: string;
  metadata?: Record<string, string>;
}

/**
 * Serialize a network so the bundle takes the same raw encoded rows [N, numFeatures] (NaN = missing) as
 * a GBDT bundle and returns `probabilities` [N, 2] = (1-p, p) and `label` [N] int64 = p > 0.5.
 * Preprocessing, in the order of src/nn/preprocess.ts: Where(IsNaN, mean) → Sub(mean) → Mul(1/std);
 * Equal(code, 0…w-1) → Cast for one-hot blocks; Cast(IsNaN) for indicators; then Concat.
 */
export function networkToOnnx(model: NetworkModel, { inputName = 'features', producerName = 'winnow', metadata = {} }: NetworkToOnnxOptions = {}): Uint8Array {
  const pre = model.preprocessing;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  const parts: string[] = [];
  const axis1 = [intAttr('axis', 1)];
  if (pre.numeric.length > 0) {
    const k = pre.numeric.length;
    inits.push(int64s('num_idx', [k], pre.numeric), floats('num_mean', [k], pre.mean), floats('num_inv_std', [k], pre.invStd));
    nodes.push(
      node('Gather', [inputName, 'num_idx'], 'num_raw', axis1),
      node('IsNaN', ['num_raw'], 'num_nan'),
      // Imputing the mean makes a missing value exactly 0 after standardising.
      node('Where', ['num_nan', 'num_mean', 'num_raw'], 'num_filled'),
      node('Sub', ['num_filled', 'num_mean'], 'num_centred'),
      node('Mul', ['num_centred', 'num_inv_std'], 'num_z'),
    );
    parts.push('num_z');
  }
  pre.oneHot.forEach(({ column, width }, i) => {
    inits.push(int64s(`cat${i}_idx`, [1], [column]), floats(`cat${i}_codes`, [width], Array.from({ length: width }, (_, c) => c)));
    // NaN equals no code, so a missing category is all zeros (its indicator says it was missing).
    nodes.push(
      node('Gather', [inputName, `cat${i}_idx`], `cat${i}_raw`, axis1),
      node('Equal', [`cat${i}_raw`, `cat${i}_codes`], `cat${i}_eq`),
      node('Cast', [`cat${i}_eq`], `cat${i}_onehot`, [intAttr('to', T.FLOAT)]),
    );
    parts.push(`cat${i}_onehot`);
  });
  if (pre.indicators.length > 0) {
    inits.push(int64s('ind_idx', [pre.indicators.length], pre.indicators));
    nodes.push(
      node('Gather', [inputName, 'ind_idx'], 'ind_raw', axis1),
      node('IsNaN', ['ind_raw'], 'ind_nan'),
      node('Cast', ['ind_nan'], 'ind', [intAttr('to', T.FLOAT)]),
    );
    parts.push('ind');
  }
  nodes.push(node('Concat', parts, 'h0', axis1));
  let h = 'h0';
  model.layers.forEach((layer, l) => {
    inits.push(floats(`W${l}`, [layer.inputs, layer.outputs], layer.weights), floats(`b${l}`, [layer.outputs], layer.bias));
    const last = l === model.layers.length - 1;
    nodes.push(node('MatMul', [h, `W${l}`], `h${l}_mm`), node('Add', [`h${l}_mm`, `b${l}`], last ? 'logit' : `h${l}_lin`));
    if (!last) nodes.push(node('Relu', [`h${l}_lin`], `h${l + 1}`));
    h = `h${l + 1}`;
  });
  inits.push(floats('one', [], [1]), floats('half', [], [0.5]), int64s('flat', [1], [-1]));
  nodes.push(
    node('Sigmoid', ['logit'], 'p'),
    node('Sub', ['one', 'p'], 'q'),
    node('Concat', ['q', 'p'], PROBABILITY_OUTPUT, axis1),
    node('Greater', ['p', 'half'], 'p_gt'),
    node('Cast', ['p_gt'], 'label_2d', [intAttr('to', T.INT64)]),
    node('Reshape', ['label_2d', 'flat'], LABEL_OUTPUT),
  );
  return encodeModel({
    irVersion: IR_VERSION,
    producerName,
    opsetImport: [{ domain: '', version: NETWORK_OPSET }],
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'winnow_dense_network',
      node: nodes,
      initializer: inits,
      input: [{ name: inputName, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: pre.numFeatures }] } } } }],
      output: [
        { name: LABEL_OUTPUT, type: { tensorType: { elemType: T.INT64, shape: { dim: [{ dimParam: 'N' }] } } } },
        { name: PROBABILITY_OUTPUT, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } } },
      ],
    },
  });
}
