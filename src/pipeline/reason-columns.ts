/** @module Reason-code columns for `winnow score --explain N`: reason_k (feature) and reason_k_contribution (log-odds). */
import { explainRows, type ExplainRowsOptions } from '../explain/parallel/explain-rows.ts';
import type { AttributeValue, FeatureSpec } from '../features/index.ts';
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';

/**
 * Column names and per-row cells of the top `n` reason codes of every row of `x` (the rows marked
 * in `options.explain`), computed up front on `options.threads` threads.
 */
export async function reasonColumns(model: TreeEnsemble, spec: FeatureSpec, x: Float32Array, n: number, options: ExplainRowsOptions = {}) {
  const names = spec.features.map((f) => f.name);
  const reasons = await explainRows(model, x, x.length / names.length, n, options);
  const columns: string[] = [];
  for (let k = 1; k <= n; k++) columns.push(`reason_${k}`, `reason_${k}_contribution`);
  return {
    columns,
    threads: reasons.threads,
    /** Cells for row `r`; empty for a row that was not scored or has fewer than n non-zero contributions. */
    cells(r: number, scored: boolean): AttributeValue[] {
      const out: AttributeValue[] = new Array(2 * n).fill(null);
      if (!scored) return out;
      for (let k = 0; k < n; k++) {
        const feature = reasons.feature[r * n + k];
        if (feature === -1) break;
        out[2 * k] = names[feature];
        out[2 * k + 1] = reasons.contribution[r * n + k];
      }
      return out;
    },
  };
}
