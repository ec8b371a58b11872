/** @module The seeded synthetic alert generator: a lazily evaluated, time-sorted stream of labelled alerts. */
import { Random } from './random.ts';
import { ALERT_COLUMN_NAMES, type AlertRow } from './columns.ts';
import type { AttributeValue } from '../features/index.ts';
import { AlertClock, timeWindow } from './clock.ts';
import { createPopulation, drawCustomer } from './population.ts';
import { AlertHistory, type PriorCounts } from './history.ts';
import { RULES, ruleWeights } from './rules.ts';
import { drawAlert } from './events.ts';
import { drawLabel, riskLogit } from './risk.ts';
import { applyShift, type Shift } from './shift.ts';

/** Options for `generateAlerts`. */
export interface GenerateOptions {
  /** Number of alerts to emit. */
  rows: number;
  /** Same seed, same alerts, byte for byte. */
  seed: number | string;
  /** ISO time of the window's start. */
  start?: string;
  /** Length of the window in calendar months. */
  months?: number;
  /** Multiply these numeric columns by a factor (a deliberate drift); absent, the stream is unchanged. */
  shift?: Shift;
}

/** Average alerts per customer: enough recurrence for history features, with a heavy tail per customer. */
const ALERTS_PER_CUSTOMER = 6;

/**
 * Yields `rows` alerts sorted by `occurred_at`, one at a time, so a million rows stream to a file
 * without being held: only per-customer profiles and recent history are kept. Keys follow `ALERT_COLUMNS`.
 */
export function* generateAlerts({ rows, seed, start = '2025-01-01T00:00:00Z', months = 9, shift }: GenerateOptions): Generator<AlertRow> {
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`rows: expected a whole number ≥ 0, got ${rows}`);
  const window = timeWindow(start, months);
  // Each part draws from its own stream, so changing how one part samples leaves the others intact.
  const root = new Random(seed);
  const pop = createPopulation(root.fork('population'), Math.max(20, Math.round(rows / ALERTS_PER_CUSTOMER)), window, rows);
  const clock = new AlertClock(window, Math.max(rows, 1), root.fork('clock'));
  const history = new AlertHistory(root.fork('history'), window);
  const rng = root.fork('alerts');
  const labelRng = root.fork('labels');
  const weights: number[] = new Array(RULES.length).fill(0);
  const prior: PriorCounts = { alerts90d: 0, falsePositives90d: 0, sars: 0, daysSinceLast: null };
  const idWidth = Math.max(8, String(rows).length);

  for (let i = 0; i < rows; i++) {
    const ms = clock.next();
    const progress = clock.progress(ms);
    let customer = drawCustomer(pop, rng, ms);
    // Accounts closed after repeated SARs raise no further alerts.
    for (let tries = 0; history.hasExited(customer) && tries < 20; tries++) customer = drawCustomer(pop, rng, ms);
    const rule = RULES[rng.weighted(ruleWeights(customer.segmentIndex, progress, weights))];
    history.before(customer, ms, prior);
    const alertId = 'A' + String(i + 1).padStart(idWidth, '0');
    const row = drawAlert(rng, { alertId, ms, progress, customer, rule, prior });
    row.is_true_positive = drawLabel(labelRng, riskLogit(labelRng, row, customer, progress));
    history.record(customer, ms, row.is_true_positive);
    if (shift) applyShift(row, shift);
    yield row;
  }
}

/** The same alerts as a column table (one array per column, in ALERT_COLUMN_NAMES order), for code that trains or encodes in bulk. */
export function generateAlertTable(options: GenerateOptions): { names: string[]; columns: AttributeValue[][]; rowCount: number; source: string } {
  const names = [...ALERT_COLUMN_NAMES];
  const columns: AttributeValue[][] = names.map(() => new Array(options.rows));
  let r = 0;
  for (const alert of generateAlerts(options)) {
    const row = alert as unknown as Record<string, AttributeValue>;
    for (let c = 0; c < names.length; c++) columns[c][r] = row[names[c]];
    r++;
  }
  return { names, columns, rowCount: r, source: 'synthetic alerts' };
}
