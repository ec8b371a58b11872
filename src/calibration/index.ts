/** @module Score calibration: isotonic and Platt maps, applying them, and before/after checks. */
export * from './calibration-schema.ts';
export * from './apply.ts';
export * from './isotonic.ts';
export * from './platt.ts';
export * from './fit.ts';
export * from './calibration-check.ts';
