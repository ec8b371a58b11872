/** @module encode: the one place where alert attributes and data-file cells become model inputs. */
import type { AttributeValue, Feature, FeatureSpec } from './spec.ts';
import { booleanCode, categoryKey, describeValue, isMissing, numberFromText } from './values.ts';

/** A data file (or any batch) held column by column; `source` names it in error messages. */
export interface ColumnTable {
  names: string[];
  /** One array per name, each `rowCount` long; typed arrays (e.g. Float64Array) are fine for numbers. */
  columns: ArrayLike<AttributeValue>[];
  rowCount: number;
  /** Where the table came from (e.g. `alerts.csv`), used to prefix error messages. */
  source?: string;
}

/** Where a `FeatureError` happened and what was wrong, as passed to its constructor. */
export interface FeatureErrorDetails {
  /** Feature name in the spec. */
  feature: string;
  /** Attribute (or column) the feature reads. */
  source: string;
  /** The offending value as received (undefined when the attribute or column is absent). */
  value?: unknown;
  /** What is wrong, without the location (e.g. `expected a number, got "abc"`). */
  problem: string;
  /** 1-based data row (the header is not counted), for a bad cell in a table. */
  row?: number;
  /** The table's `source` (file name), when given. */
  file?: string;
  /** True for a problem with the table as a whole (e.g. a missing column) rather than one value. */
  table?: boolean;
}

/** A value (or table) that cannot become its feature's numbers; says which attribute, which value and why. */
export class FeatureError extends Error {
  override readonly name = 'FeatureError';
  readonly feature: string;
  readonly source: string;
  readonly value: unknown;
  readonly problem: string;
  readonly row: number | undefined;
  readonly file: string | undefined;

  constructor(d: FeatureErrorDetails) {
    const named = d.feature === d.source ? '' : ` (feature '${d.feature}')`;
    const where =
      d.row !== undefined ? `${d.file ? d.file + ' ' : ''}row ${d.row}, column '${d.source}'${named}`
      : d.table ? (d.file ?? 'table')
      : `attribute '${d.source}'${named}`;
    super(`${where}: ${d.problem}`);
    this.feature = d.feature;
    this.source = d.source;
    this.value = d.value;
    this.problem = d.problem;
    this.row = d.row;
    this.file = d.file;
  }
}

// Rows per block: a block of the output (rows × features × 4 bytes) stays in cache while every
// feature's column writes into it, instead of striding through the whole matrix once per feature.
const BLOCK_ROWS = 4096;

const NUMERIC = 0;
const BOOLEAN = 1;
const CATEGORICAL = 2;

interface CompiledFeature {
  feature: Feature;
  kind: typeof NUMERIC | typeof BOOLEAN | typeof CATEGORICAL;
  /** Category → code; blank categories are left out because a blank value is missing, never a code. */
  codes: Map<string, number>;
  unseen: number;
  reject: boolean;
}

// Specs are treated as immutable once parsed, so compiling once per spec object is safe and keeps
// single-alert serving from rebuilding category maps on every call.
const compiled = new WeakMap<FeatureSpec, CompiledFeature[]>();

function compile(spec: FeatureSpec): CompiledFeature[] {
  let c = compiled.get(spec);
  if (c) return c;
  c = spec.features.map((feature) => {
    const codes = new Map<string, number>();
    const categories = feature.categories ?? [];
    categories.forEach((cat, i) => {
      if (!isMissing(cat) && !codes.has(cat)) codes.set(cat, i);
    });
    const kind = feature.kind === 'numeric' ? NUMERIC : feature.kind === 'boolean' ? BOOLEAN : CATEGORICAL;
    return { feature, kind, codes, unseen: categories.length, reject: feature.missing === 'reject' };
  });
  compiled.set(spec, c);
  return c;
}

function fail(c: CompiledFeature, v: unknown, problem: string, row?: number, file?: string): never {
  throw new FeatureError({ feature: c.feature.name, source: c.feature.source, value: v, problem, row, file });
}

/** The general (slow) path for one value; the column loops only call it when their fast path misses. */
function encodeValue(c: CompiledFeature, v: unknown, row?: number, file?: string): number {
  if (isMissing(v)) {
    if (c.reject) fail(c, v, `required value is missing (got ${v === undefined ? 'no value' : describeValue(v)})`, row, file);
    return NaN;
  }
  if (c.kind === NUMERIC) {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? numberFromText(v) : undefined;
    if (n === undefined) fail(c, v, `expected a number, got ${describeValue(v)}`, row, file);
    if (!Number.isFinite(n)) fail(c, v, `expected a finite number, got ${describeValue(v)}`, row, file);
    return n;
  }
  if (c.kind === BOOLEAN) {
    const b = booleanCode(v);
    if (b === undefined) fail(c, v, `expected a boolean (true/false or 1/0), got ${describeValue(v)}`, row, file);
    return b;
  }
  const key = categoryKey(v);
  if (key === undefined) fail(c, v, `expected a category (text), got ${describeValue(v)}`, row, file);
  return c.codes.get(key) ?? c.unseen;
}

