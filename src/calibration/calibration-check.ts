/** @module Before/after checks of a calibration on labelled data: Brier, ECE, reliability table, expected true positives per band. */
import { brier, calibration, type CalibrationBin } from '../metrics/index.ts';

/** Expected vs observed true positives among the alerts of one policy band. */
export interface BandExpectation {
  band: string;
  /** Calibrated score range [from, to). */
  from: number;
  to: number;
  alerts: number;
  /** Mean calibrated score: the share of the band's alerts expected to be true positives. */
  expectedRate: number | null;
  observedRate: number | null;
  /** Share of all true positives expected in the band (Σ calibrated scores), and observed. */
  expectedShareOfPositives: number | null;
  observedShareOfPositives: number | null;
}

/** One calibration's check on one labelled set. */
export interface CalibrationCheck {
  rows: number;
  brierBefore: number;
  brierAfter: number;
  eceBefore: number;
  eceAfter: number;
  reliabilityBefore: CalibrationBin[];
  reliabilityAfter: CalibrationBin[];
  bands: BandExpectation[];
}

/** The bands the recommended thresholds cut: below the 99%-recall one, between, and at or above the 95%-recall one. */
export function thresholdBands(t: { recall95: number; recall99: number }): Array<{ band: string; from: number; to: number }> {
  return [
    { band: 'below recall99 threshold', from: 0, to: t.recall99 },
    { band: 'recall99 to recall95 threshold', from: t.recall99, to: t.recall95 },
    { band: 'at or above recall95 threshold', from: t.recall95, to: 1 },
  ];
}

/** Expected (from calibrated scores) and observed true positives per band. */
export function bandExpectations(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bands: Array<{ band: string; from: number; to: number }>,
  weights?: ArrayLike<number>,
): BandExpectation[] {
  let totalExpected = 0;
  let totalObserved = 0;
  const sums = bands.map(() => ({ alerts: 0, w: 0, expected: 0, observed: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? weights[i] : 1;
    const s = scores[i];
    const k = bands.findIndex((b, j) => s >= b.from && (s < b.to || j === bands.length - 1));
    totalExpected += w * s;
    totalObserved += w * labels[i];
    if (k < 0) continue;
    sums[k].alerts++;
    sums[k].w += w;
    sums[k].expected += w * s;
    sums[k].observed += w * labels[i];
  }
  return bands.map((b, k) => {
    const s = sums[k];
    return {
      ...b, alerts: s.alerts,
      expectedRate: s.w > 0 ? s.expected / s.w : null,
      observedRate: s.w > 0 ? s.observed / s.w : null,
      expectedShareOfPositives: totalExpected > 0 ? s.expected / totalExpected : null,
      observedShareOfPositives: totalObserved > 0 ? s.observed / totalObserved : null,
    };
  });
}

/** Brier, ECE and the reliability table of raw and calibrated scores, and the band expectations of the calibrated ones. */
export function calibrationCheck(
  labels: ArrayLike<number>,
  raw: ArrayLike<number>,
  calibrated: ArrayLike<number>,
  thresholds: { recall95: number; recall99: number },
  weights?: ArrayLike<number>,
): CalibrationCheck {
  const before = calibration(labels, raw, 10, weights);
  const after = calibration(labels, calibrated, 10, weights);
  return {
    rows: labels.length,
    brierBefore: brier(labels, raw, weights),
    brierAfter: brier(labels, calibrated, weights),
    eceBefore: before.ece,
    eceAfter: after.ece,
    reliabilityBefore: before.bins,
    reliabilityAfter: after.bins,
    bands: bandExpectations(labels, calibrated, thresholdBands(thresholds), weights),
  };
}
