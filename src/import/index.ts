/** @module Importers of models made by other tools: one pure parser per format, and a dispatcher. */
import { assertValidTree } from '../onnx/validate-tree.ts';
import { ImportError, type ImportedModel, type SourceTool } from './imported-model.ts';
import { parseLightgbmText } from './lightgbm-text.ts';
import { parseOnnxClassifier, type OnnxImportOptions } from './onnx-classifier.ts';
import { parseXgboostJson } from './xgboost-json.ts';

export { ImportError, type ImportedModel, type SourceTool } from './imported-model.ts';
export { importFeatureSpec, type FeatureSource } from './feature-names.ts';
export { lightgbmLeaf, parseLightgbmText } from './lightgbm-text.ts';
export { exposeProbabilities, parseOnnxClassifier, type OnnxImportOptions } from './onnx-classifier.ts';
export { parseXgboostJson } from './xgboost-json.ts';

/** Tools `winnow import --from` accepts. */
export const SOURCE_TOOLS: readonly SourceTool[] = ['xgboost', 'lightgbm', 'onnx'];

/** Parse a model file of `tool` and check every tree is well formed, naming the file on any failure. */
export function parseModel(tool: SourceTool, bytes: Uint8Array, file: string, options: OnnxImportOptions = {}): ImportedModel {
  const text = () => new TextDecoder().decode(bytes);
  const imported = tool === 'xgboost' ? parseXgboostJson(text(), file)
    : tool === 'lightgbm' ? parseLightgbmText(text(), file)
      : parseOnnxClassifier(bytes, file, options);
  imported.model.trees.forEach((tree, t) => {
    try {
      assertValidTree(tree, t, imported.model.numFeatures);
    } catch (err) {
      throw new ImportError(file, '', (err as Error).message);
    }
  });
  return imported;
}
