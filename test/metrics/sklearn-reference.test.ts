/** @module Metrics against values computed once with sklearn 1.2.1 on seeded data (see sklearn_reference.py). */
import { describe, expect, it } from 'vitest';
import { brier, calibration, evaluateBinary, fpReductionAtRecall, logLoss, prAuc, rocAuc } from '../../src/metrics/index.ts';
import { referenceSets } from './reference-data.ts';

// Produced by: npx tsx test/metrics/reference-data.ts | /usr/bin/python3 test/metrics/sklearn_reference.py
// fp95/fp99 come from a brute-force scan over every distinct score in that script (sklearn has no such metric).
const expected = {
  tied: {
    unweighted: {
      auc: 0.8611804369718464,
      prAuc: 0.683669669663188,
      brier: 0.15028625,
      logLoss: 0.4560735363214347,
      fp95: { threshold: 0.37, fpReduction: 0.525679758308157, achievedRecall: 0.9710144927536232 },
      fp99: { threshold: 0.35, fpReduction: 0.48942598187311176, achievedRecall: 1.0 },
    },
    weighted: {
      auc: 0.8585881052518063,
      prAuc: 0.6897584950471526,
      brier: 0.15471246319921492,
      logLoss: 0.4664409648069204,
      fp95: { threshold: 0.37, fpReduction: 0.5029655990510083, achievedRecall: 0.9772727272727273 },
      fp99: { threshold: 0.35, fpReduction: 0.4626334519572954, achievedRecall: 1.0 },
    },
  },
  continuous: {
    unweighted: {
      auc: 0.8907100901286533,
      prAuc: 0.777766704688518,
      brier: 0.14078025960026344,
      logLoss: 0.43485929014326796,
      fp95: { threshold: 0.380519184935838, fpReduction: 0.5776081424936387, achievedRecall: 0.9532710280373832 },
      fp99: { threshold: 0.35819879709742963, fpReduction: 0.5534351145038168, achievedRecall: 0.9906542056074766 },
    },
    weighted: {
      auc: 0.8892161315862818,
      prAuc: 0.778093931500821,
      brier: 0.14070315789205648,
      logLoss: 0.4341562422427505,
      fp95: { threshold: 0.38616143780527634, fpReduction: 0.5893319523562921, achievedRecall: 0.957169459962756 },
      fp99: { threshold: 0.35819879709742963, fpReduction: 0.5546349041947177, achievedRecall: 0.9925512104283054 },
    },
  },
} as const;

// sklearn.calibration.calibration_curve(y, s, n_bins=10) on the continuous set (no score on a bin edge).
const continuousCalibration = {
  observed: [0, 0, 0, 0.14634146341463414, 0.20441988950276244, 0.21739130434782608, 0.3695652173913043, 1, 1, 1],
  predicted: [
    0.05182419798313445, 0.1459663602836555, 0.2508304911309369, 0.3517894344517915, 0.44922647194561244,
    0.5564045209702497, 0.6367591258123232, 0.7437235414173784, 0.8528195126214995, 0.951618606942772,
  ],
};

const DIGITS = 12;

describe.each(['tied', 'continuous'] as const)('sklearn reference values on the %s data set', (set) => {
  const data = referenceSets[set]();
  describe.each(['unweighted', 'weighted'] as const)('%s', (tag) => {
    const want = expected[set][tag];
    const w = tag === 'weighted' ? data.weights : undefined;

    it('matches roc_auc_score, average_precision_score, brier_score_loss and log_loss', () => {
      expect(rocAuc(data.labels, data.scores, w)).toBeCloseTo(want.auc, DIGITS);
      expect(prAuc(data.labels, data.scores, w)).toBeCloseTo(want.prAuc, DIGITS);
      expect(brier(data.labels, data.scores, w)).toBeCloseTo(want.brier, DIGITS);
      expect(logLoss(data.labels, data.scores, w)).toBeCloseTo(want.logLoss, DIGITS);
    });

    it('matches the brute-force FP reduction at 95% and 99% recall', () => {
      for (const [recall, ref] of [[0.95, want.fp95], [0.99, want.fp99]] as const) {
        const got = fpReductionAtRecall(data.labels, data.scores, recall, w);
        expect(got.threshold).toBe(ref.threshold);
        expect(got.fpReduction).toBeCloseTo(ref.fpReduction, DIGITS);
        expect(got.achievedRecall).toBeCloseTo(ref.achievedRecall, DIGITS);
      }
    });

    it('gives the same numbers through evaluateBinary', () => {
      const e = evaluateBinary(data.labels, data.scores, w);
      expect(e.auc).toBeCloseTo(want.auc, DIGITS);
      expect(e.prAuc).toBeCloseTo(want.prAuc, DIGITS);
      expect(e.brier).toBeCloseTo(want.brier, DIGITS);
      expect(e.logLoss).toBeCloseTo(want.logLoss, DIGITS);
      expect(e.fpAtRecall95.threshold).toBe(want.fp95.threshold);
      expect(e.fpAtRecall99.fpReduction).toBeCloseTo(want.fp99.fpReduction, DIGITS);
    });
  });
});

describe('sklearn reference calibration curve', () => {
  it('matches calibration_curve(n_bins=10) bin by bin on scores off the bin edges', () => {
    const data = referenceSets.continuous();
    const table = calibration(data.labels, data.scores, 10);
    const filled = table.bins.filter((b) => b.count > 0);
    expect(filled.map((b) => b.observedRate)).toEqual(continuousCalibration.observed.map((v) => expect.closeTo(v, DIGITS)));
    expect(filled.map((b) => b.meanPredicted)).toEqual(continuousCalibration.predicted.map((v) => expect.closeTo(v, DIGITS)));
    expect(table.bins.reduce((s, b) => s + b.count, 0)).toBe(1000);
  });
});

describe('reference data generator', () => {
  it('is deterministic and has the class balance the reference values were computed on', () => {
    const a = referenceSets.tied();
    expect(referenceSets.tied()).toEqual(a);
    expect(a.labels.filter((y) => y === 1)).toHaveLength(69);
    expect(referenceSets.continuous().labels.filter((y) => y === 1)).toHaveLength(214);
  });
});
