/** @module Applies a calibration map to raw scores; the one function every scoring path goes through. */
import type { CalibrationMap } from './calibration-schema.ts';

const logit = (p: number): number => {
  const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return Math.log(q / (1 - q));
};

/** Calibrated probability of one raw score. */
export function calibrateOne(c: CalibrationMap, p: number): number {
  if (p !== p) return p;
  if (c.method === 'platt') return 1 / (1 + Math.exp(-(c.a * logit(p) + c.b)));
  const { x, y } = c;
  const n = x.length;
  // Outside the fitted range: toward (0, 0) and (1, 1), so the map stays increasing and ranks are kept.
  if (p <= x[0]) return x[0] > 0 ? (y[0] * p) / x[0] : y[0];
  if (p >= x[n - 1]) return x[n - 1] < 1 ? y[n - 1] + ((1 - y[n - 1]) * (p - x[n - 1])) / (1 - x[n - 1]) : y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] <= p) lo = mid;
    else hi = mid;
  }
  return y[lo] + ((y[hi] - y[lo]) * (p - x[lo])) / (x[hi] - x[lo]);
}

/** Calibrated scores (float32, as served) of raw scores; no map returns the input unchanged. */
export function applyCalibration(c: CalibrationMap | undefined, scores: Float32Array): Float32Array {
  if (!c) return scores;
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = calibrateOne(c, scores[i]);
  return out;
}
