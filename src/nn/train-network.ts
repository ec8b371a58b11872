/** @module Train a dense binary classifier (logreg or MLP) with tfjs on the wasm backend: Adam, BCE, early stopping. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { FeatureSpec } from '../features/index.ts';
import type { TrainingSet } from '../gbdt/train.ts';
import { fitPreprocessing, preprocess, type Preprocessing } from './preprocess.ts';
import type { NetworkParams } from './params.ts';
// The trainer's seeded PRNG (mulberry32): the shuffle order is part of the seed.
import { seededRandom as rng } from '../gbdt/sampling.ts';

/** One dense layer: `weights` is [inputs × outputs] row-major, as MatMul(x, W) reads it. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
  /** relu for hidden layers; the last layer is a single logit that a sigmoid turns into p. */
  activation: 'relu' | 'sigmoid';
}

/** A trained network plus the preprocessing it was trained behind. */
export interface NetworkModel {
  preprocessing: Preprocessing;
  layers: DenseLayer[];
}

export interface EpochProgress {
  epoch: number;
  epochs: number;
  validLoss: number;
  bestEpoch: number;
}

export interface NetworkTrainResult {
  model: NetworkModel;
  /** Validation log-loss after each epoch. */
  history: number[];
  bestEpoch: number;
  stoppedEarly: boolean;
  trainMs: number;
  backend: string;
}

let backendReady: Promise<string> | undefined;

/** Select the wasm backend once (≈2.5× the pure-JS CPU backend); fall back to cpu if wasm cannot start. */
export function ensureBackend(): Promise<string> {
  backendReady ??= (async () => {
    const ok = await tf.setBackend('wasm').catch(() => false);
    if (!ok) await tf.setBackend('cpu');
    await tf.ready();
    return tf.getBackend();
  })();
  return backendReady;
}

function forward(vars: tf.Variable[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (let l = 0; l < vars.length; l += 2) {
    h = tf.add(tf.matMul(h, vars[l] as tf.Tensor2D), vars[l + 1]);
    if (l + 2 < vars.length) h = tf.relu(h);
  }
  return h; // logits [n, 1]
}

/** Positive-class probabilities of preprocessed rows through tfjs (the reference for the ONNX parity test). */
export async function predictNetwork(model: NetworkModel, xRaw: Float32Array, numRows: number): Promise<Float32Array> {
  await ensureBackend();
  const width = model.preprocessing.width;
  const xp = preprocess(model.preprocessing, xRaw, numRows);
  const vars = model.layers.flatMap((l) => [tf.variable(tf.tensor2d(l.weights, [l.inputs, l.outputs])), tf.variable(tf.tensor1d(l.bias))]);
  try {
    return predictRows(vars, xp, numRows, width);
  } finally {
    vars.forEach((v) => v.dispose());
  }
}

function predictRows(vars: tf.Variable[], xp: Float32Array, numRows: number, width: number): Float32Array {
  const out = new Float32Array(numRows);
  const chunk = 8192;
  for (let s = 0; s < numRows; s += chunk) {
    const e = Math.min(numRows, s + chunk);
    const p = tf.tidy(() => tf.sigmoid(forward(vars, tf.tensor2d(xp.subarray(s * width, e * width), [e - s, width]))));
    out.set(p.dataSync(), s);
    p.dispose();
  }
  return out;
}

function logLoss(labels: Float32Array, p: Float32Array, weights?: Float32Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? weights[i] : 1;
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
    sum -= w * (labels[i] === 1 ? Math.log(q) : Math.log(1 - q));
    total += w;
  }
  return total > 0 ? sum / total : 0;
}

/**
 * Train on encoded rows: fit the preprocessing on `train`, then minibatch Adam on (weighted) binary
 * cross-entropy + L2, one epoch at a time, keeping the weights of the epoch with the lowest validation log-loss.
 */
export async function trainNetwork(
  spec: FeatureSpec,
  train: TrainingSet,
  valid: TrainingSet,
  params: NetworkParams,
  onProgress?: (p: EpochProgress) => void,
): Promise<NetworkTrainResult> {
  const backend = await ensureBackend();
  const started = performance.now();
  const pre = fitPreprocessing(spec, train.x, train.numRows);
  const width = pre.width;
  const xt = preprocess(pre, train.x, train.numRows);
  const xv = preprocess(pre, valid.x, valid.numRows);
  const sizes = [width, ...params.hidden, 1];
  const vars: tf.Variable[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    // He-uniform before a relu, Glorot-uniform before the sigmoid; seeded per layer for reproducibility.
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const limit = l + 2 < sizes.length ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    vars.push(tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', params.seed + l)));
    vars.push(tf.variable(tf.zeros([fanOut])));
  }
  const optimizer = tf.train.adam(params.learningRate);
  const random = rng(params.seed);
  const order = Int32Array.from({ length: train.numRows }, (_, i) => i);
  const bx = new Float32Array(params.batchSize * width);
  const by = new Float32Array(params.batchSize);
  const bw = new Float32Array(params.batchSize);
  const history: number[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestValues = vars.map((v) => v.dataSync().slice());
  try {
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let s = 0; s < order.length; s += params.batchSize) {
        const n = Math.min(params.batchSize, order.length - s);
        for (let i = 0; i < n; i++) {
          const r = order[s + i];
          bx.set(xt.subarray(r * width, (r + 1) * width), i * width);
          by[i] = train.labels[r];
          bw[i] = train.weights ? train.weights[r] : 1;
        }
        tf.tidy(() => {
          const xb = tf.tensor2d(bx.subarray(0, n * width), [n, width]);
          const yb = tf.tensor2d(by.subarray(0, n), [n, 1]);
          const wb = tf.tensor2d(bw.subarray(0, n), [n, 1]);
          optimizer.minimize(() => {
            // Weighted mean: a row of weight w counts as w alerts, as in the GBDT.
            const bce = tf.losses.sigmoidCrossEntropy(yb, forward(vars, xb), wb, 0, tf.Reduction.MEAN);
            if (params.l2 === 0) return bce as tf.Scalar;
            const penalty = tf.addN(vars.filter((_, k) => k % 2 === 0).map((w) => tf.sum(tf.square(w))));
            return tf.add(bce, tf.mul(params.l2, penalty)) as tf.Scalar;
          }, false, vars);
        });
      }
      const loss = logLoss(valid.labels, predictRows(vars, xv, valid.numRows, width), valid.weights);
      history.push(loss);
      if (loss < best) {
        best = loss;
        bestEpoch = epoch;
        bestValues = vars.map((v) => v.dataSync().slice());
      }
      onProgress?.({ epoch, epochs: params.epochs, validLoss: loss, bestEpoch });
      if (epoch - bestEpoch >= params.patience) break;
    }
    const layers: DenseLayer[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      layers.push({
        inputs: sizes[l], outputs: sizes[l + 1], weights: Float32Array.from(bestValues[2 * l]), bias: Float32Array.from(bestValues[2 * l + 1]),
        activation: l + 2 < sizes.length ? 'relu' : 'sigmoid',
      });
    }
    return {
      model: { preprocessing: pre, layers }, history, bestEpoch, stoppedEarly: history.length < params.epochs,
      trainMs: performance.now() - started, backend,
    };
  } finally {
    vars.forEach((v) => v.dispose());
    optimizer.dispose();
  }
}
