/** @module Infer a feature spec from a table of example alerts, explaining each column's fate in a report. */
import type { ColumnTable } from './encode.ts';
import { featureSpecSchema } from './spec.ts';
import type { Feature, FeatureSpec } from './spec.ts';
import { booleanCode, categoryKey, describeValue, isBooleanLike, isMissing, numberFromText } from './values.ts';

/** Options for `inferFeatureSpec`. */
export interface InferOptions {
  /** Columns that must never become features (ids, timestamps, the label). Each must exist. */
  exclude?: string[];
  /** A text column with more categories than this (after dropping rare ones) is skipped. Default 64. */
  categoricalMaxLevels?: number;
  /** Rows a category needs to get its own code; rarer ones encode as "unseen". Default max(5, 0.1% of rows). */
  minCategoryCount?: number;
}

/** What a column's non-missing values are made of, from one pass over it. */
interface ColumnProfile {
  present: number;
  numbers: number;
  /** Numbers that are exactly 0 or 1 (such a column is kept numeric: it encodes the same as boolean). */
  zeroOnes: number;
  booleans: number;
  texts: number;
  /** 1 or 2: whether the numbers (or the booleans, 0/1 included) take more than one value. */
  distinctNumbers: number;
  booleanValues: Set<boolean>;
  first: unknown;
  examples: { numbers: unknown[]; texts: unknown[] };
}

