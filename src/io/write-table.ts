/** @module Streaming CSV and JSONL writers: rows in, text chunks out, written with backpressure and renamed into place when complete. */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttributeValue } from '../features/spec.ts';
import { formatCell } from './cells.ts';
import { TableFileError, tableFormatOf, type TableFormat } from './table.ts';

/** A row to write: values in column order, or an object read by column name. */
export type TableRow = readonly AttributeValue[] | { readonly [name: string]: AttributeValue };

/** Rows from an array, a generator or an async source. */
export type RowSource = Iterable<TableRow> | AsyncIterable<TableRow>;

// Joining rows into ~64 KiB strings keeps the number of stream writes (and their overhead) low.
const CHUNK_CHARS = 1 << 16;

/** A JSON value for a JSONL cell: missing and non-finite numbers become null (JSON has no NaN). */
function jsonValue(v: AttributeValue): string {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return 'null';
  }
}

/** One row as a line of text (without the newline). */
function formatRow(format: TableFormat, names: readonly string[], keys: readonly string[], row: TableRow): string {
  const values = Array.isArray(row) ? (row as readonly AttributeValue[]) : null;
  const record = row as { readonly [name: string]: AttributeValue };
  let line = '';
  if (format === 'csv') {
    for (let j = 0; j < names.length; j++) line += (j === 0 ? '' : ',') + formatCell(values ? values[j] : record[names[j]]);
    return line;
  }
  for (let j = 0; j < names.length; j++) line += keys[j] + jsonValue(values ? values[j] : record[names[j]]);
  return names.length === 0 ? '{}' : line + '}';
}

/** Text chunks of a whole table (a header line for CSV, then one line per row); `stats.rows` counts rows as they pass. */
export async function* formatTable(
  format: TableFormat,
  names: readonly string[],
  rows: RowSource,
  stats: { rows: number } = { rows: 0 },
): AsyncGenerator<string> {
  const keys = names.map((n, j) => (j === 0 ? '{' : ',') + JSON.stringify(n) + ':');
  let chunk = format === 'csv' ? names.map((n) => formatCell(n)).join(',') + '\n' : '';
  // A plain iterable is drained synchronously between yields: awaiting per row would cost more than formatting it.
  if (Symbol.iterator in rows) {
    for (const row of rows) {
      chunk += formatRow(format, names, keys, row) + '\n';
      stats.rows++;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  } else {
    for await (const row of rows) {
      chunk += formatRow(format, names, keys, row) + '\n';
      stats.rows++;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Options for `writeTable`. */
export interface WriteTableOptions {
  /** Format to write; by default chosen from the path's extension. */
  format?: TableFormat;
}

/** Column names must be what the readers accept back: non-empty and distinct (and at least one for CSV). */
function checkNames(path: string, format: TableFormat, names: readonly string[]): void {
  if (format === 'csv' && names.length === 0) throw new TableFileError(path, null, 'a CSV table needs at least one column');
  const seen = new Set<string>();
  names.forEach((name, j) => {
    if (name === '') throw new TableFileError(path, null, `column ${j + 1} has an empty name`);
    if (seen.has(name)) throw new TableFileError(path, null, `duplicate column name '${name}'`);
    seen.add(name);
  });
}

/**
 * Write rows to `path` as CSV or JSONL. Text goes to a temporary file beside the target, which is
 * renamed over it only once every row is written, so a failed run never leaves half a table.
 * Returns the number of rows written.
 */
export async function writeTable(path: string, names: readonly string[], rows: RowSource, options: WriteTableOptions = {}): Promise<number> {
  const format = options.format ?? tableFormatOf(path);
  checkNames(path, format, names);
  const stats = { rows: 0 };
  const temp = `${path}.partial-${process.pid}`;
  try {
    // `--out data/alerts.csv` should work in a fresh checkout, as it does for model bundles.
    await mkdir(dirname(path), { recursive: true });
    // pipeline pulls from the generator only as fast as the file accepts data: that is the backpressure.
    await pipeline(Readable.from(formatTable(format, names, rows, stats)), createWriteStream(temp));
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {}); // best effort: the parent may not exist
    const e = err as NodeJS.ErrnoException;
    // File-system failures name the target, not the temporary; errors from the row source pass through.
    if (e.syscall !== undefined) throw new TableFileError(path, null, `cannot write (${e.code ?? e.message})`);
    throw err;
  }
  return stats.rows;
}

/** Write generated alerts (objects keyed by column name) with the columns in the given order. */
export function writeAlerts(path: string, alerts: RowSource, columns: readonly { readonly name: string }[]): Promise<number> {
  return writeTable(
    path,
    columns.map((c) => c.name),
    alerts,
  );
}
