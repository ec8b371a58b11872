/**
 * @module Monotone constraints (`monotone=amount_usd:+1,account_age_days:-1`): parsing, resolving
 * against feature names, and the leaf-value bounds that split search and leaf values share.
 *
 * Method (XGBoost's and LightGBM's "basic"): every node carries bounds [lower, upper] on leaf values.
 * A split on a constrained feature is taken only if its children's (clamped) optimal values respect
 * the direction; its children then split the parent's bounds at the midpoint of those two values.
 * Every leaf value, and every candidate value in a split's gain, is clamped to its node's bounds.
 * So each tree, and therefore the sum of trees, is monotone in each constrained feature.
 *
 * Monotonicity holds over non-missing values only: a split sends all values <= its threshold one way
 * and larger ones the other, whatever it does with NaN. Where a missing value lands is learned freely,
 * and its score is not ordered against any non-missing value's.
 */

/** +1: the score never decreases as the feature rises; -1: never increases. */
export type MonotoneDirection = 1 | -1;

export interface MonotoneEntry {
  name: string;
  direction: MonotoneDirection;
}

/** What resolving needs to know of a feature (a feature spec's `features` fits). */
export interface MonotoneFeature {
  name: string;
  kind?: string;
}

const PREFIX = 'training parameter monotone';

/** Parse the parameter text (`name:+1,name:-1`; `0` entries mean no constraint and are dropped); errors name the entry. */
export function parseMonotone(text: string): MonotoneEntry[] {
  const out: MonotoneEntry[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue; // a trailing comma is harmless
    // The last colon splits: a feature name may itself contain one.
    const colon = entry.lastIndexOf(':');
    const name = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (colon < 0 || name === '') throw new Error(`${PREFIX}: entry '${entry}': expected feature:+1 or feature:-1`);
    const sign = entry.slice(colon + 1).trim();
    const direction = sign === '+1' || sign === '1' ? 1 : sign === '-1' ? -1 : sign === '0' || sign === '+0' || sign === '-0' ? 0 : null;
    if (direction === null) {
      throw new Error(`${PREFIX}: entry '${entry}': direction must be +1 (increasing), -1 (decreasing) or 0 (none), got '${sign}'`);
    }
    if (seen.has(name)) throw new Error(`${PREFIX}: feature '${name}' is listed more than once`);
    seen.add(name);
    if (direction !== 0) out.push({ name, direction });
  }
  return out;
}

/**
 * Resolve the parameter text against the model's features: one direction per feature index
 * (-1, 0 or +1), or null when nothing is constrained (training then takes its unconstrained path).
 */
export function resolveMonotone(text: string, features: readonly MonotoneFeature[]): Int8Array | null {
  const entries = parseMonotone(text);
  if (entries.length === 0) return null;
  const out = new Int8Array(features.length);
  for (const e of entries) {
    const f = features.findIndex((x) => x.name === e.name);
    if (f < 0) throw new Error(`${PREFIX}: unknown feature '${e.name}'${suggestion(e.name, features.map((x) => x.name))}`);
    if (features[f].kind === 'categorical') {
      throw new Error(`${PREFIX}: feature '${e.name}' is categorical: its codes follow category order, not a scale, so it cannot be monotone`);
    }
    out[f] = e.direction;
  }
  return out;
}

/** Canonical text of resolved constraints, in feature order: `amount_usd:+1,account_age_days:-1` ('' for none). */
export function formatMonotone(directions: Int8Array | null, names: readonly string[]): string {
  if (!directions) return '';
  const parts: string[] = [];
  directions.forEach((d, f) => { if (d !== 0) parts.push(`${names[f]}:${d > 0 ? '+1' : '-1'}`); });
  return parts.join(',');
}

/** Readable form for a model card: `amount_usd increasing, account_age_days decreasing`. */
export function describeMonotone(text: string): string {
  return parseMonotone(text).map((e) => `${e.name} ${e.direction > 0 ? 'increasing' : 'decreasing'}`).join(', ');
}

/** The closest name a typo or a shortened name (`amount` for `amount_usd`) could mean, else the list of names. */
function suggestion(name: string, names: string[]): string {
  const wanted = name.toLowerCase();
  let best = '';
  let bestDistance = Infinity;
  for (const n of names) {
    const candidate = n.toLowerCase();
    const d = editDistance(wanted, candidate);
    const close = d <= Math.max(2, Math.floor(wanted.length / 3)) || candidate.startsWith(wanted) || wanted.startsWith(candidate);
    if (close && d < bestDistance) {
      bestDistance = d;
      best = n;
    }
  }
  if (best) return ` (did you mean '${best}'?)`;
  const listed = names.slice(0, 8).map((n) => `'${n}'`).join(', ');
  return `; features are ${listed}${names.length > 8 ? `, … (${names.length} in all)` : ''}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Leaf-value bounds of a node, before the learning rate; ±Infinity when unconstrained. */
export interface ValueBounds {
  lower: number;
  upper: number;
}

export const UNBOUNDED: ValueBounds = { lower: -Infinity, upper: Infinity };

/** `v` clamped to [lower, upper] (unchanged, bit for bit, when the bounds are infinite). */
export function clampValue(v: number, lower: number, upper: number): number {
  return v < lower ? lower : v > upper ? upper : v;
}

/**
 * Bounds of the two children of a split on a feature with direction `direction`, given the parent's
 * bounds and sums and the left child's sums. An unconstrained split passes the parent's bounds on;
 * a constrained one splits them at the midpoint of the children's clamped optimal values.
 */
export function childBounds(
  parent: ValueBounds & { sumG: number; sumH: number }, leftG: number, leftH: number, direction: number, l2: number,
): [ValueBounds, ValueBounds] {
  const { lower, upper } = parent;
  if (direction === 0) return [{ lower, upper }, { lower, upper }];
  const wl = clampValue(-leftG / (leftH + l2), lower, upper);
  const wr = clampValue(-(parent.sumG - leftG) / (parent.sumH - leftH + l2), lower, upper);
  const mid = (wl + wr) / 2;
  return direction > 0
    ? [{ lower, upper: mid }, { lower: mid, upper }]
    : [{ lower: mid, upper }, { lower, upper: mid }];
}
