/** @module Axis scales and their ticks: linear and base-10 logarithmic. */

/** Maps data values to pixels and lists the ticks to draw. */
export interface Scale {
  (v: number): number;
  ticks: { value: number; label: string; major: boolean }[];
}

/** A linear scale from `domain` to `range` with "nice" ticks (1, 2 or 5 × 10^k apart). */
export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number], format: (v: number) => string, count = 10): Scale {
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  f.ticks = [];
  for (let v = Math.ceil(d0 / step) * step; v <= d1 + step * 1e-9; v += step) {
    const value = Math.round(v / step) * step;
    f.ticks.push({ value, label: format(value), major: true });
  }
  return f;
}

/** A decade's label without floating-point noise: 1e-3 → "0.001". */
export function decadeLabel(k: number): string {
  return k < 0 ? `0.${'0'.repeat(-k - 1)}1` : `1${'0'.repeat(k)}`;
}

/**
 * A log10 scale over positive `domain`, widened to whole decades. Major (labelled) ticks at each decade,
 * minor ticks at 2…9 × 10^k; with fewer than three decades the 2× and 5× ticks are labelled too.
 */
export function logScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): Scale {
  const k0 = Math.floor(Math.log10(d0));
  const k1 = Math.max(k0 + 1, Math.ceil(Math.log10(d1)));
  const f = ((v: number) => r0 + ((Math.log10(v) - k0) / (k1 - k0)) * (r1 - r0)) as Scale;
  const fewDecades = k1 - k0 < 3;
  f.ticks = [];
  for (let k = k0; k <= k1; k++) {
    f.ticks.push({ value: 10 ** k, label: decadeLabel(k), major: true });
    if (k === k1) break;
    for (let m = 2; m <= 9; m++) {
      const labelled = fewDecades && (m === 2 || m === 5);
      const value = m * 10 ** k;
      f.ticks.push({ value, label: labelled ? (k < 0 ? value.toFixed(-k) : String(value)) : '', major: labelled });
    }
  }
  return f;
}
