/** @module The zod schema of a manifest's `calibration` section: a small monotone map applied after ONNX Runtime. */
import { z } from 'zod';

const probability = z.number().min(0).max(1);

/** Isotonic (pool-adjacent-violators) map: raw → calibrated at ascending breakpoints, linear in between. */
export const isotonicCalibrationSchema = z.object({
  method: z.literal('isotonic'),
  /** Raw (ONNX) scores, strictly ascending: the weighted mean raw score of each pooled block. */
  x: z.array(probability).min(1),
  /** Calibrated probability at each breakpoint, non-decreasing. */
  y: z.array(probability).min(1),
});

/** Platt scaling on the log-odds: p = 1 / (1 + exp(−(a · logit(raw) + b))). */
export const plattCalibrationSchema = z.object({
  method: z.literal('platt'),
  a: z.number().positive(),
  b: z.number(),
});

/** A calibration map; `fit` says what it was fitted on, `report` holds before/after checks (loose: for readers). */
export const calibrationSchema = z
  .discriminatedUnion('method', [isotonicCalibrationSchema.loose(), plattCalibrationSchema.loose()])
  .superRefine((c, ctx) => {
    if (c.method !== 'isotonic') return;
    if (c.x.length !== c.y.length) ctx.addIssue({ code: 'custom', path: ['y'], message: `${c.y.length} values for ${c.x.length} breakpoints` });
    for (let i = 1; i < c.x.length; i++) {
      if (!(c.x[i] > c.x[i - 1])) ctx.addIssue({ code: 'custom', path: ['x', i], message: 'breakpoints must be strictly ascending' });
      if (c.y[i] < c.y[i - 1]) ctx.addIssue({ code: 'custom', path: ['y', i], message: 'calibrated values must not decrease' });
    }
  });

/** A validated calibration map. */
export type CalibrationMap = z.infer<typeof calibrationSchema>;

/** The methods `winnow train --calibrate` accepts. */
export const CALIBRATION_METHODS = ['isotonic', 'platt', 'none'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];
