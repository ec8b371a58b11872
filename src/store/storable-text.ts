/**
 * @module Text every store can hold and give back unchanged. PostgreSQL's `text` refuses U+0000,
 * and both drivers encode strings as UTF-8, which turns a lone UTF-16 surrogate into U+FFFD: such
 * text would fail a commit, or be stored as something other than what was sent. It is refused
 * where it enters (a 400 naming the field) and by the record schema, so no record can carry it.
 */

/** Lone surrogates: with the `u` flag a valid pair is one code point, never in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `text` cannot be stored and read back equal, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains U+0000 (NUL), which the store cannot hold; remove it';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (\\ud800–\\udfff without its pair), which is not Unicode text';
  return undefined;
}

/**
 * The most UTF-8 bytes of an indexed text value (alert and entity ids). PostgreSQL refuses a
 * B-tree entry over 2,704 bytes (SQLSTATE 54000): 1,024 characters of CJK text are 3,072 bytes,
 * which the alert schema's character limit lets through, so ids are also capped in bytes.
 */
export const MAX_KEY_BYTES = 2048;

/** Why `text` cannot be an indexed key (unstorable, or over MAX_KEY_BYTES), or undefined when it can. */
export function unstorableKeyReason(text: string): string | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short text needs no count.
  if (text.length * 3 > MAX_KEY_BYTES) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_KEY_BYTES) return `is ${bytes} bytes in UTF-8; an id can be at most ${MAX_KEY_BYTES}`;
  }
  return unstorableReason(text);
}

/** True when `text` can be stored and read back equal. */
export function isStorableText(text: string): boolean {
  return unstorableReason(text) === undefined;
}

/** Where in a parsed JSON value unstorable text sits (a key or a string value), and why. */
export interface UnstorableText {
  /** Dotted path of the value, or of the object whose key is at fault (`(body)` for the root). */
  path: string;
  problem: string;
}

/**
 * The first string in `value` (object keys included) that cannot be stored, or undefined. Walks
 * with an explicit stack, so a hostile document nested thousands deep cannot overflow the call stack.
 */
export function findUnstorableText(value: unknown): UnstorableText | undefined {
  const stack: { value: unknown; path: readonly (string | number)[] }[] = [{ value, path: [] }];
  const at = (path: readonly (string | number)[]) => (path.length === 0 ? '(body)' : path.join('.'));
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = unstorableReason(v);
      if (problem) return { path: at(path), problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const problem = unstorableReason(keys[i]);
        if (problem) return { path: at(path), problem: `a key ${problem}` };
        stack.push({ value: (v as Record<string, unknown>)[keys[i]], path: [...path, keys[i]] });
      }
    }
  }
  return undefined;
}

/**
 * JSON text for any value that every store can hold: JSON.stringify already writes U+0000 as
 * `\u0000` and a lone surrogate as `\udXXX`, so the quarantine keeps exactly what could not be written.
 * A typed array (a record's features as scored) is written as an array, not as an object keyed
 * "0", "1", …; NaN and ±Infinity as "NaN" and "Infinity" strings, which JSON cannot spell.
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  });
}
