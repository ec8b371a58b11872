/** @module How a CSV cell's text becomes a value, and a value becomes cell text. */
// Unquoted cells are typed (number, boolean, missing, text); a quoted cell is always text, so the
// writer can quote any string that would otherwise read back as something else, and every value
// survives a round trip.
import type { AttributeValue } from '../features/spec.ts';

/** Unquoted texts that mean something other than themselves. */
const TOKENS = new Map<string, AttributeValue>([
  ['NA', null],
  ['null', null],
  ['NaN', null],
  ['nan', null],
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * True for plain decimal numbers: `[+-]digits[.digits][e[+-]digits]`, `.5`, `5.`. Rejects what
 * `Number()` would also accept but a person would not call a number here: hex, blanks, `1_000`.
 */
export function isDecimalText(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) c = s.charCodeAt(++i); // + -
  let digits = 0;
  while (i < n && isDigit(c)) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46) { // .
    c = s.charCodeAt(++i);
    while (i < n && isDigit(c)) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (i < n && (c === 101 || c === 69)) { // e E
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    let exp = 0;
    while (i < n && isDigit(c)) {
      exp++;
      c = s.charCodeAt(++i);
    }
    if (exp === 0) return false;
  }
  return i === n;
}

/** The value an unquoted CSV cell holds: '' and NA/null/NaN/nan are missing, decimals are numbers, true/false booleans. */
export function parseCell(text: string): AttributeValue {
  if (text.length === 0) return null;
  const c = text.charCodeAt(0);
  if ((isDigit(c) || c === 45 || c === 43 || c === 46) && isDecimalText(text)) return +text;
  const token = TOKENS.get(text);
  return token === undefined ? text : token; // no token maps to undefined
}

/** True when a string must be quoted to be read back unchanged. */
export function needsQuotes(s: string): boolean {
  if (s.length === 0) return true; // an empty unquoted cell means missing
  if (s.charCodeAt(0) === 0xfeff) return true; // would be taken for a byte-order mark at the start of a file
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return true; // , " \n \r
  }
  return parseCell(s) !== s;
}

/** A value as CSV cell text: missing (null, undefined, NaN) is an empty cell, strings are quoted when needed. */
export function formatCell(v: AttributeValue): string {
  switch (typeof v) {
    case 'number':
      return v === v ? String(v) : '';
    case 'string':
      return needsQuotes(v) ? '"' + v.replaceAll('"', '""') + '"' : v;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return '';
  }
}
