/**
 * @module V2 input tensors as what winnow scores: rows of encoded features (FP32), or alert items
 * (BYTES, each element one alert as JSON text). Every refusal names the field, as `/v1/score` does.
 */
import type { Feature, FeatureSpec } from '../features/index.ts';
import { findUnstorableText } from '../store/storable-text.ts';
import { MAX_JSON_DEPTH, tooDeepAt } from './json-depth.ts';
import { ALERTS_INPUT, FEATURES_INPUT, type RequestInput } from './oip-schema.ts';

export type Decoded<T> = { ok: true; value: T } | { ok: false; message: string };

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/**
 * `data` in row-major order: the protocol allows it flat or nested like the shape. Undefined once
 * past `limit` elements, so a body with far more data than its shape says is not copied whole.
 */
export function flatten(data: readonly unknown[], limit: number): unknown[] | undefined {
  const out: unknown[] = [];
  const walk = (items: readonly unknown[]): boolean => {
    for (const item of items) {
      if (Array.isArray(item)) {
        if (!walk(item)) return false;
      } else {
        if (out.length === limit) return false;
        out.push(item);
      }
    }
    return true;
  };
  // Recursion is bounded: readJsonBody refused bodies nested deeper than MAX_JSON_DEPTH.
  return walk(data) ? out : undefined;
}

/** The elements `shape` promises, or why `data` does not hold exactly that many. */
function elements(input: RequestInput, at: string): Decoded<unknown[]> {
  const count = input.shape.reduce((a, b) => a * b, 1);
  const flat = flatten(input.data, count);
  if (flat?.length === count) return { ok: true, value: flat };
  return fail(`${at}.data: shape [${input.shape.join(', ')}] holds ${count} element(s), data has ${flat ? flat.length : `more than ${count}`}`);
}

/**
 * `features` as a row-major Float32Array of `n` rows, each the bundle's features in spec order:
 * numbers as they are, categoricals as their codes, booleans as 0/1, `null` for a missing value
 * (JSON cannot write NaN; the model sees NaN, as encode gives it).
 */
export function featureRows(input: RequestInput, at: string, spec: FeatureSpec, maxRows: number): Decoded<{ rows: Float32Array; n: number }> {
  const nf = spec.features.length;
  if (input.datatype !== 'FP32') return fail(`${at}.datatype: '${FEATURES_INPUT}' is FP32, got '${input.datatype}'`);
  if (input.shape.length !== 2 || input.shape[1] !== nf) {
    return fail(`${at}.shape: '${FEATURES_INPUT}' is [n, ${nf}] (n rows of this model's ${nf} encoded features), got [${input.shape.join(', ')}]`);
  }
  const n = input.shape[0];
  if (n < 1 || n > maxRows) return fail(`${at}.shape: 1 to ${maxRows} rows per request, got ${n}`);
  const flat = elements(input, at);
  if (!flat.ok) return flat;
  const rows = new Float32Array(n * nf);
  for (let k = 0; k < rows.length; k++) {
    const feature = spec.features[k % nf];
    const v = flat.value[k];
    const problem = featureValueProblem(v, feature);
    if (problem) return fail(`${at}.data: row ${Math.floor(k / nf)}, feature ${k % nf} '${feature.name}' (${feature.kind}): ${problem}`);
    rows[k] = v === null ? NaN : (v as number);
  }
  return { ok: true, value: { rows, n } };
}

/** Why `v` is not a value encode could have given `feature`, or undefined. */
function featureValueProblem(v: unknown, feature: Feature): string | undefined {
  if (v === null) return feature.missing === 'reject' ? 'missing (null), and this feature refuses missing values' : undefined;
  if (typeof v !== 'number') return `expected a number, or null for a missing value; got ${describe(v)}`;
  if (!Number.isFinite(Math.fround(v))) return `${v} is not a finite FP32 value (send null for a missing value)`;
  if (feature.kind === 'boolean' && v !== 0 && v !== 1) return `a boolean is 0 or 1, got ${v}`;
  if (feature.kind === 'categorical') {
    const unseen = feature.categories?.length ?? 0;
    if (!Number.isInteger(v) || v < 0 || v > unseen) return `a category code is an integer from 0 to ${unseen} (${unseen}: a category the model never saw), got ${v}`;
  }
  return undefined;
}

/**
 * `alerts` as alert items for the data plane: each element the JSON text of one `/v1/score` alert.
 * Text that is not JSON refuses the request (as a body that is not JSON does); JSON that is not a
 * valid alert is scored like a bad item in `/v1/score`: review, with its error.
 */
export function alertItems(input: RequestInput, at: string, maxAlerts: number): Decoded<unknown[]> {
  if (input.datatype !== 'BYTES') return fail(`${at}.datatype: '${ALERTS_INPUT}' is BYTES (one alert as JSON text per element), got '${input.datatype}'`);
  if (input.shape.length !== 1) return fail(`${at}.shape: '${ALERTS_INPUT}' is [n], got [${input.shape.join(', ')}]`);
  const n = input.shape[0];
  if (n < 1 || n > maxAlerts) return fail(`${at}.shape: 1 to ${maxAlerts} alerts per request, got ${n}`);
  const flat = elements(input, at);
  if (!flat.ok) return flat;
  const items: unknown[] = [];
  for (const [i, text] of flat.value.entries()) {
    const where = `${at}.data.${i}`;
    if (typeof text !== 'string') return fail(`${where}: each element is one alert as JSON text (a string), got ${describe(text)}`);
    const deep = tooDeepAt(text);
    if (deep >= 0) return fail(`${where}: nests deeper than ${MAX_JSON_DEPTH} levels (at character ${deep})`);
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch (err) {
      return fail(`${where}: not JSON: ${(err as Error).message}`);
    }
    // Escapes inside the element's text are decoded only now, so the body's check could not see them.
    const unstorable = text.includes('\\u') ? findUnstorableText(item) : undefined;
    if (unstorable) return fail(`${where}: ${unstorable.path}: ${unstorable.problem}`);
    items.push(item);
  }
  return { ok: true, value: items };
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${typeof v} ${text.slice(0, 40)}…` : text;
}
