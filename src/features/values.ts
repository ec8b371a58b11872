/** @module How one raw attribute value is read: what counts as missing, as a number, as a boolean, as a category. */

// Plain decimal or scientific notation only: Number() alone would also accept "0x1F", "0b1" and
// "Infinity", and would turn "" or "  " into 0.
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** True for null, undefined, NaN and strings that are empty or only whitespace. */
export function isMissing(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number') return v !== v;
  return typeof v === 'string' && (v === '' || v.trim() === '');
}

/** The number written in `s` (surrounding whitespace allowed), or undefined when it is not plain numeric text. */
export function numberFromText(s: string): number | undefined {
  const t = s.trim();
  return NUMBER_TEXT.test(t) ? Number(t) : undefined;
}

/** 1 or 0 for true/false, 1/0, "true"/"false" (any case) and "1"/"0"; undefined for anything else. */
export function booleanCode(v: unknown): 0 | 1 | undefined {
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  if (typeof v !== 'string') return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1') return 1;
  if (t === 'false' || t === '0') return 0;
  return undefined;
}

/** True when `v` is a boolean or boolean text ("true"/"false", any case); 0/1 count as numbers, not here. */
export function isBooleanLike(v: unknown): boolean {
  if (typeof v === 'boolean') return true;
  if (typeof v !== 'string') return false;
  const t = v.trim().toLowerCase();
  return t === 'true' || t === 'false';
}

/**
 * The category a value stands for: strings as they are (case and inner spaces matter), numbers and
 * booleans through String(); undefined for values that cannot be a category (objects, arrays).
 */
export function categoryKey(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A short rendering of a value for error messages: strings quoted (and cut), everything else by type. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === undefined) return 'nothing';
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
