/** @module Model-card sections for model-risk review: data lineage, results per rule family, calibration, monitoring plan. */
import type { BandExpectation, CalibrationCheck } from '../calibration/calibration-check.ts';
import { DRIFT_THRESHOLDS } from '../drift/drift-report.ts';
import type { Manifest } from './manifest.ts';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null | undefined, digits = 4): string => (x === null || x === undefined ? '—' : x.toFixed(digits));
const row = (cells: Array<string | number>): string => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
const table = (head: string[], rows: Array<Array<string | number>>): string => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** Lineage lines for the training-data section: file hash, label definition, split sizes. */
export function lineageLines(t: Manifest['training']): string[] {
  const lines: string[] = [];
  if (typeof t.dataSha256 === 'string') lines.push(`- File sha256: \`${t.dataSha256}\` (the whole file: training, validation and holdout rows)`);
  if (typeof t.labelColumn === 'string') {
    lines.push(`- Label: column \`${t.labelColumn}\`: 1 = the alert was true risk as decided by an analyst (for \`winnow export\` data: the dispositions \`--positive\` counts, by default true_positive and sar_filed), 0 = a false positive; rows with an empty label (not yet decided) are left out`);
  }
  const refit = t.recipe === 'refit' ? (t.refit as RefitRecord | undefined) : undefined;
  if (typeof t.validRows === 'number' && typeof t.holdoutRows === 'number') {
    const holdoutUse = refit ? 'newest; fitted only by the served model, never by a model measured on them' : 'newest, never used for fitting';
    lines.push(`- Split by time: ${t.rows} training, ${t.validRows} validation (early stopping, recommended thresholds${t.validationSource ? `, from \`${String(t.validationSource)}\`` : ''}), ${t.holdoutRows} holdout rows (${holdoutUse})`);
  }
  if (refit) {
    lines.push(`- **Served model: refit on all ${refit.rows} labelled rows**, the newest included, with ${refit.trees} trees (the count early stopping chose on validation). It saw every row on this card, so no figure here is measured on the served model itself.`);
    lines.push(`- Where the figures come from: validation, from the split model (fitted on the ${t.rows} training rows); holdout, from a backtest of the refit recipe (refit on the ${refit.backtestRows} rows before the holdout, same tree count, same thresholds), which never saw the holdout.`);
  } else if (t.recipe === 'split') {
    lines.push('- Served model: the split model, fitted on the training rows only (`--recipe split`).');
  }
  return lines;
}

/** The part of a manifest's `training` that a refit records (see pipeline/refit-model.ts). */
interface RefitRecord {
  rows: number;
  trees: number;
  backtestRows: number;
  splitModelHoldout?: { auc: number; prAuc: number; atRecommended?: { recall95: { recall: number; fpReduction: number }; recall99: { recall: number; fpReduction: number } } };
}

/**
 * The holdout note of a refit bundle: how the recipe kept its thresholds on later data, against
 * the split model, and why `evaluate --holdout` does not apply.
 */
export function refitHoldoutNote(t: Manifest['training']): string {
  const r = t.refit as RefitRecord | undefined;
  const split = r?.splitModelHoldout;
  const at = split?.atRecommended;
  const check = at
    ? ` Threshold check on the holdout (time-ordered): the split model, with the same thresholds, reached recall ${pct(at.recall95.recall)} at the 95% threshold and ${pct(at.recall99.recall)} at the 99% one (ROC AUC ${num(split!.auc)}); the table above gives the refit recipe's.`
    : '';
  return ` Under the refit recipe, the holdout figures are the backtest's.${check} \`winnow evaluate --holdout\` does not apply to the served model, which learned from the holdout; measure it on later alerts (\`--since\`).`;
}

/** Holdout performance per rule family, or an empty string when it was not recorded. */
export function familySection(m: Manifest): string {
  const families = m.holdoutByRuleFamily as Array<Record<string, number | string | null>> | undefined;
  if (!families || families.length === 0) return '';
  const rows = families.map((f) => [
    String(f.family), String(f.rows), `${f.positives} (${pct((f.positives as number) / (f.rows as number))})`, num(f.auc as number | null),
    pct(f.recallAt95 as number | null), pct(f.fpReductionAt95 as number | null), pct(f.closedAt95 as number),
  ]);
  return `## Holdout performance by rule family

Rule family = the \`rule_id\` prefix before "_" (tm transaction monitoring, scr sanctions/PEP screening, acc access
risk, kyc, mm market manipulation). Figures at the recommended 95%-recall threshold (${m.thresholds.recall95}). A family
whose recall is well below the overall figure is one to exempt (never-suppress) or to threshold separately
(\`winnow simulate --by rule\`).

${table(['Family', 'Holdout alerts', 'True positives', 'ROC AUC', 'Recall', 'FP reduction', 'Alerts closed'], rows)}

`;
}

