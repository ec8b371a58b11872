/** @module Tests of OnnxScorer: metadata checks at load, argument checks at score time, ZipMap models, release. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, onnx } from '../../src/onnx/onnx-proto.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { predictProba } from '../../src/trees/evaluate.ts';
import { randomEnsemble, randomRows } from '../helpers/random-ensemble.ts';

const sklearnDir = new URL('../../../shared/fixtures/interop/onnx-sklearn/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, sklearnDir)));
const model = randomEnsemble({ seed: 21, numTrees: 30 });

describe('OnnxScorer on a winnow model', () => {
  let scorer: OnnxScorer;
  beforeAll(async () => { scorer = await OnnxScorer.load(treeEnsembleToOnnx(model, { inputName: 'x' })); });
  afterAll(async () => { await scorer.release(); });

  it('exposes the input name, feature count and probability output it found', () => {
    expect(scorer).toMatchObject({ inputName: 'x', numFeatures: 30, probabilityOutput: 'probabilities' });
  });

  it('returns one positive-class probability per row, equal to the TS evaluator', async () => {
    const rows = new Float32Array(randomRows(model, 64, 4));
    const p = await scorer.score(rows, 64);
    expect(p).toBeInstanceOf(Float32Array);
    expect(Array.from(p)).toEqual(Array.from(predictProba(model, rows)));
  });

  it('returns an empty array for zero rows', async () => {
    expect(await scorer.score(new Float32Array(0), 0)).toEqual(new Float32Array(0));
  });

  it('rejects a row buffer whose length does not match numRows × numFeatures', async () => {
    await expect(scorer.score(new Float32Array(59), 2)).rejects.toThrow(
      expect.objectContaining({ name: 'RangeError', message: 'OnnxScorer.score: expected 2 rows × 30 features = 60 values, got 59' }),
    );
  });

  it('rejects rows that are not a Float32Array and a bad numRows', async () => {
    await expect(scorer.score(new Float64Array(30) as unknown as Float32Array, 1)).rejects.toThrow(/rows must be a Float32Array/);
    await expect(scorer.score(new Float32Array(30), 1.5)).rejects.toThrow(/numRows must be a non-negative integer, got 1.5/);
  });
});

describe('OnnxScorer.load refuses models it cannot score', () => {
  it('rejects garbage bytes with ONNX Runtime\'s reason', async () => {
    await expect(OnnxScorer.load(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).rejects.toThrow(
      /^OnnxScorer\.load: ONNX Runtime could not load the model: .*protobuf parsing failed/,
    );
    await expect(OnnxScorer.load(new Uint8Array(0))).rejects.toThrow(/^OnnxScorer\.load: model bytes are empty$/);
  });

  it('rejects a ZipMap-only model, naming the non-tensor output (it does not rewrite the graph)', async () => {
    await expect(OnnxScorer.load(fixture('skl2onnx_SklearnBinGBC_stringlabels_zipmap.onnx'))).rejects.toThrow(
      /no float32 \[N, 2\] probability tensor output; outputs: 'label' \(string tensor \[1\]\), 'probabilities' \(non-tensor, e\.g\. a ZipMap/,
    );
  });

  it('rejects a non-float input, naming the type found', async () => {
    const proto = decodeModel(treeEnsembleToOnnx(model));
    proto.graph!.input![0].type!.tensorType!.elemType = onnx.TensorProto.DataType.DOUBLE;
    await expect(OnnxScorer.load(encodeModel(proto))).rejects.toThrow(
      /expected a float32 tensor input, found 'features' \(float64 tensor \[N, 30\]\)/,
    );
  });

  it('needs numFeatures when the input width is symbolic, and refuses one that contradicts the model', async () => {
    const bytes = fixture('skl2onnx_treecl2_binary_logistic_nozipmap.onnx');
    await expect(OnnxScorer.load(bytes)).rejects.toThrow(
      /input 'input' \(float32 tensor \[\?, \?\]\) does not declare its feature count; pass a positive integer numFeatures/,
    );
    const s = await OnnxScorer.load(bytes, { numFeatures: 20 });
    expect(s).toMatchObject({ inputName: 'input', numFeatures: 20, probabilityOutput: 'proba_2' });
    await s.release();
    await expect(OnnxScorer.load(treeEnsembleToOnnx(model), { numFeatures: 12 })).rejects.toThrow(
      /numFeatures option 12 contradicts input 'features' \(float32 tensor \[N, 30\]\)/,
    );
  });

  it('refuses a probabilityOutput that is not a float [N, 2] tensor', async () => {
    await expect(OnnxScorer.load(treeEnsembleToOnnx(model), { probabilityOutput: 'label' })).rejects.toThrow(
      /output 'label' \(int64 tensor \[N\]\) is not a float32 \[N, 2\] probability tensor/,
    );
    await expect(OnnxScorer.load(treeEnsembleToOnnx(model), { probabilityOutput: 'nope' })).rejects.toThrow(/no output named 'nope'/);
  });
});

describe('OnnxScorer.release', () => {
  it('makes later score calls fail clearly and is idempotent', async () => {
    const s = await OnnxScorer.load(treeEnsembleToOnnx(model));
    await s.release();
    await s.release();
    await expect(s.score(new Float32Array(30), 1)).rejects.toThrow(/OnnxScorer\.score: the scorer has been released/);
  });
});
