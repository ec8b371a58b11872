/** @module Sorted alert timestamps over a window, with daily and weekly rhythm and growing volume. */
import type { Random } from './random.ts';

const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The time span alerts are spread over. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** The window from an ISO start time over a whole number of calendar months. */
export function timeWindow(start: string, months: number): TimeWindow {
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs)) throw new Error(`start: '${start}' is not an ISO 8601 time`);
  if (!Number.isInteger(months) || months < 1) throw new Error(`months: expected a whole number ≥ 1, got ${months}`);
  const end = new Date(startMs);
  end.setUTCMonth(end.getUTCMonth() + months);
  return { startMs, endMs: end.getTime() };
}

/** Relative alert volume in the hour starting at `ms`: busier in European/US daytime, quieter at weekends, growing. */
function intensity(ms: number, progress: number): number {
  const d = new Date(ms);
  const hour = d.getUTCHours();
  const dow = d.getUTCDay();
  const daily = 1 + 0.5 * Math.cos((2 * Math.PI * (hour - 14)) / 24);
  const weekly = dow === 0 || dow === 6 ? 0.8 : 1;
  return daily * weekly * (1 + 0.3 * progress);
}

/**
 * Emits `count` non-decreasing timestamps, one per call, without holding them all: row i takes the
 * quantile (i + u)/count of the hourly intensity curve, so rows stay sorted yet arrive at random moments.
 */
export class AlertClock {
  private readonly cum: Float64Array;
  private bucket = 0;
  private issued = 0;

  constructor(
    private readonly window: TimeWindow,
    private readonly count: number,
    private readonly rng: Random,
  ) {
    const hours = Math.max(1, Math.ceil((window.endMs - window.startMs) / HOUR_MS));
    this.cum = new Float64Array(hours + 1);
    for (let h = 0; h < hours; h++) {
      const ms = window.startMs + h * HOUR_MS;
      this.cum[h + 1] = this.cum[h] + intensity(ms, h / hours);
    }
  }

  /** Next timestamp in epoch milliseconds, whole seconds. */
  next(): number {
    const total = this.cum[this.cum.length - 1];
    const target = ((this.issued + this.rng.float()) / this.count) * total;
    this.issued++;
    while (this.bucket < this.cum.length - 2 && this.cum[this.bucket + 1] <= target) this.bucket++;
    const within = (target - this.cum[this.bucket]) / (this.cum[this.bucket + 1] - this.cum[this.bucket]);
    const ms = this.window.startMs + (this.bucket + Math.min(1, within)) * HOUR_MS;
    return Math.min(this.window.endMs - 1000, Math.floor(ms / 1000) * 1000);
  }

  /** How far through the window a timestamp is, 0 → 1 (drives drift). */
  progress(ms: number): number {
    return (ms - this.window.startMs) / (this.window.endMs - this.window.startMs);
  }
}