function profile(origin: string, name: string, column: ArrayLike<unknown>, rowCount: number): ColumnProfile {
  const p: ColumnProfile = {
    present: 0, numbers: 0, zeroOnes: 0, booleans: 0, texts: 0, distinctNumbers: 0,
    booleanValues: new Set(), first: undefined, examples: { numbers: [], texts: [] },
  };
  // Two distinct numbers are all "constant or not" needs; counting more would cost a Set per column.
  let firstNumber = NaN;
  for (let r = 0; r < rowCount; r++) {
    const v = column[r];
    if (isMissing(v)) continue;
    if (p.present++ === 0) p.first = v;
    if (typeof v === 'boolean' || isBooleanLike(v)) {
      p.booleans++;
      p.booleanValues.add(booleanCode(v) === 1);
      continue;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' ? numberFromText(v) : undefined;
    if (n === undefined) {
      if (typeof v !== 'string') throw new Error(`${origin} row ${r + 1}, column '${name}': cannot use ${describeValue(v)} as a feature value`);
      p.texts++;
      if (p.examples.texts.length < 2) p.examples.texts.push(v);
      continue;
    }
    if (!Number.isFinite(n)) throw new Error(`${origin} row ${r + 1}, column '${name}': expected a finite number, got ${describeValue(v)}`);
    p.numbers++;
    if (n === 0 || n === 1) {
      p.zeroOnes++;
      p.booleanValues.add(n === 1);
    }
    if (p.examples.numbers.length < 2) p.examples.numbers.push(v);
    if (p.distinctNumbers === 0) [firstNumber, p.distinctNumbers] = [n, 1];
    else if (n !== firstNumber) p.distinctNumbers = 2;
  }
  return p;
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

/**
 * Infer a spec from any table: all-number columns become numeric, true/false columns boolean, text
 * columns categorical (categories by descending count, then name; rare ones left to "unseen").
 * Skipped with a report line: entirely missing columns, constant columns (one value and no missing
 * values; one value plus missing values is kept, since presence itself may carry signal), and text
 * columns with more than `categoricalMaxLevels` frequent categories or none at all (ids, free text).
 * A column mixing numbers and text is categorical when most values are text, otherwise an error.
 * Numeric text ("12.5") counts as a number and "true"/"false" text as a boolean, as in `encodeRecord`.
 */
export function inferFeatureSpec(table: ColumnTable, options: InferOptions = {}): { spec: FeatureSpec; report: string[] } {
  const { exclude = [], categoricalMaxLevels = 64 } = options;
  const minCount = options.minCategoryCount ?? Math.max(5, Math.ceil(table.rowCount * 0.001));
  const origin = table.source ?? 'table';
  for (const name of exclude) {
    if (!table.names.includes(name)) throw new Error(`${origin}: cannot exclude '${name}': no such column (columns: ${table.names.join(', ')})`);
  }
  const features: Feature[] = [];
  const report: string[] = [];
  const seen = new Set<string>();
  table.names.forEach((name, i) => {
    if (seen.has(name)) throw new Error(`${origin}: column '${name}' appears more than once`);
    seen.add(name);
    if (exclude.includes(name)) return void report.push(`column '${name}': excluded`);
    const column = table.columns[i];
    if (column?.length !== table.rowCount) throw new Error(`${origin}: column '${name}' has ${column?.length ?? 'no'} values but rowCount is ${table.rowCount}`);
    const p = profile(origin, name, column, table.rowCount);
    const skip = (why: string) => void report.push(`column '${name}': skipped, ${why}`);
    const present = `${percent(p.present, table.rowCount)} present`;
    if (p.present === 0) return skip('every value is missing');
    const constant = (distinct: number) => distinct === 1 && p.present === table.rowCount;
    const constantSkip = () => skip(`constant (every row is ${describeValue(p.first)})`);

    if (p.texts === 0 && p.booleans === 0) {
      if (constant(p.distinctNumbers)) return constantSkip();
      features.push({ name, kind: 'numeric', source: name, missing: 'nan' });
      const note = p.distinctNumbers > 1 && p.zeroOnes === p.numbers ? '; only 0/1 values, kept numeric (encodes the same as boolean)' : '';
      return void report.push(`column '${name}': numeric, ${present}${note}`);
    }
    if (p.texts === 0 && p.numbers === p.zeroOnes) {
      if (constant(p.booleanValues.size)) return constantSkip();
      features.push({ name, kind: 'boolean', source: name, missing: 'nan' });
      return void report.push(`column '${name}': boolean, ${present}`);
    }
    if (p.texts * 2 <= p.present) {
      const counts = `${p.numbers} numbers, ${p.booleans} booleans, ${p.texts} text values`;
      const e = [...p.examples.numbers, ...p.examples.texts].map(describeValue).join(', ');
      throw new Error(`${origin}: column '${name}' mixes numbers and text (${counts}; e.g. ${e}): clean it or exclude it`);
    }
    const levels = countLevels(column, table.rowCount);
    if (constant(levels.size)) return constantSkip();
    const mixed = p.numbers + p.booleans > 0 ? `; mostly text, so its ${p.numbers + p.booleans} numbers/booleans are categories too` : '';
    categorical(name, levels, { minCount, maxLevels: categoricalMaxLevels, note: present + mixed, features, report });
  });
  if (features.length === 0) throw new Error(`${origin}: no column can be a feature\n${report.join('\n')}`);
  return { spec: featureSpecSchema.parse({ version: 1, features }), report };
}

/** Rows per category key, over every non-missing value (numbers and booleans through String()). */
function countLevels(column: ArrayLike<unknown>, rowCount: number): Map<string, number> {
  const levels = new Map<string, number>();
  for (let r = 0; r < rowCount; r++) {
    const v = column[r];
    if (isMissing(v)) continue;
    const key = categoryKey(v) as string; // profile() already rejected values with no key
    levels.set(key, (levels.get(key) ?? 0) + 1);
  }
  return levels;
}

function categorical(
  name: string,
  levels: Map<string, number>,
  ctx: { minCount: number; maxLevels: number; note: string; features: Feature[]; report: string[] },
): void {
  // Descending count, then code-unit order: deterministic on every machine, unlike localeCompare.
  const ranked = [...levels].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.filter(([, count]) => count >= ctx.minCount);
  const rare = ranked.length - kept.length;
  const skip = (why: string) => void ctx.report.push(`column '${name}': skipped, ${why}; if it is an id or free text, pass --exclude ${name}`);
  if (kept.length === 0) return skip(`${ranked.length} distinct values and none occurs at least ${ctx.minCount} times`);
  if (kept.length > ctx.maxLevels) return skip(`${kept.length} frequent distinct values (more than ${ctx.maxLevels} categories)`);
  ctx.features.push({ name, kind: 'categorical', source: name, missing: 'nan', categories: kept.map(([k]) => k) });
  const rareRows = ranked.slice(kept.length).reduce((sum, [, count]) => sum + count, 0);
  const rareNote = rare > 0 ? `; ${rare} rare values (< ${ctx.minCount} rows each, ${rareRows} rows) encode as unseen` : '';
  ctx.report.push(`column '${name}': categorical, ${kept.length} categories, ${ctx.note}${rareNote}`);
}
