/** @module Drift monitoring: reference distributions, PSI reports and the rolling window of recent alerts. */
export * from './reference.ts';
export * from './drift-report.ts';
export * from './rolling-window.ts';
export * from './drift-monitor.ts';
export * from './drift-accumulator.ts';
