/** @module The `train` use case: labelled alerts → time-ordered split → GBDT or tfjs network → ONNX → validated bundle. */
import { basename, dirname, resolve } from 'node:path';
import { specHash } from '../features/index.ts';
import type { TrainingSet, TrainProgress } from '../gbdt/train.ts';
import { parseTrainParams, type TrainParamsInput } from '../gbdt/params.ts';
import { type Algo, parseNetworkParams } from '../nn/params.ts';
import type { EpochProgress } from '../nn/train-network.ts';
import { fitGbdt, fitNetwork } from './fit-model.ts';
import { type EvaluationMetrics, type Manifest, writeBundle } from '../model/index.ts';
import { weightedTotals } from '../model/evaluation.ts';
import { LABEL_OUTPUT, PROBABILITY_OUTPUT } from '../onnx/tree-ensemble-to-onnx.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';
import { columnIndex, gather, gatherRows } from './columns.ts';
import { readTable } from '../io/read-table.ts';
import { type EncodedTable, encodeLabelled, labelledRows, resolveSpec, sourceName } from './load-labelled.ts';
import { type SplitFractions, timeOrderedSplit } from './split.ts';
import type { CalibrationMethod } from '../calibration/index.ts';
import { measureModel } from './measure-model.ts';
import { type RefitResult, refitGbdt, type TrainRecipe } from './refit-model.ts';
import { sha256File } from './file-hash.ts';
import { metricsByRuleFamily } from '../model/family-metrics.ts';

export interface TrainBundleOptions {
  data: string;
  label: string;
  out: string;
  exclude?: string[];
  timeColumn?: string;
  /**
   * Column of per-row sample weights (finite, >= 0; e.g. 1/r for below-the-line samples taken at
   * rate r). Not a feature; it weighs training and every validation and holdout metric, thresholds included.
   */
  weightColumn?: string;
  /** A separate validation file; then the data file gives only train and holdout rows. */
  valid?: string;
  /** A feature spec JSON file; inferred from the data when absent. */
  spec?: string;
  /** Model family (default gbdt); mlp and logreg are tfjs networks with their preprocessing in the ONNX graph. */
  algo?: Algo;
  /** Parameters of the chosen family: GBDT ones (gbdt/params.ts) or network ones (nn/params.ts). */
  params?: TrainParamsInput | Record<string, unknown>;
  /** Calibration fitted on the validation set and applied after ONNX Runtime (default 'none'; see README "Calibration"). */
  calibrate?: CalibrationMethod;
  fractions?: Partial<SplitFractions>;
  /**
   * `refit` (the default for gbdt): the served model is refit on every labelled row with the tree
   * count early stopping chose, and a backtest of that recipe gives the holdout figures. `split`:
   * serve the model fitted on the training split (what winnow did before, and what networks do).
   */
  recipe?: TrainRecipe;
  name?: string;
  version?: string;
  overwrite?: boolean;
  log?: (line: string) => void;
  onProgress?: (p: TrainProgress) => void;
  /** Progress of network training, once per epoch. */
  onEpoch?: (p: EpochProgress) => void;
}

export interface TrainBundleResult {
  dir: string;
  manifest: Manifest;
  /**
   * ONNX bytes of the model that scored the holdout and never saw it: the refit recipe's backtest,
   * or the served model itself under `split`. A comparison on the holdout (retrain) scores with it.
   */
  holdoutModel: Uint8Array;
}

