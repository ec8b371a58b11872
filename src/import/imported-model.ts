/** @module What every importer returns, and the error it throws: the file, the place in it, and why. */
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';

/** The tools whose model files `winnow import` reads. */
export type SourceTool = 'xgboost' | 'lightgbm' | 'onnx';

/** A model from another tool, turned into winnow's binary tree ensemble (p = sigmoid(margin)). */
export interface ImportedModel {
  tool: SourceTool;
  model: TreeEnsemble;
  /** Feature names the file itself declares, in input order (absent when it has none). */
  featureNames?: string[];
  /** The file's own format or writer version, e.g. XGBoost "1.7.4", LightGBM "v3", ONNX "skl2onnx 1.11.2, IR 7". */
  formatVersion: string;
  /** The source's objective or post-transform, for the manifest (e.g. "binary:logistic"). */
  objective: string;
  /** Facts worth keeping in the manifest's parameters (all scalar). */
  details: Record<string, string | number | boolean>;
  /** Notes for the person importing (what was rewritten or assumed), one line each. */
  notes: string[];
}

/**
 * A model file winnow cannot import, or cannot import exactly. The message starts with the file name
 * and the place in it (a JSON path, a line, a graph node), then says what and why.
 */
export class ImportError extends Error {
  override name = 'ImportError';

  constructor(readonly file: string, readonly where: string, detail: string) {
    super(`${file}${where ? ` ${where}` : ''}: ${detail}`);
  }
}
