/** @module Tiny seeded tables for trainer behaviour tests. */
import { seededRandom } from '../../src/gbdt/sampling.ts';
import type { TrainingSet } from '../../src/gbdt/train.ts';

/** Build `n` rows of `numFeatures` uniform [0,1) features and a label from `rule(row, rand)`. */
export function table(n: number, numFeatures: number, seed: number, rule: (x: Float32Array, rand: () => number) => number, fill?: (f: number, rand: () => number) => number): TrainingSet {
  const rand = seededRandom(seed);
  const x = new Float32Array(n * numFeatures);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * numFeatures, (i + 1) * numFeatures);
    for (let f = 0; f < numFeatures; f++) row[f] = fill ? fill(f, rand) : rand();
    labels[i] = rule(row, rand);
  }
  return { x, numRows: n, numFeatures, labels };
}

/** Share of rows whose predicted class (p >= 0.5) equals the label. */
export function accuracy(proba: ArrayLike<number>, labels: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if ((proba[i] >= 0.5 ? 1 : 0) === labels[i]) ok++;
  return ok / labels.length;
}
