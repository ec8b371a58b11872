/**
 * @module The `retrain` use case: export → train a candidate → compare it with the active model on
 * the same time-ordered holdout → report → gate → register. Registering copies the candidate into
 * the models folder as the next version; it does not activate it (`winnow promote` does).
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Comparison, compareModels, type GateVerdict, promotionGate } from '../feedback/compare-models.ts';
import { HISTORY_COLUMNS } from '../feedback/entity-history.ts';
import { META_COLUMNS } from '../feedback/training-row.ts';
import type { TrainProgress } from '../gbdt/train.ts';
import type { TrainParamsInput } from '../gbdt/params.ts';
import { readTable, type Table } from '../io/read-table.ts';
import { listBundles, readBundle } from '../model/index.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { gather, gatherRows } from './columns.ts';
import { exportTrainingData } from './export-training.ts';
import type { CalibrationMethod } from '../calibration/calibration-schema.ts';
import { encodeLabelled, labelledRows } from './load-labelled.ts';
import { timeOrderedSplit } from './split.ts';
import { trainBundle } from './train-bundle.ts';

export interface RetrainOptions {
  store: Pick<DecisionStore, 'listDecisions' | 'listDecisionKeys' | 'listFeedback'>;
  models: string;
  /** The active model, `NAME/VERSION`: what the candidate must beat. */
  active: string;
  out: string;
  /** Only decisions scored at or after this instant. */
  since?: string;
  asOf?: string;
  positive?: readonly string[];
  /** Train from this file (an export, perhaps edited) instead of the fresh export; the holdout still comes from the store. */
  data?: string;
  params?: TrainParamsInput;
  /** How to calibrate the candidate; by default the active model's method, so the two stay comparable as served. */
  calibrate?: CalibrationMethod;
  maxRecallLoss: number;
  log?(line: string): void;
  onProgress?(p: TrainProgress): void;
}

export interface RetrainResult {
  candidate: { name: string; version: string; dir: string };
  comparison: Comparison;
  gate: GateVerdict;
  /** Where the candidate was registered, when the gate passed. */
  registered?: string;
  report: string;
}

const LABEL = 'label';
const TIME = 'scored_at';
const WEIGHT = 'sample_weight';

export async function retrain(o: RetrainOptions): Promise<RetrainResult> {
  const log = o.log ?? (() => {});
  const [name, activeVersion] = o.active.split('/');
  const activeDir = join(o.models, name, activeVersion);
  // Read first: fail before a long export when the active bundle is missing or corrupt.
  const activeBundle = await readBundle(activeDir);
  const calibrate = o.calibrate ?? activeBundle.manifest.calibration?.method ?? 'none';
  await mkdir(o.out, { recursive: true });
  // The holdout always comes from the store's own labels, so a candidate trained on another
  // file (--data, e.g. an edited export) is still judged against what analysts decided.
  const exported = join(o.out, 'export.csv');
  const res = await exportTrainingData({ store: o.store, models: o.models, out: exported, from: o.since, asOf: o.asOf, positive: o.positive });
  log(`exported ${res.labelled} labelled alerts (${res.sampled} below-the-line samples, weighted) to ${exported}`);
  if (res.labelled === 0) throw new Error('no labelled alerts in the store: post feedback first (POST /v1/feedback)');
  const data = o.data ?? exported;
  const truth = o.data ? await readTable(exported) : undefined;
  const table = await readTable(data);
  const version = await nextVersion(o.models, name);
  const candidateDir = resolve(o.out, 'candidate');
  // Metadata columns are not features; history columns that are empty throughout (no entity ids) would only add noise.
  const exclude = [...META_COLUMNS.filter((c) => c !== LABEL && c !== TIME), ...HISTORY_COLUMNS.filter((c) => isEmpty(table, c))];
  const trained = await trainBundle({
    data, label: LABEL, timeColumn: TIME, exclude, params: o.params, calibrate, out: candidateDir, name, version, overwrite: true,
    ...(table.names.includes(WEIGHT) ? { weightColumn: WEIGHT } : {}), log: (line) => log(`  ${line}`), onProgress: o.onProgress,
  });

  // Both models on the candidate's holdout rows: newest labelled alerts, never trained on.
  const split = trained.manifest.training.split as { holdout: number; valid: number };
  const holdoutTable = truth ?? table;
  // The candidate's side is scored by the model that never saw these rows: under the refit recipe,
  // its backtest (the served candidate was refit on them too).
  const rowsFor = async ({ manifest, onnxBytes }: Pick<Awaited<ReturnType<typeof readBundle>>, 'manifest' | 'onnxBytes'>) => {
    const enc = encodeLabelled(holdoutTable, manifest.featureSpec, LABEL, TIME);
    const rows = timeOrderedSplit(labelledRows(enc.labels), enc.times, split).holdout;
    const scorer = await OnnxScorer.load(onnxBytes, { calibration: manifest.calibration });
    try {
      return { labels: gather(enc.labels, rows), scores: await scorer.score(gatherRows(enc.x, enc.numFeatures, rows), rows.length), rows, threshold: manifest.thresholds.recall95 };
    } finally {
      await scorer.release();
    }
  };
  const a = await rowsFor(activeBundle);
  const c = await rowsFor({ manifest: (await readBundle(candidateDir)).manifest, onnxBytes: trained.holdoutModel });
  const weights = gather(Float32Array.from(holdoutTable.columns[holdoutTable.names.indexOf(WEIGHT)], Number), c.rows);
  const comparison = compareModels(c.labels, { ref: o.active, scores: a.scores, threshold: a.threshold }, { ref: `${name}/${version}`, scores: c.scores, threshold: c.threshold }, weights);
  const gate = promotionGate(comparison, { maxRecallLoss: o.maxRecallLoss });
  let registered: string | undefined;
  if (gate.pass) {
    registered = join(o.models, name, version);
    await cp(candidateDir, registered, { recursive: true, errorOnExist: true, force: false });
  }
  const calibration = `${calibrate}${o.calibrate === undefined ? ' (as the active model)' : ''}`;
  const report = renderReport(comparison, gate, { data: exported, registered, calibration, training: trained.manifest.training as Record<string, unknown> });
  await writeFile(join(o.out, 'report.md'), report);
  await writeFile(join(o.out, 'report.json'), JSON.stringify({ comparison, gate, registered: registered ?? null }, null, 2) + '\n');
  return { candidate: { name, version, dir: candidateDir }, comparison, gate, registered, report };
}

