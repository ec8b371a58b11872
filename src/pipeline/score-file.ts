/** @module The `score` use case: add a risk score and rank to every row of a file, failing open per row. */
import { encodeColumns, encodeRecord, FeatureError, type AttributeValue } from '../features/index.ts';
import { writeTable } from '../io/write-table.ts';
import { readBundle, whyNoTrees } from '../model/index.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';
import { cellRef } from './columns.ts';
import { onnxToTreeEnsemble } from '../onnx/onnx-to-tree-ensemble.ts';
import { coverProblem } from '../explain/index.ts';
import { reasonColumns } from './reason-columns.ts';
import { readTable } from '../io/read-table.ts';
import { scoreInBatches } from './score-batches.ts';

/** Columns added to the output. Prefixed so they never collide with the input's own columns. */
export const SCORE_COLUMNS = ['winnow_score', 'winnow_rank', 'winnow_error'] as const;

/** Rows written between progress reports. */
const WRITE_PROGRESS_ROWS = 5_000;

export interface ScoreFileResult {
  rows: number;
  scored: number;
  failed: number;
  /** Threads that computed the reason codes (with `explain`). */
  explainThreads?: number;
}

/** The steps of `scoreFile`, in order; reading counts bytes, the others rows. */
export type ScorePhase = 'reading' | 'scoring' | 'explaining' | 'writing';

export interface ScoreFileOptions {
  model: string;
  data: string;
  out: string;
  /** Reason codes per row (0 = none). */
  explain?: number;
  /** Threads for the reason codes, the calling one included; 0 (default) = one per core. */
  threads?: number;
  onProgress?: (done: number, total: number, phase: ScorePhase) => void;
}

/**
 * Score every row of `data` with the bundle at `model` and write `out` with the input columns plus
 * score, rank (1 = most likely true risk) and error. A row that cannot be encoded is kept, with an
 * empty score and the reason: no alert is ever dropped.
 */
export async function scoreFile({ model, data, out, explain = 0, threads = 0, onProgress }: ScoreFileOptions): Promise<ScoreFileResult> {
  const { manifest, onnxBytes } = await readBundle(model);
  // Before reading the data: a network has no trees to explain, and TreeSHAP needs every tree's cover.
  const noTrees = explain > 0 ? whyNoTrees(manifest) : undefined;
  if (noTrees) throw new Error(`--explain: ${noTrees}; score without --explain`);
  const spec = manifest.featureSpec;
  const trees = explain > 0 ? onnxToTreeEnsemble(onnxBytes, { numFeatures: spec.features.length }).model : undefined;
  const noCover = trees && coverProblem(trees);
  if (noCover) throw new Error(noCover);
  const table = await readTable(data, { onProgress: onProgress && ((done, total) => onProgress(done, total, 'reading')) });
  const nf = spec.features.length;
  const errors: (string | null)[] = new Array(table.rowCount).fill(null);
  let x: Float32Array;
  try {
    x = encodeColumns(table, spec);
  } catch {
    // Some cell is bad: encode row by row so only the bad rows fail.
    x = new Float32Array(table.rowCount * nf);
    const record: Record<string, AttributeValue> = {};
    for (let r = 0; r < table.rowCount; r++) {
      table.names.forEach((name, c) => { record[name] = table.columns[c][r]; });
      try {
        encodeRecord(record, spec, x, r * nf);
      } catch (err) {
        if (!(err instanceof FeatureError)) throw err;
        errors[r] = `${cellRef(table, r, err.source)}: ${err.problem}`;
      }
    }
  }
  const scorer = await OnnxScorer.load(onnxBytes, { calibration: manifest.calibration });
  let scores: Float32Array;
  try {
    scores = await scoreInBatches(scorer, x, table.rowCount, onProgress && ((done, total) => onProgress(done, total, 'scoring')));
  } finally {
    await scorer.release();
  }
  // --explain N: reason_k / reason_k_contribution columns from TreeSHAP over the bundle's trees.
  const reasons = trees && await reasonColumns(trees, spec, x, explain, {
    threads,
    explain: Uint8Array.from(errors, (e) => (e ? 0 : 1)),
    onProgress: onProgress && ((done, total) => onProgress(done, total, 'explaining')),
  });
  const order = Array.from({ length: table.rowCount }, (_, i) => i).filter((i) => !errors[i]);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  const rank = new Int32Array(table.rowCount);
  order.forEach((row, i) => { rank[row] = i + 1; });
  const names = [...table.names, ...SCORE_COLUMNS, ...(reasons?.columns ?? [])];
  onProgress?.(0, table.rowCount, 'writing');
  const rows = (function* () {
    for (let r = 0; r < table.rowCount; r++) {
      const row: AttributeValue[] = table.columns.map((col) => col[r]);
      row.push(errors[r] ? null : scores[r], errors[r] ? null : rank[r], errors[r]);
      if (reasons) row.push(...reasons.cells(r, !errors[r]));
      if (onProgress && (r + 1) % WRITE_PROGRESS_ROWS === 0) onProgress(r + 1, table.rowCount, 'writing');
      yield row;
    }
    onProgress?.(table.rowCount, table.rowCount, 'writing');
  })();
  await writeTable(out, names, rows);
  return { rows: table.rowCount, scored: order.length, failed: table.rowCount - order.length, ...(reasons ? { explainThreads: reasons.threads } : {}) };
}
