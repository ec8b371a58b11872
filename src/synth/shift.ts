/** @module A deliberate covariate shift for drift demos and tests: multiply numeric columns by a factor. */
import { ALERT_COLUMNS } from './columns.ts';
import type { AlertRow } from './columns.ts';

/** Factor per numeric column, e.g. { amount_usd: 2 }. */
export type Shift = Readonly<Record<string, number>>;

/** Parse `amount_usd=2.0,txn_count_24h=3` into a shift, naming the bad part on error. */
export function parseShift(text: string): Shift {
  const shift: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name, value, ...rest] = part.split('=');
    const factor = Number(value);
    if (rest.length > 0 || value === undefined || value.trim() === '' || !Number.isFinite(factor) || factor <= 0) {
      throw new Error(`shift '${part}': expected COLUMN=FACTOR with a positive number, e.g. amount_usd=2.0`);
    }
    const col = ALERT_COLUMNS.find((c) => c.name === name);
    if (!col) throw new Error(`shift '${part}': no column '${name}'`);
    if (col.kind !== 'numeric') throw new Error(`shift '${part}': '${name}' is ${col.kind}; only numeric columns can be shifted`);
    shift[name] = factor;
  }
  return shift;
}

/**
 * Multiply the shifted columns of one row in place (missing stays missing; whole numbers stay
 * whole). Applied after the label is drawn: the inputs move, the truth does not — the drift a
 * model meets when, say, a currency or a product changes.
 */
export function applyShift(row: AlertRow, shift: Shift): void {
  const r = row as unknown as Record<string, unknown>;
  for (const [name, factor] of Object.entries(shift)) {
    const v = r[name];
    if (typeof v !== 'number') continue;
    const scaled = v * factor;
    r[name] = Number.isInteger(v) ? Math.round(scaled) : scaled;
  }
}
