/** @module Fits the calibration map `winnow train --calibrate` asks for. */
import type { CalibrationMap, CalibrationMethod } from './calibration-schema.ts';
import { fitIsotonic } from './isotonic.ts';
import { fitPlatt } from './platt.ts';

/** Fit `method` on labelled raw scores (the validation set at training); undefined for 'none'. */
export function fitCalibration(
  method: CalibrationMethod,
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): CalibrationMap | undefined {
  if (method === 'none') return undefined;
  if (method === 'platt') return { method, ...fitPlatt(labels, scores, weights) };
  return { method, ...fitIsotonic(labels, scores, weights) };
}
