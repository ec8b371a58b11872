/** @module Renders MODEL_CARD.md from a manifest, so the human-readable card can never disagree with it. */
import { describeMonotone } from '../gbdt/monotone.ts';
import type { EvaluationMetrics, Manifest } from './manifest.ts';
import { calibrationSection, refitHoldoutNote, familySection, lineageLines, monitoringSection } from './model-card-sections.ts';

const num = (x: number | undefined, digits = 4): string => (x === undefined ? '—' : x.toFixed(digits));
const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
// A pipe or newline inside a cell would break the Markdown table.
const cell = (s: string | number | boolean): string => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells: Array<string | number | boolean>): string => `| ${cells.map(cell).join(' | ')} |`;

function table(head: string[], rows: Array<Array<string | number | boolean>>): string {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

function metricsTable(m: Manifest['metrics']): string {
  const sets: Array<[string, EvaluationMetrics]> = [['Validation', m.validation]];
  if (m.holdout) sets.push(['Holdout (time-ordered)', m.holdout]);
  const line = (label: string, f: (e: EvaluationMetrics) => string) => [label, ...sets.map(([, e]) => f(e))];
  // Only weighted sets get the row: a card of an unweighted model reads as it always did.
  const weighted = sets.some(([, e]) => e.weighted)
    ? [line('Sample-weighted alerts, positives (base rate)', (e) => (e.weighted ? `${num(e.weighted.rows, 1)}, ${num(e.weighted.positives, 1)} (${pct(e.weighted.positives / e.weighted.rows)})` : '—'))]
    : [];
  return table(
    ['Metric', ...sets.map(([name]) => name)],
    [
      line('Rows', (e) => String(e.rows)),
      line('Positives (base rate)', (e) => `${e.positives} (${pct(e.rows > 0 ? e.positives / e.rows : undefined)})`),
      ...weighted,
      line('ROC AUC', (e) => num(e.auc)),
      line('PR AUC (average precision)', (e) => num(e.prAuc)),
      line('Brier score', (e) => num(e.brier)),
      line('Log loss', (e) => num(e.logLoss)),
      line('Expected calibration error', (e) => num(e.ece)),
      line('FP reduction at 95% recall', (e) => `${pct(e.fpReduction95)} (threshold ${e.threshold95})`),
      line('FP reduction at 99% recall', (e) => `${pct(e.fpReduction99)} (threshold ${e.threshold99})`),
    ],
  );
}

/** What one data set gets at a recommended threshold, from the most direct record available. */
function outcomeAt(e: EvaluationMetrics | undefined, level: 95 | 99, threshold: number): string {
  if (!e) return '—';
  const at = e.atRecommended?.[level === 95 ? 'recall95' : 'recall99'];
  if (at) return `recall ${pct(at.recall)}, FP reduction ${pct(at.fpReduction)}`;
  const own = level === 95 ? [e.threshold95, e.fpReduction95] : [e.threshold99, e.fpReduction99];
  if (own[0] === threshold) return `recall ≥ ${level}%, FP reduction ${pct(own[1])}`;
  return 'not recorded';
}

function thresholdsTable(m: Manifest): string {
  const { recall95, recall99 } = m.thresholds;
  return table(
    ['Target recall', 'Close alerts scoring below', 'Validation', 'Holdout'],
    [
      ['95%', recall95, outcomeAt(m.metrics.validation, 95, recall95), outcomeAt(m.metrics.holdout, 95, recall95)],
      ['99%', recall99, outcomeAt(m.metrics.validation, 99, recall99), outcomeAt(m.metrics.holdout, 99, recall99)],
    ],
  );
}

function trainingSummary(t: Manifest['training']): string {
  const lines = [
    `- Source: \`${t.source}\``,
    `- Rows: ${t.rows}, of which ${t.positives} true positives (base rate ${pct(t.baseRate)})`,
  ];
  if (t.timeColumn) lines.push(`- Time column: \`${t.timeColumn}\` (train on the past, evaluate on the future)`);
  if (t.weightColumn) {
    const w = t.weighted ? `: the rows stand for ${num(t.weighted.rows, 1)} alerts, ${num(t.weighted.positives, 1)} true positives (base rate ${pct(t.weighted.positives / t.weighted.rows)})` : '';
    lines.push(`- Sample weights: column \`${t.weightColumn}\`, used in training and in every metric and threshold below${w}`);
  }
  if (t.trainRange) lines.push(`- Training period: ${t.trainRange.from} to ${t.trainRange.to}`);
  if (t.validRange) lines.push(`- Validation period: ${t.validRange.from} to ${t.validRange.to}`);
  if (t.holdoutRange) lines.push(`- Holdout period: ${t.holdoutRange.from} to ${t.holdoutRange.to}`);
  lines.push(...lineageLines(t));
  return lines.join('\n');
}

/** An imported model: where it came from, and the labelled data winnow measured it on (not its training data). */
function importedSummary(m: Manifest): string {
  const p = m.provenance!;
  const t = m.training;
  const lines = [
    `- Trained outside winnow with **${p.tool}** and imported by \`winnow import\` on ${p.importedAt}. winnow does not know the data it was trained on.`,
    `- Source file: \`${p.file}\` (format ${p.formatVersion}), sha256 \`${p.sha256}\``,
  ];
  if (typeof t.validationSource === 'string') lines.push(`- Metrics and thresholds below come from \`${t.validationSource}\`${typeof t.labelColumn === 'string' ? ` (label \`${t.labelColumn}\`)` : ''}, scored through ONNX Runtime after import`);
  if (t.timeColumn) lines.push(`- Time column: \`${t.timeColumn}\` (thresholds chosen on the earlier rows, checked on the later holdout)`);
  if (t.validRange) lines.push(`- Validation period: ${t.validRange.from} to ${t.validRange.to}`);
  if (t.holdoutRange) lines.push(`- Holdout period: ${t.holdoutRange.from} to ${t.holdoutRange.to}`);
  return lines.join('\n');
}

/** The command that recomputes the holdout metrics, when the manifest records its split. */
function reproduceNote(m: Manifest): string {
  const t = m.training;
  if (!t.split || typeof t.labelColumn !== 'string') return '';
  if (t.recipe === 'refit') return refitHoldoutNote(t);
  const data = typeof t.dataPath === 'string' ? t.dataPath : t.source;
  const weight = typeof t.weightColumn === 'string' ? ` --weight ${t.weightColumn}` : '';
  return ` To recompute them from the training file: \`winnow evaluate --model models/${m.name}/${m.version} --data ${data} --label ${t.labelColumn}${weight} --holdout\`.`;
}

/** One paragraph on what kind of model this is and its size. */
function modelShape(m: Manifest): string {
  if (m.trees) return `Gradient-boosted trees: ${m.trees.count} trees, maximum depth ${m.trees.maxDepth}, ${m.trees.leaves} leaves in total.`;
  const n = m.network!;
  const kind = n.algo === 'logreg' ? 'Logistic regression' : `Multilayer perceptron (relu hidden layers of ${n.layers.slice(1, -1).join(', ')})`;
  return `${kind}, trained with tfjs (${n.backend} backend): layer widths ${n.layers.join(' → ')}, ${n.weights} weights; ` +
    `best validation log-loss after epoch ${n.bestEpoch} of ${n.epochsRun}. The ONNX graph standardises ${n.standardised} inputs ` +
    `(training mean and std; missing → the mean), one-hot encodes categories into ${n.oneHotColumns} columns and adds ` +
    `${n.missingIndicators} missing-value indicators before the network, so it takes the same encoded features as a tree model. ` +
    'It has no trees, so no TreeSHAP reason codes.';
}

/** The model's monotone constraints in words, as a paragraph followed by a blank line; '' when it has none. */
function monotoneLine(m: Manifest): string {
  const text = m.parameters.monotone;
  if (typeof text !== 'string' || text === '') return '';
  return `\nMonotone constraints: ${describeMonotone(text)}. With every other feature fixed, the score never falls as an ` +
    '"increasing" feature rises and never rises as a "decreasing" one does; a missing value is not ordered against present ones.\n';
}

/** Markdown model card for compliance readers: use, data, parameters, metrics, thresholds, caveats and hashes. */
export function renderModelCard(m: Manifest): string {
  const features = m.featureSpec.features.map((f, i) => [
    i,
    f.name,
    f.kind,
    f.source,
    f.missing,
    f.categories ? f.categories.length : '',
  ]);
  const params = Object.entries(m.parameters)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, v]);
  const holdoutNote = m.metrics.holdout
    ? 'Holdout metrics come from a later period than training and validation; they are the best estimate of performance on future alerts.' + reproduceNote(m)
    : '**No holdout metrics are recorded.** Validation numbers alone overstate what the model will do on future alerts.';
  return `# Model card: ${m.name} ${m.version}

Created ${m.createdAt}. Manifest format ${m.formatVersion}.

## Intended use

A second-stage scorer for financial-crime compliance alerts raised by upstream rules. It estimates the
probability that an alert is a true positive so alerts can be ranked, and alerts scoring below a chosen
threshold can be closed or deprioritised under a documented policy. It does not decide whether activity is
suspicious, and must not be the sole basis for filing or not filing a report.

## Training data

${m.provenance ? importedSummary(m) : trainingSummary(m.training)}

## Features

${table(['#', 'Name', 'Kind', 'Source attribute', 'Missing', 'Categories'], features)}

## Model

${modelShape(m)}
${monotoneLine(m)}
${params.length > 0 ? table(['Parameter', 'Value'], params) : 'No parameters recorded.'}

## Metrics

${metricsTable(m.metrics)}

${holdoutNote}

## Recommended thresholds

${thresholdsTable(m)}

Thresholds were chosen on the validation set as the highest score that still keeps the target share of true
positives above it. "FP reduction" is the share of false-positive alerts that fall below the threshold.

${familySection(m)}${calibrationSection(m)}
## Limitations and caveats

- Labels exist only for alerts analysts reviewed; true positives the rules never raised are invisible, so
  "recall" means recall among alerted, labelled cases.
- Recall at a threshold drifts when alert volumes, rules or customer behaviour change. Keep a below-the-line
  sample of would-be closures going to review so missed true positives are measured, and re-validate regularly.
- Rules that must never be suppressed (sanctions, terrorist financing) must stay exempt in the policy,
  whatever the score.
- An alert that cannot be scored must fail open to review.
- Scores are probabilities only as far as the calibration metrics above show; read them as a ranking first.
- Performance is measured on one time-ordered holdout; families with few true positives above have wide
  uncertainty, and a new rule or product has no history in the training data at all.

${monitoringSection(m)}
## Integrity

- Feature spec hash: \`${m.specHash}\`
- ONNX file: \`${m.onnx.file}\`, sha256 \`${m.onnx.sha256}\`
- ONNX input \`${m.onnx.inputName}\`, outputs \`${m.onnx.outputNames.probabilities}\` (probabilities) and \`${m.onnx.outputNames.label}\` (label); opsets ${Object.entries(m.onnx.opset).map(([d, v]) => `${d} ${v}`).join(', ')}
`;
}
