/** @module fitGbdt and monotone constraints: resolved against the spec's features, recorded in the manifest parameters only when set. */
import { describe, expect, it } from 'vitest';
import { parseTrainParams } from '../../src/gbdt/params.ts';
import { fitGbdt } from '../../src/pipeline/fit-model.ts';
import { FEATURES, monotoneTruth } from '../gbdt/monotone-data.ts';

const features = FEATURES.map((f) => ({ ...f, source: f.name, missing: 'nan' as const, ...(f.kind === 'categorical' ? { categories: ['a', 'b', 'c', 'd', 'e', 'f'] } : {}) }));

describe('fitGbdt', () => {
  const trainSet = monotoneTruth(2_000, 41);
  const validSet = monotoneTruth(500, 42);

  it('records the constraints in canonical form when the spec\'s features are passed', async () => {
    const params = parseTrainParams({ numTrees: 5, monotone: 'account_age_days:-1, amount_usd:1' });
    const fitted = await fitGbdt(trainSet, validSet, params, {}, undefined, features);
    expect(fitted.parameters.monotone).toBe('amount_usd:+1,account_age_days:-1');
  });

  it('leaves the parameter out of an unconstrained model\'s manifest, which keeps the keys it always had', async () => {
    const fitted = await fitGbdt(trainSet, validSet, parseTrainParams({ numTrees: 5 }), {});
    expect(Object.keys(fitted.parameters)).not.toContain('monotone');
    expect(Object.keys(fitted.parameters)).toEqual(Object.keys(parseTrainParams({})).filter((k) => k !== 'monotone'));
  });

  it('refuses constraints it cannot resolve, naming the entry', async () => {
    await expect(fitGbdt(trainSet, validSet, parseTrainParams({ monotone: 'amount:+1' }), {}, undefined, features)).rejects.toThrow(
      "training parameter monotone: unknown feature 'amount' (did you mean 'amount_usd'?)",
    );
  });
});
