/**
 * @module The `refit` recipe of `train`: the served model learns from every labelled row.
 *
 * In this domain the newest labels matter most (rules change, launderers adapt), and the split
 * recipe left the newest 35% out of the served model. Common practice, kept here: fit once on the
 * time-ordered split to let early stopping choose the tree count and validation choose the
 * thresholds, then refit on all rows with that tree count. The refit model has seen every row, so
 * nothing can measure it honestly at training time; what can be measured is the recipe. A backtest
 * applies the same refit one step back, on the rows before the holdout, and is scored on the
 * holdout with the thresholds carried over: those are the card's holdout figures.
 */
import type { FeatureSpec } from '../features/index.ts';
import type { TrainingSet, TrainProgress } from '../gbdt/train.ts';
import type { TrainParams } from '../gbdt/params.ts';
import { type FittedModel, fitGbdt } from './fit-model.ts';

/** How a bundle's served model was fitted: on the training split only, or refit on every labelled row. */
export type TrainRecipe = 'refit' | 'split';

export interface RefitResult {
  /** The served model: every labelled row, `trees` trees. */
  final: FittedModel;
  /** The same recipe on the rows before the holdout; absent without a holdout. */
  backtest?: FittedModel;
  trees: number;
  rows: number;
  backtestRows: number;
}

/** Rows of several sets, in order, as one set. */
export function concatSets(sets: readonly TrainingSet[]): TrainingSet {
  const nf = sets[0].numFeatures;
  const numRows = sets.reduce((n, s) => n + s.numRows, 0);
  const x = new Float32Array(numRows * nf);
  const labels = new Float32Array(numRows);
  const weighted = sets.some((s) => s.weights !== undefined);
  const weights = weighted ? new Float32Array(numRows) : undefined;
  let at = 0;
  for (const s of sets) {
    x.set(s.x.subarray(0, s.numRows * nf), at * nf);
    labels.set(s.labels.subarray(0, s.numRows), at);
    // A set without weights (e.g. a separate validation file) weighs 1 per row.
    if (weights) weights.set(s.weights ? s.weights.subarray(0, s.numRows) : new Float32Array(s.numRows).fill(1), at);
    at += s.numRows;
  }
  return { x, labels, numRows, numFeatures: nf, weights };
}

/**
 * Refits with the tree count early stopping chose (`trees`), without early stopping. The tree count
 * is kept as chosen, not scaled up with the extra rows: the conservative choice, and the backtest
 * measures it. No validation set: every labelled row is training data here, so there is no loss
 * to watch (progress then reports trees only).
 */
export async function refitGbdt(
  sets: { train: TrainingSet; valid: TrainingSet; holdout: TrainingSet },
  params: TrainParams, trees: number, metadata: Record<string, string>,
  log: (line: string) => void, onProgress?: (p: TrainProgress) => void, features?: FeatureSpec['features'],
): Promise<RefitResult> {
  const refitParams: TrainParams = { ...params, numTrees: trees, earlyStoppingRounds: 0 };
  let backtest: FittedModel | undefined;
  const before = concatSets([sets.train, sets.valid]);
  if (sets.holdout.numRows > 0) {
    log(`backtest: refitting on the ${before.numRows} rows before the holdout with ${trees} trees, to measure the recipe on the holdout`);
    backtest = await fitGbdt(before, undefined, refitParams, metadata, onProgress, features);
  }
  const all = sets.holdout.numRows > 0 ? concatSets([sets.train, sets.valid, sets.holdout]) : before;
  log(`refit: fitting the served model on all ${all.numRows} labelled rows with ${trees} trees`);
  const final = await fitGbdt(all, undefined, refitParams, metadata, onProgress, features);
  return { final, backtest, trees, rows: all.numRows, backtestRows: backtest ? before.numRows : 0 };
}
