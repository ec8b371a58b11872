/** @module The one step of `train` that differs by model family: fit on train/validation rows, export ONNX, describe the model. */
import type { FeatureSpec } from '../features/index.ts';
import { train, type TrainingSet, type TrainProgress } from '../gbdt/train.ts';
import type { TrainParams } from '../gbdt/params.ts';
import type { ManifestDraft } from '../model/index.ts';
import { NETWORK_OPSET, networkToOnnx } from '../onnx/mlp-to-onnx.ts';
import { OPSETS, treeEnsembleToOnnx } from '../onnx/tree-ensemble-to-onnx.ts';
import type { NetworkAlgo, NetworkParams } from '../nn/params.ts';
import type { EpochProgress } from '../nn/train-network.ts';
import { leafCount, treeDepth } from '../trees/tree-ensemble.ts';

/** A fitted model as the rest of `train` needs it: ONNX bytes plus the manifest fields that depend on the family. */
export interface FittedModel {
  onnxBytes: Uint8Array;
  opset: ManifestDraft['onnx']['opset'];
  parameters: ManifestDraft['parameters'];
  /** Extra `training` fields, written where `treesGrown` always was so GBDT manifests keep their key order. */
  training: Record<string, unknown>;
  /** `{ trees }` or `{ network }`. */
  shape: Pick<ManifestDraft, 'trees' | 'network'>;
  /** One line for the log: what was trained, how long it took. */
  summary: string;
}

/**
 * Fit gradient-boosted trees (the default family); exactly what `train` always did. `features` (the
 * spec's, in column order) resolve the `monotone` parameter; without constraints they are not needed.
 */
export async function fitGbdt(
  trainSet: TrainingSet, validSet: TrainingSet | undefined, params: TrainParams, metadata: Record<string, string>,
  onProgress?: (p: TrainProgress) => void, features?: FeatureSpec['features'],
): Promise<FittedModel> {
  const result = await train(trainSet, params, { valid: validSet, onProgress, features });
  // Recorded only when set, so manifests of unconstrained models keep the keys they always had.
  const { monotone, ...rest } = result.params;
  return {
    onnxBytes: treeEnsembleToOnnx(result.model, { metadata }),
    opset: { 'ai.onnx': OPSETS.default, 'ai.onnx.ml': OPSETS.ml },
    parameters: { ...rest, ...(monotone ? { monotone } : {}) },
    training: { treesGrown: result.history.length },
    shape: {
      trees: {
        count: result.model.trees.length,
        maxDepth: Math.max(0, ...result.model.trees.map((t) => treeDepth(t))),
        leaves: result.model.trees.reduce((a, t) => a + leafCount(t), 0),
      },
    },
    summary: `trained ${result.treesKept} trees${result.stoppedEarly ? ` (early stopping after ${result.history.length})` : ''} in ${((result.timings.binningMs + result.timings.boostingMs) / 1000).toFixed(1)}s on ${result.timings.threads} thread(s)`,
  };
}

/** Fit a logistic regression or MLP with tfjs; the ONNX graph carries its preprocessing, so it reads the same encoded rows. */
export async function fitNetwork(
  algo: NetworkAlgo, spec: FeatureSpec, trainSet: TrainingSet, validSet: TrainingSet, params: NetworkParams,
  metadata: Record<string, string>, onProgress?: (p: EpochProgress) => void,
): Promise<FittedModel> {
  // Loaded on demand: tfjs and its wasm binary take a few hundred ms to load, which GBDT training and serving never pay.
  const { trainNetwork } = await import('../nn/train-network.ts');
  const r = await trainNetwork(spec, trainSet, validSet, params, onProgress);
  const pre = r.model.preprocessing;
  const { hidden, ...rest } = params;
  return {
    onnxBytes: networkToOnnx(r.model, { metadata }),
    opset: { 'ai.onnx': NETWORK_OPSET },
    parameters: { ...(algo === 'mlp' ? { hidden: hidden.join(',') } : {}), ...rest },
    training: { algo, epochsRun: r.history.length },
    shape: {
      network: {
        algo,
        layers: [pre.width, ...r.model.layers.map((l) => l.outputs)],
        weights: r.model.layers.reduce((a, l) => a + l.weights.length + l.bias.length, 0),
        standardised: pre.numeric.length,
        oneHotColumns: pre.oneHot.reduce((a, b) => a + b.width, 0),
        missingIndicators: pre.indicators.length,
        epochsRun: r.history.length,
        bestEpoch: r.bestEpoch,
        backend: r.backend,
      },
    },
    summary: `trained ${algo} (${[pre.width, ...r.model.layers.map((l) => l.outputs)].join('→')}) for ${r.history.length} epochs${r.stoppedEarly ? ` (early stopping; best epoch ${r.bestEpoch})` : ''} in ${(r.trainMs / 1000).toFixed(1)}s on tfjs-${r.backend}`,
  };
}
