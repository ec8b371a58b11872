/** @module The boosting loop: gradients → grow a tree → update margins → validate → maybe stop early. */
import { availableParallelism } from 'node:os';
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';
import { applyBins, type BinMapper, fitBins, valueBinCount } from './binning.ts';
import { type BinTree, binTreeLeaf, toFloatTree } from './bin-tree.ts';
import type { Booster } from './booster.ts';
import { bundleRows, planBundles } from './bundling.ts';
import { rowStride } from './histogram.ts';
import { indexedBooster } from './indexed-booster.ts';
import { LEVELWISE_MAX_DEPTH, levelwiseBooster } from './levelwise/levelwise-booster.ts';
import { formatMonotone, type MonotoneFeature, resolveMonotone } from './monotone.ts';
import { initialMargin, logLoss } from './objective.ts';
import { parseTrainParams, type TrainParams, type TrainParamsInput } from './params.ts';
import { logLossScales } from './quantize.ts';
import { sampleFeatures, seededRandom } from './sampling.ts';
import { checkWeights, effectiveWeights, quantizationUnit, unevenWeights } from './weights.ts';

/** A labelled, encoded table: row-major float32 features (NaN = missing), labels 0/1, optional row weights. */
export interface TrainingSet {
  x: Float32Array;
  numRows: number;
  numFeatures: number;
  labels: Float32Array;
  /** Sample weights, finite and >= 0, one per row (see weights.ts); absent = every row weighs 1. */
  weights?: Float32Array;
}

/** Reported after every tree. */
export interface TrainProgress {
  tree: number;
  numTrees: number;
  /** Only computed without a validation set. */
  trainLoss?: number;
  validLoss?: number;
  bestTree: number;
  elapsedMs: number;
}

