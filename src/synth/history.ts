/** @module Each customer's alert history as the stream unfolds: prior alerts, closed false positives, filed SARs. */
import type { Random } from './random.ts';
import type { Customer } from './population.ts';
import { DAY_MS, type TimeWindow } from './clock.ts';

/** What an alert knows about its customer's past at the moment it fires. */
export interface PriorCounts {
  alerts90d: number;
  falsePositives90d: number;
  sars: number;
  daysSinceLast: number | null;
}

// An analyst closes a false positive within days, but a SAR takes weeks to file.
const DISPOSITION_LAG_MS = 3 * DAY_MS;
const SAR_LAG_MS = 14 * DAY_MS;
const LOOKBACK_MS = 90 * DAY_MS;
const BACKFILL_DAYS = 365;
/** After this many SARs the exchange closes the account, so the customer raises no more alerts. */
export const EXIT_AFTER_SARS = 3;

interface State {
  times: number[];
  labels: number[];
  head: number;
  lastMs: number;
  /** True positives that aged out of the 90-day list; they still count as SARs. */
  oldSars: number;
}

/** Tracks every customer's alerts; counts use only what an analyst could have known at the time. */
export class AlertHistory {
  private readonly states: (State | undefined)[] = [];
  private readonly exited = new Set<number>();

  constructor(
    private readonly rng: Random,
    private readonly window: TimeWindow,
  ) {}

  /** Counts for an alert on `c` at `ms`, before that alert itself is recorded. */
  before(c: Customer, ms: number, out: PriorCounts): PriorCounts {
    const s = this.states[c.index] ?? this.backfill(c);
    while (s.head < s.times.length && s.times[s.head] < ms - LOOKBACK_MS) {
      s.oldSars += s.labels[s.head];
      s.head++;
    }
    if (s.head > 64 && s.head * 2 > s.times.length) {
      s.times.splice(0, s.head);
      s.labels.splice(0, s.head);
      s.head = 0;
    }
    let fps = 0;
    let sars = s.oldSars;
    for (let i = s.head; i < s.times.length; i++) {
      const age = ms - s.times[i];
      if (s.labels[i] === 0 && age > DISPOSITION_LAG_MS) fps++;
      if (s.labels[i] === 1 && age > SAR_LAG_MS) sars++;
    }
    out.alerts90d = s.times.length - s.head;
    out.falsePositives90d = fps;
    out.sars = c.sarsBefore + sars;
    if (out.sars >= EXIT_AFTER_SARS) this.exited.add(c.index);
    out.daysSinceLast = Number.isFinite(s.lastMs) ? Math.round(((ms - s.lastMs) / DAY_MS) * 10) / 10 : null;
    return out;
  }

  /** True once the customer's account has been closed for repeated SARs. */
  hasExited(c: Customer): boolean {
    return this.exited.has(c.index);
  }

  /** Add an alert and its eventual label. */
  record(c: Customer, ms: number, label: number): void {
    const s = this.states[c.index]!;
    s.times.push(ms);
    s.labels.push(label);
    s.lastMs = ms;
  }

  /** Alerts from the year before the window, so counts early in the window are not artificially low. */
  private backfill(c: Customer): State {
    const s: State = { times: [], labels: [], head: 0, lastMs: -Infinity, oldSars: 0 };
    this.states[c.index] = s;
    const from = Math.max(c.onboardedMs, this.window.startMs - BACKFILL_DAYS * DAY_MS);
    const spanDays = (this.window.startMs - from) / DAY_MS;
    if (spanDays <= 0) return s;
    const n = this.rng.poisson(c.alertsPerDay * spanDays);
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(from + this.rng.float() * spanDays * DAY_MS);
    times.sort((a, b) => a - b);
    for (const t of times) {
      s.times.push(t);
      s.labels.push(this.rng.bool(c.bad ? 0.15 : 0.015) ? 1 : 0);
      s.lastMs = t;
    }
    return s;
  }
}
