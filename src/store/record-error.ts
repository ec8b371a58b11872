/**
 * @module Which store errors blame a record rather than the store. The writer bisects a batch
 * only for these, to find and quarantine the record; anything else (the server down, a lock, a
 * timeout, a full disk) is the store's fault and is retried as it is, or a locked table would
 * send every record to quarantine.
 */
import { z } from 'zod';

/**
 * PostgreSQL SQLSTATE classes about the data itself: 22 data exception (e.g. 22021, a byte
 * sequence not valid in UTF-8; 22001, a value too long), 23 integrity constraint violation,
 * 54 program limit exceeded (a value too large to index).
 */
const POSTGRES_RECORD_CLASSES = new Set(['22', '23', '54']);

/** SQLite result codes about the row: a constraint (CHECK, NOT NULL, a trigger's RAISE), a value too big, a type mismatch. */
const SQLITE_RECORD_CODES = /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/;

/** True when `error` says a record cannot be written as it is (a retry would fail the same way). */
export function isRecordError(error: unknown): boolean {
  if (error instanceof z.ZodError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (/^[0-9A-Z]{5}$/.test(code)) return POSTGRES_RECORD_CLASSES.has(code.slice(0, 2));
  return SQLITE_RECORD_CODES.test(code);
}
