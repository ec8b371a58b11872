/** @module Plain-text rendering of evaluation metrics for the terminal. */
import type { EvaluationMetrics } from '../../model/index.ts';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** A short block: rows (and weighted totals), AUC, PR-AUC, Brier and FP reduction at 95%/99% recall. */
export function formatMetrics(title: string, m: EvaluationMetrics): string {
  const w = m.weighted;
  const lines = [
    `${title}: ${m.rows} alerts, ${m.positives} true positives (${pct(m.positives / m.rows)})`,
    ...(w ? [`  sample-weighted: they stand for ${w.rows.toFixed(1)} alerts, ${w.positives.toFixed(1)} true positives (${pct(w.positives / w.rows)}); every metric below is weighted`] : []),
    `  AUC ${m.auc.toFixed(4)}   PR-AUC ${m.prAuc.toFixed(4)}   Brier ${m.brier.toFixed(5)}`,
    `  at 95% recall: closes ${pct(m.fpReduction95)} of false positives (threshold ${m.threshold95.toFixed(6)})`,
    `  at 99% recall: closes ${pct(m.fpReduction99)} of false positives (threshold ${m.threshold99.toFixed(6)})`,
  ];
  if (m.atRecommended) {
    const a = m.atRecommended;
    lines.push(`  at the recommended thresholds: recall ${pct(a.recall95.recall)} / FP reduction ${pct(a.recall95.fpReduction)} (95%), recall ${pct(a.recall99.recall)} / ${pct(a.recall99.fpReduction)} (99%)`);
  }
  return lines.join('\n');
}
