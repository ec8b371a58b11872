/** @module LightGBM text models (`model.txt`, binary objective) → TreeEnsemble, with LightGBM's own missing-value rules. */
import type { Tree } from '../trees/tree-ensemble.ts';
import { float32AtMost } from './float32.ts';
import { ImportError, type ImportedModel } from './imported-model.ts';

/** LightGBM's kZeroThreshold: with missing type Zero, |x| <= 1e-35 counts as zero (missing). */
const ZERO_THRESHOLD = 1e-35;

interface Field { value: string; line: number }

/**
 * Parse a LightGBM text model. LightGBM sends x left when `x <= threshold` (in double). decision_type
 * bit 0 marks a categorical split (refused), bit 1 default_left, bits 2–3 the missing type:
 * None (NaN is read as 0 and compared), Zero (0 and NaN go the default way) or NaN (NaN goes the
 * default way). Internal node i becomes node i and leaf j node (numLeaves - 1 + j), so
 * `lightgbmLeaf` recovers LightGBM's leaf index. Leaf values already include shrinkage and the
 * boost-from-average start, so the base score is 0.
 *
 * Exactness: LightGBM predicts in double; winnow feeds float32. `float32AtMost(t)` admits exactly
 * the float32 x with `x <= t`, so every input whose value is a float32 routes as LightGBM routes it,
 * ties and the NaN/zero rules included. A double input that is not a float32 is rounded first and
 * can only route differently at a threshold lying between it and its float32 (half a float32 ulp);
 * rounding the threshold to the NEAREST float32 instead would misroute the float32 just above t.
 */
export function parseLightgbmText(text: string, file: string): ImportedModel {
  const lines = text.split(/\r?\n/);
  const header = new Map<string, Field>();
  let i = 0;
  for (; i < lines.length && !lines[i].startsWith('Tree='); i++) readField(lines[i], i + 1, header);
  const lineOf = (f: Field | undefined) => (f ? `line ${f.line}` : '(header)');
  const need = (key: string): Field => {
    const f = header.get(key);
    if (!f) throw new ImportError(file, '(header)', `no '${key}=' line; is this a LightGBM text model?`);
    return f;
  };
  const version = need('version');
  const objective = need('objective');
  const [objectiveName, ...objectiveArgs] = objective.value.split(/\s+/);
  if (objectiveName !== 'binary') {
    throw new ImportError(file, lineOf(objective), `objective '${objective.value}' is not supported: winnow imports binary models only (one probability of a true positive)`);
  }
  const sigmoidArg = objectiveArgs.find((a) => a.startsWith('sigmoid:'));
  const sigmoid = sigmoidArg ? Number(sigmoidArg.slice('sigmoid:'.length)) : 1;
  for (const key of ['num_class', 'num_tree_per_iteration']) {
    const f = header.get(key);
    if (f && f.value !== '1') throw new ImportError(file, lineOf(f), `${key}=${f.value}: multi-class models are not supported`);
  }
  if (header.has('average_output')) {
    throw new ImportError(file, lineOf(header.get('average_output')), 'average_output (random-forest mode) is not supported: it averages trees instead of summing them');
  }
  const numFeatures = Number(need('max_feature_idx').value) + 1;
  if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ImportError(file, lineOf(header.get('max_feature_idx')), 'max_feature_idx is not a whole number');
  const names = header.get('feature_names')?.value.split(/\s+/).filter(Boolean);
  if (names && names.length !== numFeatures) {
    throw new ImportError(file, lineOf(header.get('feature_names')), `${names.length} feature names for ${numFeatures} features`);
  }

  const trees: Tree[] = [];
  while (i < lines.length && lines[i].startsWith('Tree=')) {
    const start = i + 1;
    const fields = new Map<string, Field>();
    for (i++; i < lines.length && lines[i].trim() !== '' && !lines[i].startsWith('Tree=') && lines[i] !== 'end of trees'; i++) readField(lines[i], i + 1, fields);
    trees.push(readTree(fields, `tree ${trees.length} (line ${start})`, numFeatures, sigmoid, file));
    while (i < lines.length && lines[i].trim() === '') i++;
  }
  if (trees.length === 0) throw new ImportError(file, `line ${i + 1}`, "no 'Tree=' blocks found");
  return {
    tool: 'lightgbm',
    model: { numFeatures, baseScore: 0, trees },
    featureNames: names,
    formatVersion: version.value,
    objective: objective.value,
    details: { numTrees: trees.length, ...(sigmoid !== 1 ? { sigmoid } : {}) },
    notes: sigmoid !== 1 ? [`sigmoid:${sigmoid}: leaf values were multiplied by ${sigmoid} so that p = sigmoid(margin)`] : [],
  };
}

