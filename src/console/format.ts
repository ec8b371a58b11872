/** @module How the console writes numbers, shares, times and decisions. */

export const DECISIONS = ['auto_close', 'review', 'escalate'] as const;
export const DECISION_COLORS: Record<(typeof DECISIONS)[number], string> = { auto_close: '#8fa3bf', review: '#e0a030', escalate: '#c8412f' };

/** 12345 → "12,345". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** 0.4165 → "41.7%"; null → "—". */
export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** A score to four decimals; null (unscored) → "unscored". */
export function score(s: number | null): string {
  return s === null ? 'unscored' : s.toFixed(4);
}

/** An ISO instant as "2026-12-06 07:15:02Z". */
export function when(iso: string): string {
  return iso.length >= 19 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : iso;
}

/** The rule family of a rule id: its prefix before the first '_' (tm_structuring → tm), else the id. */
export function ruleFamily(ruleId: string): string {
  const i = ruleId.indexOf('_');
  return i > 0 ? ruleId.slice(0, i) : ruleId;
}
