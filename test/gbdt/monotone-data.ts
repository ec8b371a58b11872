/** @module Seeded alert-like data whose true risk rises with the amount and falls with account age, and sweeps for checking monotonicity. */
import { seededRandom } from '../../src/gbdt/sampling.ts';
import type { TrainingSet } from '../../src/gbdt/train.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';

/** Column order of `monotoneTruth` (kinds as a feature spec would give them). */
export const FEATURES = [
  { name: 'amount_usd', kind: 'numeric' },
  { name: 'account_age_days', kind: 'numeric' },
  { name: 'country_risk', kind: 'numeric' },
  { name: 'vpn', kind: 'boolean' },
  { name: 'channel', kind: 'categorical' },
  { name: 'noise', kind: 'numeric' },
] as const;

/**
 * `n` rows where the log-odds of a true positive rise with log(amount) (more so in risky countries),
 * fall with account age, and depend on other features in any way; amounts and ages are 8% missing,
 * ages are whole days (many ties), and `extra` pure-noise columns can be appended. Labels are drawn,
 * so a model fits noise that is not monotone unless it is made to be.
 */
export function monotoneTruth(n: number, seed: number, extra = 0): TrainingSet {
  const rand = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const nf = FEATURES.length + extra;
  const x = new Float32Array(n * nf);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const amount = rand() < 0.08 ? NaN : Math.round(100 * Math.exp(4 + 1.6 * normal())) / 100;
    const age = rand() < 0.08 ? NaN : Math.floor(rand() * 3650);
    const risk = rand();
    const vpn = rand() < 0.2 ? 1 : 0;
    const channel = Math.floor(rand() * 6);
    const noise = rand();
    const la = amount !== amount ? 2.5 : Math.log10(amount + 1);
    const logit = -4 + (0.9 + 0.8 * risk) * la - (age !== age ? 1 : age / 900) + 1.5 * risk * vpn + (channel === 2 ? 0.8 : 0) + 0.6 * Math.sin(9 * noise);
    const row = [amount, age, risk, vpn, channel, noise];
    for (let e = 0; e < extra; e++) row.push(rand());
    x.set(row, i * nf);
    labels[i] = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { x, numRows: n, numFeatures: nf, labels };
}

/** The next float32 above `v` (v finite). */
export function nextFloat32Up(v: number): number {
  const f = new Float32Array([v]);
  const u = new Int32Array(f.buffer);
  if (v === 0) return 1.401298464324817e-45;
  u[0] += v > 0 ? 1 : -1;
  return f[0];
}

/**
 * Ascending, distinct float32 values to sweep feature `f` over: every threshold the model splits `f`
 * at and the float32 just above it (both sides of every bin edge), 64 quantiles of the data, its
 * extremes, and values beyond them up to ±Infinity.
 */
export function sweepGrid(model: TreeEnsemble, f: number, data: TrainingSet): number[] {
  const observed: number[] = [];
  for (let r = 0; r < data.numRows; r++) {
    const v = data.x[r * data.numFeatures + f];
    if (v === v) observed.push(v);
  }
  observed.sort((a, b) => a - b);
  const lo = observed[0];
  const hi = observed[observed.length - 1];
  const values = new Set<number>([-Infinity, -3.4e38, Math.fround(lo - 1), lo, hi, Math.fround(hi + 1), 3.4e38, Infinity]);
  for (let q = 0; q < 64; q++) values.add(observed[Math.floor((q / 64) * observed.length)]);
  for (const t of model.trees) {
    t.feature.forEach((g, i) => {
      if (g !== f || t.left[i] === -1) return;
      values.add(Math.fround(t.threshold[i]));
      values.add(nextFloat32Up(Math.fround(t.threshold[i])));
    });
  }
  return [...values].sort((a, b) => a - b);
}