/** LightGBM's leaf index for node `node` of a tree made by `parseLightgbmText` (-1 for an internal node). */
export function lightgbmLeaf(tree: Tree, node: number): number {
  const internal = (tree.left.length - 1) / 2;
  return node >= internal ? node - internal : -1;
}

function readField(line: string, lineNo: number, into: Map<string, Field>): void {
  const eq = line.indexOf('=');
  if (eq === -1) {
    if (line.trim() !== '') into.set(line.trim(), { value: '', line: lineNo });
    return;
  }
  into.set(line.slice(0, eq), { value: line.slice(eq + 1), line: lineNo });
}

function readTree(fields: Map<string, Field>, where: string, numFeatures: number, sigmoid: number, file: string): Tree {
  const fail = (key: string, detail: string) => new ImportError(file, `${where}, ${fields.has(key) ? `line ${fields.get(key)!.line}` : `no ${key}`}`, detail);
  const numbers = (key: string, length: number): number[] => {
    if (length === 0) return [];
    const f = fields.get(key);
    if (!f) throw fail(key, `no '${key}=' line`);
    const v = f.value.trim().split(/\s+/).map(Number);
    if (v.length !== length || v.some((x) => Number.isNaN(x))) throw fail(key, `'${key}' should hold ${length} numbers`);
    return v;
  };
  const numLeaves = Number(fields.get('num_leaves')?.value);
  if (!Number.isInteger(numLeaves) || numLeaves < 1) throw fail('num_leaves', 'num_leaves is not a positive whole number');
  if (fields.get('is_linear')?.value === '1') throw fail('is_linear', 'linear trees (linear_tree=true) are not supported');
  if (Number(fields.get('num_cat')?.value ?? 0) > 0) throw fail('num_cat', 'categorical splits are not supported; retrain with numeric features or use ONNX');
  const internal = numLeaves - 1;
  const feature = numbers('split_feature', internal);
  const threshold = numbers('threshold', internal);
  const decision = numbers('decision_type', internal);
  const leftChild = numbers('left_child', internal);
  const rightChild = numbers('right_child', internal);
  const leafValue = numbers('leaf_value', numLeaves);
  const size = internal + numLeaves;
  // ~j (= -j - 1) is leaf j.
  const node = (c: number) => (c < 0 ? internal + ~c : c);
  const tree: Tree = {
    feature: new Array(size).fill(0), threshold: new Array(size).fill(0), left: new Array(size).fill(-1), right: new Array(size).fill(-1),
    missingLeft: new Array(size).fill(false), value: new Array(size).fill(0), cover: new Array(size).fill(0),
  };
  const counts = fields.get('internal_count')?.value.trim().split(/\s+/).map(Number);
  const leafCounts = fields.get('leaf_count')?.value.trim().split(/\s+/).map(Number);
  for (let k = 0; k < internal; k++) {
    const d = decision[k];
    if (d & 1) throw fail('decision_type', `node ${k} is a categorical split; categorical splits are not supported`);
    if (!Number.isInteger(feature[k]) || feature[k] < 0 || feature[k] >= numFeatures) throw fail('split_feature', `node ${k}: feature ${feature[k]} is outside [0, ${numFeatures})`);
    const defaultLeft = (d & 2) !== 0;
    const missingType = (d >> 2) & 3;
    const t = threshold[k];
    let missingLeft: boolean;
    if (missingType === 0) missingLeft = 0 <= t; // None: NaN is read as 0.0
    else if (missingType === 2) missingLeft = defaultLeft; // NaN
    else if (missingType === 1) {
      // Zero: 0, |x| <= 1e-35 and NaN go the default way. One `x <= t` test agrees only when that
      // whole interval already falls on the default side.
      if (defaultLeft && t >= ZERO_THRESHOLD) missingLeft = true;
      else if (!defaultLeft && t < -ZERO_THRESHOLD) missingLeft = false;
      else throw fail('decision_type', `node ${k}: missing type Zero sends zero ${defaultLeft ? 'left' : 'right'} while threshold ${t} sends it ${defaultLeft ? 'right' : 'left'}; winnow cannot express this split (retrain with zero_as_missing=false)`);
    } else throw fail('decision_type', `node ${k}: unknown missing type ${missingType}`);
    tree.feature[k] = feature[k];
    tree.threshold[k] = float32AtMost(t);
    tree.left[k] = node(leftChild[k]);
    tree.right[k] = node(rightChild[k]);
    tree.missingLeft[k] = missingLeft;
    tree.cover[k] = counts?.[k] ?? 0;
  }
  for (let j = 0; j < numLeaves; j++) {
    tree.value[internal + j] = Math.fround(leafValue[j] * sigmoid);
    tree.cover[internal + j] = leafCounts?.[j] ?? 0;
  }
  return tree;
}
