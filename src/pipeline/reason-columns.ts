/** @module Reason-code columns for `winnow score --explain N`: reason_k (feature) and reason_k_contribution (log-odds). */
import { TreeExplainer, topReasons } from '../explain/index.ts';
import type { AttributeValue, FeatureSpec } from '../features/index.ts';
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';

/** Column names and per-row cells of the top `n` reason codes of every row of `x`. */
export function reasonColumns(model: TreeEnsemble, spec: FeatureSpec, x: Float32Array, n: number) {
  // Built first so a model without node cover fails before anything is scored or written.
  const explainer = new TreeExplainer(model);
  const names = spec.features.map((f) => f.name);
  const phi = new Float64Array(names.length);
  const columns: string[] = [];
  for (let k = 1; k <= n; k++) columns.push(`reason_${k}`, `reason_${k}_contribution`);
  return {
    columns,
    /** Cells for row `r`; empty for a row that was not scored or has fewer than n non-zero contributions. */
    cells(r: number, scored: boolean): AttributeValue[] {
      const out: AttributeValue[] = new Array(2 * n).fill(null);
      if (!scored) return out;
      explainer.explain(x, phi, r * names.length);
      topReasons(phi, n, names, () => undefined).forEach((reason, k) => {
        out[2 * k] = reason.feature;
        out[2 * k + 1] = reason.contribution;
      });
      return out;
    },
  };
}