/**
 * Encode one alert's attributes into the model's input vector: `spec.features.length` float32 values
 * in spec order, each read from `record[feature.source]` (an absent attribute is missing).
 *
 * Semantics, shared by every path that encodes (serving, training, evaluation, notebooks):
 * - Missing is null, undefined, NaN, or a string that is empty or only whitespace. It encodes as NaN,
 *   which each tree routes the way training learned; with `missing: 'reject'` it is an error instead.
 * - numeric: finite numbers pass, rounded to float32 (so `Math.fround(v)`; beyond ±3.4e38 that is
 *   ±Infinity). Plain numeric text such as "12.5", "-3" or "1e6" (surrounding spaces allowed) is
 *   accepted because JSON senders often quote numbers. Any other text ("12,5", "NaN", "0x10"),
 *   booleans and ±Infinity are errors.
 * - boolean: true/false, 1/0, "true"/"false" (any case) and "1"/"0" encode as 1/0; anything else is an error.
 * - categorical: strings are used as they are (case and spaces matter); numbers and booleans through
 *   String(). The code is the value's index in `categories`; a value not in the list gets
 *   `categories.length` ("unseen": one more category to the trees, distinct from missing).
 * - Errors are `FeatureError`s naming the attribute, the value and the problem, e.g.
 *   `attribute 'amount_usd': expected a number, got "abc"`.
 *
 * Writes into `out` at `offset` when given (for batching), otherwise into a new array; returns the array.
 */
export function encodeRecord(
  record: Record<string, AttributeValue>,
  spec: FeatureSpec,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  return encodeLayered([record], spec, out, offset);
}

/**
 * `encodeRecord` over a record given as layers, the first layer that has a value's name winning:
 * `encodeLayered([a, b], …)` encodes exactly what `encodeRecord({ ...b, ...a }, …)` would, without
 * building the merged record (the serving path encodes an alert's envelope over its attributes
 * this way, and copying ~30 attributes per alert was a measurable share of a request).
 */
export function encodeLayered(
  layers: readonly Record<string, AttributeValue>[],
  spec: FeatureSpec,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const cs = compile(spec);
  const target = out ?? new Float32Array(cs.length);
  if (offset < 0 || offset + cs.length > target.length) {
    throw new RangeError(`encodeRecord: ${cs.length} features do not fit at offset ${offset} of an array of ${target.length}`);
  }
  for (let j = 0; j < cs.length; j++) target[offset + j] = encodeValue(cs[j], layeredValue(layers, cs[j].feature.source));
  return target;
}

/** The value of `name` in the first layer that has it as an own property (never Object.prototype's). */
export function layeredValue(layers: readonly Record<string, AttributeValue>[], name: string): AttributeValue | undefined {
  for (let k = 0; k < layers.length; k++) if (Object.hasOwn(layers[k], name)) return layers[k][name];
  return undefined;
}

function columnIndex(table: ColumnTable, feature: Feature): number {
  const { name, source } = feature;
  const tableError = (problem: string) => new FeatureError({ feature: name, source, problem, file: table.source, table: true });
  const i = table.names.indexOf(source);
  if (i < 0) throw tableError(`missing column '${source}'${name === source ? '' : ` (needed by feature '${name}')`}`);
  if (table.names.indexOf(source, i + 1) >= 0) throw tableError(`column '${source}' appears more than once`);
  const length = table.columns[i]?.length;
  if (length !== table.rowCount) throw tableError(`column '${source}' has ${length ?? 'no'} values but rowCount is ${table.rowCount}`);
  return i;
}

/**
 * Encode a whole table into a row-major float32 matrix (`rowCount × spec.features.length`), with
 * exactly the semantics of `encodeRecord` applied to each row. A spec source column absent from the
 * table is an error naming the column and the file; a bad cell is an error naming file, 1-based data
 * row and column, e.g. `alerts.csv row 17, column 'amount_usd': expected a number, got "12,5"`.
 */
export function encodeColumns(table: ColumnTable, spec: FeatureSpec): Float32Array {
  const cs = compile(spec);
  const width = cs.length;
  const n = table.rowCount;
  const cols = cs.map((c) => table.columns[columnIndex(table, c.feature)]);
  const out = new Float32Array(n * width);
  const file = table.source;
  // Within a block of rows, column by column, so each inner loop is monomorphic in kind and array
  // type; the common case (a finite number, a known category, a real boolean) never leaves the loop
  // or allocates. So the error reported is the first bad cell in that scan order, not always the lowest row.
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    for (let j = 0; j < width; j++) {
      const c = cs[j];
      const col = cols[j];
      if (c.kind === NUMERIC) {
        for (let r = start, o = start * width + j; r < end; r++, o += width) {
          const v = col[r];
          out[o] = typeof v === 'number' && Number.isFinite(v) ? v : encodeValue(c, v, r + 1, file);
        }
      } else if (c.kind === BOOLEAN) {
        for (let r = start, o = start * width + j; r < end; r++, o += width) {
          const v = col[r];
          out[o] = v === true ? 1 : v === false ? 0 : encodeValue(c, v, r + 1, file);
        }
      } else {
        const codes = c.codes;
        for (let r = start, o = start * width + j; r < end; r++, o += width) {
          const v = col[r];
          const code = typeof v === 'string' ? codes.get(v) : undefined;
          out[o] = code !== undefined ? code : encodeValue(c, v, r + 1, file);
        }
      }
    }
  }
  return out;
}