/** What the candidate learned from, and which of its models the holdout columns above describe. */
function trainingLine(t: Record<string, unknown>): string {
  const refit = t.recipe === 'refit' ? (t.refit as { rows: number; trees: number; backtestRows: number } | undefined) : undefined;
  if (!refit) return `- Rows used: ${JSON.stringify(t.rows ?? t)} (the candidate is the model fitted on them).`;
  return `- Rows used: the candidate is refit on all ${refit.rows} labelled rows with ${refit.trees} trees; its column above is the same recipe fitted on the ${refit.backtestRows} rows before the holdout, which it never saw.`;
}

function isEmpty(table: Table, column: string): boolean {
  const j = table.names.indexOf(column);
  if (j < 0) return true;
  const values = table.columns[j];
  for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined && values[i] !== '') return false;
  return true;
}

async function nextVersion(models: string, name: string): Promise<string> {
  const versions = (await listBundles(models)).filter((b) => b.name === name).map((b) => Number(b.version)).filter(Number.isInteger);
  return String(Math.max(0, ...versions) + 1);
}

function renderReport(c: Comparison, gate: GateVerdict, o: { data: string; registered?: string; calibration: string; training: Record<string, unknown> }): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const num = (x: number) => x.toFixed(4);
  const row = (label: string, f: (s: Comparison['active']) => string) => `| ${label} | ${f(c.active)} | ${f(c.candidate)} |`;
  return [
    `# Retrain report: ${c.candidate.model} vs active ${c.active.model}`,
    '',
    `Holdout: the newest ${c.rows} labelled alerts of ${o.data} (${c.positives} true positives), scored by both models.`,
    '',
    `| metric | active ${c.active.model} | candidate ${c.candidate.model} |`,
    '|---|---|---|',
    row('ROC AUC', (s) => num(s.auc)),
    row('PR AUC', (s) => num(s.prAuc)),
    row('Brier score', (s) => num(s.brier)),
    row('operating threshold (95% recall on validation)', (s) => num(s.threshold)),
    row('recall at it', (s) => pct(s.recall)),
    row('false positives closed at it', (s) => pct(s.fpReduction)),
    row('alerts closed at it', (s) => pct(s.closedShare)),
    '',
    `- Candidate under the active threshold (${num(c.active.threshold)}): recall ${pct(c.candidateAtActiveThreshold.recall)}, FP reduction ${pct(c.candidateAtActiveThreshold.fpReduction)}.`,
    `- Candidate FP reduction at the active model's recall (${pct(c.active.recall)}): ${pct(c.candidateFpReductionAtActiveRecall)}.`,
    `- Score distribution shift (PSI, candidate vs active on the same alerts): ${c.scoreShiftPsi.toFixed(3)}${c.scoreShiftPsi > 0.25 ? ' (major: review the policy thresholds)' : ''}.`,
    `- Candidate calibration: ${o.calibration}.`,
    trainingLine(o.training),
    '',
    `**Gate: ${gate.pass ? 'PASS' : 'REFUSED'}**: ${gate.reason}.`,
    gate.pass ? `Registered as ${o.registered}; activate with \`winnow promote ${c.candidate.model.replace('/', ' ')}\`.` : 'The candidate was not registered.',
    '',
  ].join('\n');
}
