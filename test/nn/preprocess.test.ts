import { describe, expect, it } from 'vitest';
import type { FeatureSpec } from '../../src/features/index.ts';
import { fitPreprocessing, preprocess } from '../../src/nn/preprocess.ts';

const spec = {
  features: [
    { name: 'amount', kind: 'numeric', source: 'amount', missing: 'nan' },
    { name: 'vpn', kind: 'boolean', source: 'vpn', missing: 'nan' },
    { name: 'channel', kind: 'categorical', source: 'channel', missing: 'nan', categories: ['card', 'p2p'] },
  ],
} as FeatureSpec;

describe('network preprocessing', () => {
  // Training rows: amount 1, 3, NaN; vpn always present; channel card, p2p, missing.
  const x = Float32Array.from([1, 0, 0, 3, 1, 1, NaN, 1, NaN]);
  const p = fitPreprocessing(spec, x, 3);

  it('standardises numbers with the training mean and std, and one-hot encodes small categoricals', () => {
    expect(p.numeric).toEqual([0, 1]);
    expect(p.mean).toEqual([2, Math.fround(2 / 3)]);
    expect(p.invStd[0]).toBe(1);
    expect(p.oneHot).toEqual([{ column: 2, width: 3 }]);
    // Indicators only for features that were missing in training: amount and channel, not vpn.
    expect(p.indicators).toEqual([0, 2]);
    expect(p.width).toBe(2 + 3 + 2);
  });

  it('imputes a missing number to 0, flags it, and gives a missing category all zeros and an unseen one its own column', () => {
    const out = Array.from(preprocess(p, Float32Array.from([NaN, 1, NaN, 5, 0, 2]), 2));
    const vpn1 = Math.fround(Math.fround(1 - p.mean[1]) * p.invStd[1]);
    const vpn0 = Math.fround(Math.fround(0 - p.mean[1]) * p.invStd[1]);
    expect(out.slice(0, 7)).toEqual([0, vpn1, 0, 0, 0, 1, 1]);
    expect(out.slice(7)).toEqual([3, vpn0, 0, 0, 1, 0, 0]);
  });
});
