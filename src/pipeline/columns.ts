/** @module Label and time columns of a data table, read with errors that name file, row and column. */
import type { ColumnTable } from '../features/index.ts';

/** Where a bad cell is, for messages like `alerts.csv row 17, column 'label': …`. */
export function cellRef(table: ColumnTable, row: number, column: string): string {
  return `${table.source ?? 'data'} row ${row + 1}, column '${column}'`;
}

/** Index of a named column, or an error that lists what the file does have. */
export function columnIndex(table: ColumnTable, name: string, role: string): number {
  const i = table.names.indexOf(name);
  if (i < 0) {
    const shown = table.names.slice(0, 12).join(', ') + (table.names.length > 12 ? ', …' : '');
    throw new Error(`${table.source ?? 'data'}: no ${role} column '${name}' (columns: ${shown})`);
  }
  return i;
}

/** Labels as 0/1, NaN where the cell is empty (an alert not yet dispositioned). */
export function readLabels(table: ColumnTable, column: string): Float32Array {
  const values = table.columns[columnIndex(table, column, 'label')];
  const out = new Float32Array(table.rowCount);
  for (let r = 0; r < table.rowCount; r++) {
    const v = values[r];
    if (v === null || v === undefined || v === '') out[r] = NaN;
    else if (v === 1 || v === true || v === '1' || v === 'true') out[r] = 1;
    else if (v === 0 || v === false || v === '0' || v === 'false') out[r] = 0;
    else throw new Error(`${cellRef(table, r, column)}: label must be 0/1 or true/false, got ${JSON.stringify(v)}`);
  }
  return out;
}

/**
 * Sample weights as float32, as the trainer takes them: finite numbers >= 0 (numeric text too). A
 * row without a label may leave its weight empty (NaN here), since it is left out anyway.
 */
export function readWeights(table: ColumnTable, column: string, labels: Float32Array): Float32Array {
  const values = table.columns[columnIndex(table, column, 'weight')];
  const out = new Float32Array(table.rowCount);
  for (let r = 0; r < table.rowCount; r++) {
    const v = values[r];
    const empty = v === null || v === undefined || v === '';
    // fround: a weight float32 cannot hold (1e39) would reach the trainer as Infinity.
    const w = Math.fround(typeof v === 'number' ? v : typeof v === 'string' && !empty && v.trim() !== '' ? Number(v) : NaN);
    if (w >= 0 && w < Infinity) out[r] = w;
    else if (empty && labels[r] !== labels[r]) out[r] = NaN;
    else {
      const got = empty ? 'an empty cell' : typeof v === 'number' ? String(v) : JSON.stringify(v);
      throw new Error(`${cellRef(table, r, column)}: weight must be a finite number >= 0, got ${got}`);
    }
  }
  return out;
}

/** Times in epoch milliseconds from ISO-8601 text or epoch numbers (seconds below 1e11, else milliseconds). */
export function readTimes(table: ColumnTable, column: string): Float64Array {
  const values = table.columns[columnIndex(table, column, 'time')];
  const out = new Float64Array(table.rowCount);
  for (let r = 0; r < table.rowCount; r++) {
    const v = values[r];
    const ms = typeof v === 'number' ? (Math.abs(v) < 1e11 ? v * 1000 : v) : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) throw new Error(`${cellRef(table, r, column)}: expected a time (ISO-8601 or epoch), got ${JSON.stringify(v)}`);
    out[r] = ms;
  }
  return out;
}

/** Copy the given rows of a row-major matrix into a new one. */
export function gatherRows(x: Float32Array, numFeatures: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * numFeatures);
  for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * numFeatures, (rows[i] + 1) * numFeatures), i * numFeatures);
  return out;
}

/** The given entries of a typed array. */
export function gather(values: Float32Array, rows: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: rows.length }, (_, i) => values[rows[i]]);
}
