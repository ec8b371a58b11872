/**
 * @module Property test of monotone constraints: for many rows, sweeping a constrained feature over
 * every bin edge (both sides) and its extremes never moves the score the wrong way, in the TS
 * evaluator and in ONNX Runtime on the exported graph, which agree exactly; in both engines, on 1
 * and 2 threads. The same data trained without constraints is shown not to be monotone.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train, type TrainingSet } from '../../src/gbdt/train.ts';
import type { TrainParamsInput } from '../../src/gbdt/params.ts';
import { rocAuc } from '../../src/metrics/index.ts';
import { treeEnsembleToOnnx } from '../../src/onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { margin, predictProba } from '../../src/trees/evaluate.ts';
import type { TreeEnsemble } from '../../src/trees/tree-ensemble.ts';
import { FEATURES, monotoneTruth, sweepGrid } from './monotone-data.ts';

const CONSTRAINTS = 'amount_usd:+1,account_age_days:-1';
const DIRECTIONS = [[0, 1], [1, -1]] as const;
const LEVELWISE: TrainParamsInput = { numTrees: 80, maxDepth: 5, maxLeaves: 32, minDataInLeaf: 5, earlyStoppingRounds: 0, engine: 'levelwise' };
const INDEXED: TrainParamsInput = { numTrees: 80, maxDepth: 0, maxLeaves: 24, minDataInLeaf: 5, earlyStoppingRounds: 0, subsample: 0.8, colsample: 0.8, engine: 'indexed' };

/**
 * Rows to sweep from: holdout rows whose other features are partly replaced by arbitrary float32
 * values from fast-check (NaN, ±Infinity, -0, subnormals included), with a fixed seed.
 */
function startRows(holdout: TrainingSet, count: number, seed: number): Float32Array[] {
  const nf = holdout.numFeatures;
  const arb = fc.tuple(fc.nat(holdout.numRows - 1), fc.array(fc.option(fc.float(), { freq: 3 }), { minLength: nf, maxLength: nf }));
  return fc.sample(arb, { seed, numRuns: count }).map(([r, overrides]) => {
    const row = holdout.x.slice(r * nf, (r + 1) * nf);
    overrides.forEach((v, f) => { if (v !== null) row[f] = v; });
    return row;
  });
}

interface Sweep {
  /** Rows that break the direction, in the TS margins, TS probabilities and ORT probabilities. */
  broken: { margin: number; tsProba: number; ortProba: number };
  rows: number;
  /** ORT and TS probabilities differ on this many swept points (0 = identical). */
  mismatches: number;
}

/** Sweep feature `f` over its grid from each start row and count rows whose scores move against `direction`. */
async function sweep(model: TreeEnsemble, scorer: OnnxScorer, starts: Float32Array[], f: number, direction: number, data: TrainingSet): Promise<Sweep> {
  const grid = sweepGrid(model, f, data);
  const nf = model.numFeatures;
  const x = new Float32Array(starts.length * grid.length * nf);
  starts.forEach((row, s) => grid.forEach((v, g) => {
    const o = (s * grid.length + g) * nf;
    x.set(row, o);
    x[o + f] = v;
  }));
  const n = starts.length * grid.length;
  const ts = predictProba(model, x);
  const ort = await scorer.score(x, n);
  const margins = Float64Array.from({ length: n }, (_, i) => margin(model, x, i * nf));
  const against = (scores: ArrayLike<number>) => {
    let rows = 0;
    for (let s = 0; s < starts.length; s++) {
      for (let g = 1; g < grid.length; g++) {
        const step = scores[s * grid.length + g] - scores[s * grid.length + g - 1];
        if (step * direction < 0) {
          rows++;
          break;
        }
      }
    }
    return rows;
  };
  let mismatches = 0;
  for (let i = 0; i < n; i++) if (ts[i] !== ort[i]) mismatches++;
  return { broken: { margin: against(margins), tsProba: against(ts), ortProba: against(ort) }, rows: starts.length, mismatches };
}

async function sweepAll(model: TreeEnsemble, holdout: TrainingSet, data: TrainingSet, seed: number): Promise<Sweep[]> {
  const scorer = await OnnxScorer.load(treeEnsembleToOnnx(model));
  try {
    const starts = startRows(holdout, 150, seed);
    return await Promise.all(DIRECTIONS.map(([f, d]) => sweep(model, scorer, starts, f, d, data)));
  } finally {
    await scorer.release();
  }
}

