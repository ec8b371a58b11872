/** @module The `import` use case: a model file from XGBoost, LightGBM or skl2onnx → winnow's ONNX → a bundle measured on labelled alerts. */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { specHash } from '../features/index.ts';
import { type FeatureSource, importFeatureSpec, parseModel, type SourceTool } from '../import/index.ts';
import { readTable } from '../io/read-table.ts';
import { type Manifest, sha256Hex, writeBundle } from '../model/index.ts';
import { LABEL_OUTPUT, OPSETS, PROBABILITY_OUTPUT, treeEnsembleToOnnx } from '../onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';
import { predictProba } from '../trees/evaluate.ts';
import { leafCount, treeDepth } from '../trees/tree-ensemble.ts';
import { columnIndex, gather, gatherRows } from './columns.ts';
import { encodeLabelled, labelledRows, sourceName } from './load-labelled.ts';
import { type LabelledSet, measureModel } from './measure-model.ts';
import type { CalibrationMethod } from '../calibration/index.ts';
import { coverFromData, coverIsConsistent, coverProblem } from '../explain/cover.ts';

export interface ImportBundleOptions {
  from: SourceTool;
  /** The model file. */
  file: string;
  /** Comma-separated feature names in model input order, or the path of a feature spec JSON file (ends in .json). */
  features?: string;
  /** Labelled alerts to measure the model on and choose the recommended thresholds with. */
  data: string;
  label: string;
  timeColumn?: string;
  /** Share of the newest labelled rows kept to check the thresholds (default 0.2); the rest choose them. */
  holdout?: number;
  /** Calibration fitted on the rows that choose the thresholds (default 'none'), as `winnow train --calibrate`. */
  calibrate?: CalibrationMethod;
  /** ONNX only: the class label that means "true positive". */
  positiveLabel?: string;
  out: string;
  name?: string;
  version?: string;
  overwrite?: boolean;
  log?: (line: string) => void;
}

export interface ImportBundleResult {
  dir: string;
  manifest: Manifest;
  /** Largest |ONNX Runtime − TypeScript evaluator| over the scored rows: the re-exported graph does what the parsed trees say. */
  maxEvaluatorDiff: number;
}