function bandRows(bands: BandExpectation[]): Array<Array<string | number>> {
  return bands.map((b) => [`${b.band} [${num(b.from, 6)}, ${num(b.to, 6)})`, b.alerts, pct(b.expectedRate), pct(b.observedRate), pct(b.expectedShareOfPositives), pct(b.observedShareOfPositives)]);
}

/** What the calibration map is and what it did on the holdout; says so plainly when there is none. */
export function calibrationSection(m: Manifest): string {
  const c = m.calibration;
  if (!c) {
    return `## Calibration

No calibration map: scores are ONNX Runtime's probabilities as the trees give them (trained on log loss, so
roughly calibrated on data like the training data; see Brier score and expected calibration error above).
`;
  }
  const what = c.method === 'platt'
    ? `Platt scaling: p = 1 / (1 + exp(−(${num(c.a, 6)} · logit(raw) + ${num(c.b, 6)})))`
    : `isotonic regression (pool adjacent violators over at most 100 quantile groups), ${c.x.length} breakpoints, linear in between`;
  const check = c.holdoutCheck as CalibrationCheck | undefined;
  const checkText = check
    ? `On the holdout (${check.rows} alerts): Brier ${num(check.brierBefore, 5)} before, ${num(check.brierAfter, 5)} after;
expected calibration error ${num(check.eceBefore, 5)} before, ${num(check.eceAfter, 5)} after.

${table(['Score bin', 'Alerts (raw)', 'Mean raw score', 'Observed rate', 'Alerts (calibrated)', 'Mean calibrated score', 'Observed rate'],
    check.reliabilityBefore.flatMap((b, i) => {
      const a = check.reliabilityAfter[i];
      return b.count === 0 && a.count === 0 ? [] : [[`[${b.lower.toFixed(1)}, ${b.upper.toFixed(1)})`, b.count, num(b.meanPredicted), num(b.observedRate), a.count, num(a.meanPredicted), num(a.observedRate)]];
    }))}

Expected true positives per policy band (bands cut at the recommended thresholds; expected = sum of calibrated scores):

${table(['Band (calibrated score)', 'Alerts', 'Expected TP rate', 'Observed', 'Expected share of all TPs', 'Observed'], bandRows(check.bands))}
`
    : 'No holdout check was recorded.\n';
  return `## Calibration

${what}, fitted on the ${String(c.fittedOn ?? 'validation')} set${typeof c.fitRows === 'number' ? ` (${c.fitRows} alerts)` : ''} and applied to ONNX Runtime's output
everywhere this bundle scores (service, \`winnow score\`, \`evaluate\`, \`simulate\`). The map is increasing, so
rankings are unchanged; every metric and threshold above is on calibrated scores.

${checkText}`;
}

/** Which drift readings trigger what; names the reference the readings compare with. */
export function monitoringSection(m: Manifest): string {
  const ref = m.scoreReference as { source?: string; rows?: number } | undefined;
  const reference = m.reference || m.scoreReference
    ? `The manifest keeps reference distributions (deciles, missing share apart) of every feature and of the score, taken from
the ${ref?.source ?? 'holdout'} rows${ref?.rows !== undefined ? ` (${ref.rows} alerts)` : ''}.`
    : '**This bundle has no reference distributions**, so drift cannot be measured against it; retrain to add them.';
  return `## Monitoring plan

${reference} The service compares the last alerts it scored (default 10,000 per model version) with them:
\`GET /v1/models/${m.name}/${m.version}/drift\` and the Prometheus gauge \`winnow_drift_psi{model, feature}\`;
\`winnow drift --from T --to T --model ${m.name}/${m.version}\` does the same from stored decisions for any period.

| Population stability index (PSI) | Status | Action |
| --- | --- | --- |
| < ${DRIFT_THRESHOLDS.moderate} on the score and every feature | stable | none |
| ${DRIFT_THRESHOLDS.moderate} – ${DRIFT_THRESHOLDS.major} on any | moderate | find the cause (new rule, product, upstream data change); watch the below-the-line sample's missed-TP rate weekly |
| ≥ ${DRIFT_THRESHOLDS.major} on a feature | major | re-validate on recent labelled alerts (\`winnow evaluate --since\`); if recall at the threshold fell, raise the threshold or stop auto-closing until retrained |
| ≥ ${DRIFT_THRESHOLDS.major} on the score | major | the share of alerts closed has moved: re-validate now and retrain (\`winnow retrain\`), with the promotion gate on recall |

Independently of drift: keep the below-the-line sample (2% of would-be closures reviewed), and re-validate at least quarterly.
`;
}