const monotone = { margin: 0, tsProba: 0, ortProba: 0 };

describe('monotone constraints', () => {
  const data = monotoneTruth(20_000, 31);
  const holdout = monotoneTruth(20_000, 32);

  it('are needed: without them, the model on this data is not monotone in amount or age', async () => {
    const { model } = await train(data, LEVELWISE);
    const [amount, age] = await sweepAll(model, holdout, data, 1);
    expect(amount.broken.margin).toBeGreaterThan(0);
    expect(age.broken.margin).toBeGreaterThan(0);
  });

  it.each([['levelwise', LEVELWISE], ['indexed', INDEXED]] as const)(
    'hold in the %s engine: sweeping amount never lowers the score, sweeping age never raises it, in TS and ONNX Runtime alike',
    async (engine, params) => {
      const res = await train(data, { ...params, monotone: CONSTRAINTS }, { features: FEATURES });
      expect(res.timings.engine).toBe(engine);
      const used = new Set(res.model.trees.flatMap((t) => t.feature.filter((f) => f >= 0)));
      expect(used.has(0) && used.has(1)).toBe(true);
      for (const [i, s] of (await sweepAll(res.model, holdout, data, 2)).entries()) {
        expect({ feature: FEATURES[DIRECTIONS[i][0]].name, ...s.broken }).toEqual({ feature: FEATURES[DIRECTIONS[i][0]].name, ...monotone });
        expect(s.mismatches).toBe(0);
      }
    },
  );

  it.each(['levelwise', 'indexed'] as const)('hold on 2 threads in the %s engine, which gives the 1-thread model', async (engine) => {
    // 70k × 30 cells is above the size at which a second thread is used.
    const big = monotoneTruth(70_000, 33, 24);
    const names = [...FEATURES, ...Array.from({ length: 24 }, (_, i) => ({ name: `extra_${i}`, kind: 'numeric' }))];
    const params = { ...(engine === 'levelwise' ? LEVELWISE : INDEXED), numTrees: 8, monotone: CONSTRAINTS };
    const one = await train(big, { ...params, threads: 1 }, { features: names });
    const two = await train(big, { ...params, threads: 2 }, { features: names });
    expect(two.timings.threads).toBe(2);
    expect(JSON.stringify(two.model)).toBe(JSON.stringify(one.model));
    for (const s of await sweepAll(two.model, monotoneTruth(5_000, 34, 24), big, 3)) {
      expect(s.broken).toEqual(monotone);
      expect(s.mismatches).toBe(0);
    }
  });

  it('cost little quality where the truth is monotone: holdout AUC within 0.005 of the unconstrained model', async () => {
    const auc = async (params: TrainParamsInput) => {
      const { model } = await train(data, params, { features: FEATURES });
      return rocAuc(holdout.labels, predictProba(model, holdout.x));
    };
    for (const params of [LEVELWISE, INDEXED]) {
      const free = await auc(params);
      const constrained = await auc({ ...params, monotone: CONSTRAINTS });
      expect(constrained).toBeGreaterThan(free - 0.005);
    }
  });

  it('are recorded in canonical form (feature order, explicit signs) in the returned parameters', async () => {
    const small = monotoneTruth(500, 35);
    const res = await train(small, { numTrees: 2, monotone: ' account_age_days:-1 , amount_usd:1, noise:0,' }, { features: FEATURES });
    expect(res.params.monotone).toBe('amount_usd:+1,account_age_days:-1');
    expect((await train(small, { numTrees: 2 })).params.monotone).toBe('');
  });

  it('need the feature names', async () => {
    await expect(train(monotoneTruth(100, 36), { monotone: CONSTRAINTS })).rejects.toThrow(
      "training parameter monotone: constraints name features, so train() needs options.features (the feature spec's features)",
    );
    await expect(train(monotoneTruth(100, 36), { monotone: CONSTRAINTS }, { features: FEATURES.slice(1) })).rejects.toThrow(
      'options.features lists 5 features, training data has 6',
    );
  });
});