/** Read a model made by another tool, write it as winnow's ONNX graph, measure it on `data`, and write a bundle. */
export async function importBundle(o: ImportBundleOptions): Promise<ImportBundleResult> {
  const log = o.log ?? (() => {});
  const dir = resolve(o.out);
  const name = o.name ?? basename(dirname(dir));
  const version = o.version ?? basename(dir);
  const holdoutFraction = o.holdout ?? 0.2;
  if (!(holdoutFraction >= 0 && holdoutFraction < 1)) throw new RangeError(`holdout fraction must be in [0, 1), got ${holdoutFraction}`);

  const bytes = new Uint8Array(await readFile(o.file));
  const file = sourceName(o.file);
  const given = await readFeatureSource(o.features);
  const width = given ? ('names' in given ? given.names.length : (given.spec as { features?: unknown[] }).features?.length) : undefined;
  const imported = parseModel(o.from, bytes, file, { numFeatures: width, positiveLabel: o.positiveLabel });
  const { model } = imported;
  const spec = importFeatureSpec(model.numFeatures, given, imported.featureNames, file);
  log(`read ${o.from} model ${file} (${imported.formatVersion}): ${model.trees.length} trees, ${model.numFeatures} features, objective ${imported.objective}`);
  for (const note of imported.notes) log(`  ${note}`);

  const table = await readTable(o.data);
  columnIndex(table, o.label, 'label');
  if (o.timeColumn) columnIndex(table, o.timeColumn, 'time');
  const data = encodeLabelled(table, spec, o.label, o.timeColumn);
  const order = labelledRows(data.labels);
  if (order.length === 0) throw new Error(`${o.data}: no labelled rows in column '${o.label}'`);
  if (data.times) order.sort((a, b) => data.times![a] - data.times![b] || a - b);
  const cut = order.length - Math.round(order.length * holdoutFraction);
  const validRows = order.slice(0, cut);
  const holdoutRows = order.slice(cut);
  if (validRows.length === 0) throw new Error(`--holdout ${holdoutFraction} leaves no rows to choose thresholds on`);
  // Reason codes (TreeSHAP) need node cover. XGBoost and LightGBM files carry it; an ONNX graph
  // from another tool has none or placeholders, so count it over the rows that choose the thresholds.
  let explainable = model;
  if (coverProblem(model) || !coverIsConsistent(model)) {
    explainable = coverFromData(model, gatherRows(data.x, data.numFeatures, validRows));
    log(`  node cover counted over ${validRows.length} rows (the file has none usable; reason codes need it)`);
  }
  const sha256 = sha256Hex(bytes);
  const onnxBytes = treeEnsembleToOnnx(explainable, {
    docString: `imported by winnow from ${o.from} model ${file}`,
    metadata: { name, version, spec_hash: specHash(spec), source_tool: o.from, source_file: file, source_sha256: sha256 },
  });

  log(`read ${table.rowCount} rows from ${o.data}: ${validRows.length} to choose thresholds, ${holdoutRows.length} newest to check them${o.timeColumn ? ` (by ${o.timeColumn})` : ' (file order)'}`);

  const nf = spec.features.length;
  const part = (rows: Int32Array): LabelledSet => ({ x: gatherRows(data.x, nf, rows), labels: gather(data.labels, rows), numRows: rows.length });
  const validSet = part(validRows);
  const scorer = await OnnxScorer.load(onnxBytes);
  try {
    const measured = await measureModel(scorer, spec.features.map((f) => f.name), validSet, part(holdoutRows), o.calibrate ?? 'none', log);
    const maxEvaluatorDiff = maxDiff(measured.validRaw, predictProba(model, validSet.x));
    const range = (rows: Int32Array) => (data.times && rows.length > 0
      ? { from: new Date(data.times[rows[0]]).toISOString(), to: new Date(data.times[rows[rows.length - 1]]).toISOString() }
      : undefined);
    const manifest = await writeBundle(dir, {
      onnxBytes,
      manifest: {
        name, version, createdAt: new Date().toISOString(), featureSpec: spec,
        onnx: { inputName: 'features', outputNames: { probabilities: PROBABILITY_OUTPUT, label: LABEL_OUTPUT }, opset: { 'ai.onnx': OPSETS.default, 'ai.onnx.ml': OPSETS.ml } },
        // winnow never saw the training data; the counts say so rather than describe the evaluation file.
        training: {
          rows: 0, positives: 0, baseRate: 0, source: `(unknown: trained with ${o.from})`,
          validationSource: sourceName(o.data), dataPath: o.data, labelColumn: o.label, timeColumn: o.timeColumn,
          validRows: validRows.length, holdoutRows: holdoutRows.length, validRange: range(validRows), holdoutRange: range(holdoutRows),
          // Same cut as timeOrderedSplit with no training share, so `winnow evaluate --holdout` redoes it exactly.
          split: { holdout: holdoutFraction, valid: 0 },
        },
        parameters: { sourceTool: o.from, objective: imported.objective, ...imported.details },
        ...measured.manifest,
        trees: {
          count: model.trees.length,
          maxDepth: Math.max(0, ...model.trees.map((t) => treeDepth(t))),
          leaves: model.trees.reduce((a, t) => a + leafCount(t), 0),
        },
        provenance: { tool: o.from, file, sha256, formatVersion: imported.formatVersion, importedAt: new Date().toISOString(), notes: imported.notes },
      },
    }, { overwrite: o.overwrite });
    return { dir, manifest, maxEvaluatorDiff };
  } finally {
    await scorer.release();
  }
}

/** `--features`: a spec JSON file when it names one, else comma-separated names. */
async function readFeatureSource(features: string | undefined): Promise<FeatureSource | undefined> {
  if (features === undefined) return undefined;
  if (features.endsWith('.json')) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(features, 'utf8'));
    } catch (err) {
      throw new Error(`${features}: ${(err as Error).message}`);
    }
    return { spec: json, origin: features };
  }
  return { names: features.split(',').map((s) => s.trim()) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
