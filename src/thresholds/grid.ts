/** @module A readable sample of the closure curve for a printed table: rows at round recalls and round shares closed. */
import { type ClosureCurve, indexOfThreshold, pointAt, type ThresholdPoint } from './closure-curve.ts';
import { lastAtMost, positivesAllowedToClose } from './select.ts';

/** Recalls a reader looks for: every point from 100% to 80%, then coarser. */
export const GRID_RECALLS = [
  1, 0.995, ...Array.from({ length: 20 }, (_, i) => (99 - i) / 100), 0.75, 0.7, 0.65, 0.6, 0.5,
] as const;

/** Shares of alerts closed: every 5%, and the last few percent where recall falls fastest. */
export const GRID_SHARES = [...Array.from({ length: 19 }, (_, i) => (i + 1) / 20), 0.97, 0.98, 0.99] as const;

/**
 * Curve points, ascending by threshold and without near-repeats: the highest threshold keeping each recall in
 * GRID_RECALLS, the highest closing at most each share in GRID_SHARES, and the `extra` points (the chosen
 * ones), so the printed table always shows the row the reader is asked to sign off.
 */
export function gridPoints(curve: ClosureCurve, extra: readonly number[] = []): ThresholdPoint[] {
  const m = curve.thresholds.length;
  if (m === 0) return [];
  const picks = new Set<number>([0]);
  if (curve.positives > 0) for (const r of GRID_RECALLS) picks.add(lastAtMost(curve.closedPositives, positivesAllowedToClose(curve.positives, r)));
  const closed = curve.closedPositives.map((p, j) => p + curve.closedNegatives[j]);
  const alerts = curve.positives + curve.negatives;
  for (const s of GRID_SHARES) picks.add(lastAtMost(closed, s * alerts));
  const extras = new Set(extra.map((t) => Math.max(0, indexOfThreshold(curve, t))));
  const rows: { p: ThresholdPoint; extra: boolean }[] = [];
  for (const j of [...picks, ...extras].sort((a, b) => a - b)) {
    const p = pointAt(curve, j);
    const last = rows[rows.length - 1];
    if (last && last.p.threshold === p.threshold) continue;
    // A round recall and a round share often land on nearly the same cut: show it once (the chosen row wins).
    const near = last && Math.abs(p.closedShare - last.p.closedShare) < 0.005 && Math.abs(p.recall - last.p.recall) < 0.002;
    if (near && !extras.has(j)) continue;
    if (near && !last.extra) rows.pop();
    rows.push({ p, extra: extras.has(j) });
  }
  return rows.map((r) => r.p);
}