/** Train a model on a labelled alert table and write it as a bundle under `out`. */
export async function trainBundle(o: TrainBundleOptions): Promise<TrainBundleResult> {
  const log = o.log ?? (() => {});
  const dir = resolve(o.out);
  const name = o.name ?? basename(dirname(dir));
  const version = o.version ?? basename(dir);
  // Check parameters before reading a large file, so a typo fails in milliseconds.
  const algo = o.algo ?? 'gbdt';
  const family = algo === 'gbdt'
    ? { algo, params: parseTrainParams(o.params) } as const
    : { algo, params: parseNetworkParams(algo, o.params) } as const;
  const recipe = o.recipe ?? (algo === 'gbdt' ? 'refit' : 'split');
  if (recipe === 'refit' && algo !== 'gbdt') throw new Error(`--recipe refit is for gbdt; a ${algo} network serves the model fitted on the training split (--recipe split)`);
  const table = await readTable(o.data);
  columnIndex(table, o.label, 'label');
  if (o.timeColumn) columnIndex(table, o.timeColumn, 'time');
  if (o.weightColumn) columnIndex(table, o.weightColumn, 'weight');
  log(`read ${table.rowCount} rows × ${table.names.length} columns from ${o.data}`);
  const exclude = [o.label, ...[o.timeColumn, o.weightColumn].filter((c) => c !== undefined), ...(o.exclude ?? [])];
  const { spec, report } = await resolveSpec(table, o.spec, exclude);
  for (const line of report) log(`  ${line}`);
  log(`feature spec: ${spec.features.length} features (${specHash(spec).slice(0, 19)}…)`);
  // A weight records how an alert was sampled, so a model that read it would learn the old policy.
  const leak = o.weightColumn === undefined ? undefined : spec.features.find((f) => f.source === o.weightColumn);
  if (leak) throw new Error(`${o.spec ?? 'feature spec'}: feature '${leak.name}' reads the weight column '${o.weightColumn}'; a weight cannot also be a feature`);

  const data = encodeLabelled(table, spec, o.label, o.timeColumn, o.weightColumn);
  const labelled = labelledRows(data.labels);
  if (labelled.length < table.rowCount) log(`left out ${table.rowCount - labelled.length} rows without a label`);
  if (!o.timeColumn) log('no --time-column: taking file order as time order for the split');
  const fractions = { holdout: o.fractions?.holdout ?? 0.2, valid: o.valid ? 0 : (o.fractions?.valid ?? 0.15) };
  const split = timeOrderedSplit(labelled, data.times, fractions);
  const nf = data.numFeatures;
  const part = (d: EncodedTable, rows: Int32Array): TrainingSet => ({
    x: gatherRows(d.x, nf, rows), labels: gather(d.labels, rows), numRows: rows.length, numFeatures: nf, weights: d.weights && gather(d.weights, rows),
  });
  const trainSet = part(data, split.train);
  let validSet = part(data, split.valid);
  if (o.valid) {
    const vt = await readTable(o.valid);
    const v = encodeLabelled(vt, spec, o.label, undefined, o.weightColumn);
    validSet = part(v, labelledRows(v.labels));
  }
  const holdoutSet = part(data, split.holdout);
  if (validSet.numRows === 0) throw new Error('no validation rows: give --valid FILE or a validation fraction above 0');
  log(`split${o.timeColumn ? ` by ${o.timeColumn}` : ''}: ${trainSet.numRows} train, ${validSet.numRows} validation${o.valid ? ` (${o.valid})` : ''}, ${holdoutSet.numRows} holdout rows`);
  const trainWeights = trainSet.weights && weightedTotals(trainSet.labels, trainSet.weights);
  if (trainWeights) log(`weights from '${o.weightColumn}': the ${trainSet.numRows} training rows stand for ${trainWeights.rows.toFixed(1)} alerts, ${trainWeights.positives.toFixed(1)} of them true positives`);

  const metadata = { name, version, spec_hash: specHash(spec) };
  const fitted = family.algo === 'gbdt'
    ? await fitGbdt(trainSet, validSet, family.params, metadata, o.onProgress, spec.features)
    : await fitNetwork(family.algo, spec, trainSet, validSet, family.params, metadata, o.onEpoch);
  log(fitted.summary);
  const refit = recipe === 'refit' && family.algo === 'gbdt'
    ? await refitGbdt({ train: trainSet, valid: validSet, holdout: holdoutSet }, family.params, fitted.shape.trees!.count, metadata, log, o.onProgress, spec.features)
    : undefined;
  if (refit) log(refit.final.summary);
  const served = refit?.final ?? fitted;
  const holdoutModel = refit?.backtest?.onnxBytes ?? fitted.onnxBytes;
  // Metrics come from ONNX Runtime on the exported bytes: the numbers describe what will be served
  // (under refit: the recipe that is served, one step back on the holdout).
  const scorer = await OnnxScorer.load(fitted.onnxBytes);
  const holdoutScorer = holdoutModel === fitted.onnxBytes ? scorer : await OnnxScorer.load(holdoutModel);
  try {
    const measured = await measureModel(scorer, spec.features.map((f) => f.name), validSet, holdoutSet, o.calibrate ?? 'none', log, holdoutScorer);
    const { holdoutScores } = measured;
    const ruleCol = table.names.indexOf('rule_id');
    const byFamily = holdoutScores && ruleCol >= 0
      ? metricsByRuleFamily(Array.from(split.holdout, (r) => { const v = table.columns[ruleCol][r]; return v === null || v === undefined ? null : String(v); }), holdoutSet.labels, holdoutScores, measured.manifest.thresholds.recall95, holdoutSet.weights)
      : undefined;
    const positives = trainSet.labels.reduce((a, b) => a + b, 0);
    const range = (rows: Int32Array) => {
      if (!data.times || rows.length === 0) return undefined;
      let from = Infinity;
      let to = -Infinity;
      for (const r of rows) {
        from = Math.min(from, data.times[r]);
        to = Math.max(to, data.times[r]);
      }
      return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    };
    const manifest = await writeBundle(dir, {
      onnxBytes: served.onnxBytes,
      manifest: {
        name, version, createdAt: new Date().toISOString(), featureSpec: spec,
        onnx: { inputName: 'features', outputNames: { probabilities: PROBABILITY_OUTPUT, label: LABEL_OUTPUT }, opset: fitted.opset },
        training: {
          rows: trainSet.numRows, positives, baseRate: positives / trainSet.numRows, source: sourceName(o.data),
          // The path as the user gave it, so the card's reproduce command can be pasted as is.
          dataPath: o.data,
          // Lineage for the model card: exactly which file, and how the label reads.
          dataSha256: await sha256File(o.data),
          timeColumn: o.timeColumn, labelColumn: o.label, weightColumn: o.weightColumn, weighted: trainWeights,
          trainRange: range(split.train), validRange: o.valid ? undefined : range(split.valid),
          holdoutRange: range(split.holdout), validationSource: o.valid ? sourceName(o.valid) : undefined,
          validRows: validSet.numRows, holdoutRows: holdoutSet.numRows, ...fitted.training,
          // Kept so `winnow evaluate --holdout` can redo exactly this split.
          split: fractions,
          recipe,
          ...(refit ? { refit: refitSummary(refit, measured.splitHoldout) } : {}),
        },
        parameters: fitted.parameters,
        ...measured.manifest,
        ...(byFamily ? { holdoutByRuleFamily: byFamily } : {}),
        ...served.shape,
      },
    }, { overwrite: o.overwrite });
    return { dir, manifest, holdoutModel };
  } finally {
    await scorer.release();
    if (holdoutScorer !== scorer) await holdoutScorer.release();
  }
}

/** The manifest's record of a refit: what the served model learned from, and the split model's holdout figures beside the backtest's. */
function refitSummary(r: RefitResult, splitHoldout: EvaluationMetrics | undefined): Record<string, unknown> {
  return {
    rows: r.rows, trees: r.trees, backtestRows: r.backtestRows,
    ...(splitHoldout ? { splitModelHoldout: { auc: splitHoldout.auc, prAuc: splitHoldout.prAuc, atRecommended: splitHoldout.atRecommended } } : {}),
  };
}