export interface TrainOptions {
  valid?: TrainingSet;
  /**
   * The features in column order (a feature spec's `features` fits): names resolve the `monotone`
   * parameter, which is an error without them; kinds refuse constraints on categorical codes.
   */
  features?: readonly MonotoneFeature[];
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainResult {
  model: TreeEnsemble;
  params: TrainParams;
  /** Trees kept (the best validation iteration when early stopping is on). */
  treesKept: number;
  stoppedEarly: boolean;
  history: { trainLoss?: number; validLoss?: number }[];
  mapper: BinMapper;
  timings: { binningMs: number; boostingMs: number; threads: number; engine: 'levelwise' | 'indexed' };
}

/** Rows × features above which a second thread pays for its start-up and synchronisation. */
const PARALLEL_MIN_CELLS = 2_000_000;

/** Train a binary gradient-boosted tree classifier. Deterministic for a given seed and data. */
export async function train(data: TrainingSet, paramsInput: TrainParamsInput = {}, opts: TrainOptions = {}): Promise<TrainResult> {
  const p = parseTrainParams(paramsInput);
  checkTrainingSet(data, 'training data');
  const monotone = resolveConstraints(p, data.numFeatures, opts.features);
  if (opts.valid) {
    checkTrainingSet(opts.valid, 'validation data');
    if (opts.valid.numFeatures !== data.numFeatures) {
      throw new Error(`validation data has ${opts.valid.numFeatures} features, training data ${data.numFeatures}`);
    }
  }
  const { numRows: n, numFeatures: nf } = data;
  const t0 = performance.now();
  const mapper = fitBins(data.x, n, nf, { maxBins: p.maxBins });
  const stride = rowStride(nf);
  const bins = applyBins(data.x, n, nf, mapper, stride);
  const weights = effectiveWeights(data.labels, data.weights, p.scalePosWeight);
  const base = initialMargin(data.labels, weights);
  const scales = logLossScales(weights, quantizationUnit(data.weights, weights));
  const valueBins = Int32Array.from({ length: nf }, (_, f) => valueBinCount(mapper, f));
  // availableParallelism respects CPU affinity (containers), unlike cpus().length.
  const wanted = p.threads === 0 ? availableParallelism() : p.threads;
  const threads = wanted > 1 && n * nf >= PARALLEL_MIN_CELLS ? wanted : 1;
  const bundles = planBundles(valueBins);
  const codeStride = rowStride(bundles.numColumns);
  const codes = bundleRows(bins, n, stride, bundles, new Uint8Array(new SharedArrayBuffer(n * codeStride)), codeStride);
  const engineInputs = {
    bins, stride, codes, bundles, numRows: n, numFeatures: nf, labels: data.labels, weights, scales,
    countRows: unevenWeights(data.weights), baseMargin: base, valueBins, threads, monotone,
  };
  // With the leaf budget above 2^depth, leaf-wise and depth-wise growth make the same tree, and
  // the level-synchronous engine makes it with streaming passes instead of scattered row lists.
  const canLevelwise = p.maxDepth > 0 && p.maxDepth <= LEVELWISE_MAX_DEPTH && p.maxLeaves >= 2 ** p.maxDepth;
  if (p.engine === 'levelwise' && !canLevelwise) {
    throw new Error(`training parameter engine: levelwise needs 1 <= maxDepth <= ${LEVELWISE_MAX_DEPTH} and maxLeaves >= 2^maxDepth (got maxDepth ${p.maxDepth}, maxLeaves ${p.maxLeaves})`);
  }
  const levelwise = p.engine === 'levelwise' || (p.engine === 'auto' && canLevelwise);
  const booster: Booster = levelwise ? await levelwiseBooster(engineInputs, p) : await indexedBooster(engineInputs, p);
  const valid = opts.valid && {
    set: opts.valid,
    bins: applyBins(opts.valid.x, opts.valid.numRows, nf, mapper, stride),
    margins: new Float64Array(opts.valid.numRows).fill(base),
  };
  const t1 = performance.now();

  const rand = seededRandom(p.seed);
  const trees: BinTree[] = [];
  const history: TrainResult['history'] = [];
  let best = { tree: 0, loss: Infinity };
  let stoppedEarly = false;
  try {
    for (let t = 0; t < p.numTrees; t++) {
      const tree = booster.grow(t, sampleFeatures(nf, p.colsample, rand));
      trees.push(tree);
      // Training loss costs a pass over every row: only without a validation set, and every 10th tree.
      const trainLoss = valid || (t % 10 !== 9 && t !== p.numTrees - 1) ? undefined : logLoss(booster.currentMargins(), data.labels, data.weights);
      let validLoss: number | undefined;
      if (valid) {
        const vb = valid.bins;
        for (let r = 0; r < valid.set.numRows; r++) valid.margins[r] += tree.value[binTreeLeaf(tree, vb, r * stride)];
        validLoss = logLoss(valid.margins, valid.set.labels, valid.set.weights);
        if (validLoss < best.loss) best = { tree: t, loss: validLoss };
      } else {
        best = { tree: t, loss: Infinity }; // nothing to validate on: every tree is kept
      }
      history.push({ trainLoss, validLoss });
      opts.onProgress?.({ tree: t + 1, numTrees: p.numTrees, trainLoss, validLoss, bestTree: best.tree + 1, elapsedMs: performance.now() - t1 });
      if (valid && p.earlyStoppingRounds > 0 && t - best.tree >= p.earlyStoppingRounds) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    await booster.close();
  }
  const kept = valid && p.earlyStoppingRounds > 0 ? best.tree + 1 : trees.length;
  const model: TreeEnsemble = {
    numFeatures: nf,
    baseScore: Math.fround(base),
    trees: trees.slice(0, kept).map((tr) => toFloatTree(tr, mapper)),
  };
  return {
    model, params: p, treesKept: kept, stoppedEarly, history, mapper,
    timings: { binningMs: t1 - t0, boostingMs: performance.now() - t1, threads, engine: levelwise ? 'levelwise' : 'indexed' },
  };
}

/** Resolve `p.monotone` and rewrite it in canonical form (feature order, explicit signs) for the manifest. */
function resolveConstraints(p: TrainParams, numFeatures: number, features: readonly MonotoneFeature[] | undefined): Int8Array | null {
  if (p.monotone.trim() === '') {
    p.monotone = '';
    return null;
  }
  if (!features) throw new Error('training parameter monotone: constraints name features, so train() needs options.features (the feature spec\'s features)');
  if (features.length !== numFeatures) throw new Error(`options.features lists ${features.length} features, training data has ${numFeatures}`);
  const monotone = resolveMonotone(p.monotone, features);
  p.monotone = formatMonotone(monotone, features.map((f) => f.name));
  return monotone;
}

function checkTrainingSet(d: TrainingSet, what: string): void {
  if (d.numRows < 1) throw new Error(`${what} has no rows`);
  if (d.x.length !== d.numRows * d.numFeatures) {
    throw new Error(`${what}: feature matrix has ${d.x.length} values, expected ${d.numRows} rows × ${d.numFeatures} features`);
  }
  if (d.labels.length !== d.numRows) throw new Error(`${what}: ${d.labels.length} labels for ${d.numRows} rows`);
  for (let i = 0; i < d.numRows; i++) {
    const y = d.labels[i];
    if (y !== 0 && y !== 1) throw new Error(`${what} row ${i + 1}: label must be 0 or 1, got ${y}`);
  }
  if (d.weights) checkWeights(d.weights, d.numRows, what);
}

