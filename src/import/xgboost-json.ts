/** @module XGBoost JSON models (saved by 1.0 to 3.x) → TreeEnsemble, binary:logistic only. */
import type { Tree } from '../trees/tree-ensemble.ts';
import { float32Below } from './float32.ts';
import { ImportError, type ImportedModel } from './imported-model.ts';

type Json = Record<string, unknown>;

/**
 * Parse an XGBoost JSON model. XGBoost sends x left when `float32(x) < float32(split_condition)` and a
 * missing value (NaN, or an absent sparse entry) the `default_left` way; a leaf's value is its
 * `split_conditions` entry. `base_score` is stored as a probability for binary:logistic
 * (a number-string before 3.1, a one-element list "[5E-1]" from 3.1) and becomes logit(base_score).
 */
export function parseXgboostJson(text: string, file: string): ImportedModel {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    const hint = text.startsWith('{') && !text.trimStart().startsWith('{"') ? ' (UBJSON models are not read: save with save_model("model.json"))' : '';
    throw new ImportError(file, '', `not JSON${hint}: ${(err as Error).message}`);
  }
  const at = (path: string, detail: string) => new ImportError(file, `at ${path}`, detail);
  const obj = (v: unknown, path: string): Json => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw at(path, `expected an object, found ${describe(v)}`);
    return v as Json;
  };
  const doc = obj(root, '$');
  const learner = obj(doc.learner, '$.learner');
  const version = Array.isArray(doc.version) ? doc.version.join('.') : 'unknown';

  const objective = obj(learner.objective, '$.learner.objective');
  if (objective.name !== 'binary:logistic') {
    throw at('$.learner.objective.name', `objective '${String(objective.name)}' is not supported: winnow imports binary:logistic models only (one probability of a true positive)`);
  }
  const params = obj(learner.learner_model_param, '$.learner.learner_model_param');
  const numClass = Number(params.num_class ?? 0);
  if (numClass > 1) throw at('$.learner.learner_model_param.num_class', `${numClass} classes: multi-class models are not supported`);
  const numTarget = Number(params.num_target ?? 1);
  if (numTarget > 1) throw at('$.learner.learner_model_param.num_target', `${numTarget} targets: multi-target models are not supported`);
  const numFeatures = Number(params.num_feature);
  if (!Number.isInteger(numFeatures) || numFeatures < 1) throw at('$.learner.learner_model_param.num_feature', `expected a positive integer, found ${describe(params.num_feature)}`);
  const baseProbability = parseBaseScore(params.base_score, at);

  const booster = obj(learner.gradient_booster, '$.learner.gradient_booster');
  if (booster.name !== 'gbtree') {
    const why = booster.name === 'dart' ? ' (DART scales trees by drop weights; re-save it as gbtree or convert it first)' : '';
    throw at('$.learner.gradient_booster.name', `booster '${String(booster.name)}' is not supported: only gbtree${why}`);
  }
  const model = obj(booster.model, '$.learner.gradient_booster.model');
  if (!Array.isArray(model.trees)) throw at('$.learner.gradient_booster.model.trees', `expected an array, found ${describe(model.trees)}`);
  const trees = model.trees.map((t, i) => readTree(obj(t, `$.learner.gradient_booster.model.trees[${i}]`), `$.learner.gradient_booster.model.trees[${i}]`, numFeatures, at));

  const names = Array.isArray(learner.feature_names) ? learner.feature_names.map(String) : [];
  if (names.length > 0 && names.length !== numFeatures) {
    throw at('$.learner.feature_names', `${names.length} names for ${numFeatures} features`);
  }
  const types = Array.isArray(learner.feature_types) ? learner.feature_types.map(String) : [];
  const categorical = types.findIndex((t) => t === 'c');
  if (categorical !== -1) throw at(`$.learner.feature_types[${categorical}]`, `feature ${names[categorical] ?? categorical} is categorical ('c'); categorical splits are not supported`);

  const margin = Math.log(baseProbability / (1 - baseProbability));
  return {
    tool: 'xgboost',
    model: { numFeatures, baseScore: Math.fround(margin), trees },
    featureNames: names.length > 0 ? names : undefined,
    formatVersion: version,
    objective: 'binary:logistic',
    details: { baseScoreProbability: baseProbability, baseScoreMargin: Math.fround(margin), numTrees: trees.length },
    notes: [`base_score ${baseProbability} is a probability; the margin starts at logit(${baseProbability}) = ${Math.fround(margin)}`],
  };
}

/** base_score: "5E-1" (to 3.0), "[5E-1]" (3.1+), or a number; must be a probability strictly between 0 and 1. */
function parseBaseScore(v: unknown, at: (path: string, detail: string) => ImportError): number {
  const path = '$.learner.learner_model_param.base_score';
  let values: unknown[];
  if (Array.isArray(v)) values = v;
  else if (typeof v === 'string' && v.trim().startsWith('[')) {
    try {
      values = JSON.parse(v.trim().replace(/([0-9.])E/gi, '$1e')) as unknown[];
    } catch {
      throw at(path, `cannot read '${v}' as a list of numbers`);
    }
  } else values = [v];
  if (values.length !== 1) throw at(path, `${values.length} base scores (a multi-target model); expected 1`);
  const p = Number(values[0]);
  if (!(p > 0 && p < 1)) throw at(path, `${describe(v)} is not a probability strictly between 0 and 1, as binary:logistic needs`);
  return p;
}

function readTree(t: Json, path: string, numFeatures: number, at: (path: string, detail: string) => ImportError): Tree {
  const column = <T>(key: string, check: (x: unknown) => x is T): T[] => {
    const v = t[key];
    if (!Array.isArray(v) || !v.every(check)) throw at(`${path}.${key}`, `expected an array of ${check === isNumber ? 'numbers' : 'booleans or 0/1'}`);
    return v;
  };
  const left = column('left_children', isNumber);
  const right = column('right_children', isNumber);
  const cond = column('split_conditions', isNumber);
  const index = column('split_indices', isNumber);
  // 1.0–1.5 write booleans, 1.6+ write 0/1.
  const defaultLeft = column('default_left', isFlag).map((d) => d === true || d === 1);
  const cover = Array.isArray(t.sum_hessian) ? (t.sum_hessian as number[]) : [];
  const splitType = Array.isArray(t.split_type) ? (t.split_type as number[]) : [];
  const n = left.length;
  for (const [key, arr] of [['right_children', right], ['split_conditions', cond], ['split_indices', index], ['default_left', defaultLeft]] as const) {
    if (arr.length !== n) throw at(`${path}.${key}`, `has ${arr.length} entries, left_children has ${n}`);
  }
  const leafSize = Number((t.tree_param as Json | undefined)?.size_leaf_vector ?? 0);
  if (leafSize > 1) throw at(`${path}.tree_param.size_leaf_vector`, `vector leaves (${leafSize}) are not supported`);
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], missingLeft: [], value: [], cover: [] };
  for (let i = 0; i < n; i++) {
    const leaf = left[i] === -1;
    if (!leaf && splitType[i] === 1) throw at(`${path}.split_type[${i}]`, `node ${i} is a categorical split; categorical splits are not supported`);
    if (!leaf && (!Number.isInteger(index[i]) || index[i] < 0 || index[i] >= numFeatures)) {
      throw at(`${path}.split_indices[${i}]`, `feature ${index[i]} is outside [0, ${numFeatures})`);
    }
    if (!leaf && Math.fround(cond[i]) === -Infinity) {
      throw at(`${path}.split_conditions[${i}]`, `node ${i}: condition ${cond[i]} is -Infinity as a float32, so \`x < condition\` is never true; winnow's \`x <= threshold\` cannot express it`);
    }
    tree.feature.push(leaf ? 0 : index[i]);
    // XGBoost keeps the condition as a float32 and tests float32(x) < it: see float32Below.
    tree.threshold.push(leaf ? 0 : float32Below(cond[i]));
    tree.left.push(leaf ? -1 : left[i]);
    tree.right.push(leaf ? -1 : right[i]);
    tree.missingLeft.push(!leaf && defaultLeft[i]);
    tree.value.push(leaf ? Math.fround(cond[i]) : 0);
    tree.cover.push(cover[i] ?? 0);
  }
  return tree;
}

const isNumber = (x: unknown): x is number => typeof x === 'number';
const isFlag = (x: unknown): x is boolean | number => typeof x === 'boolean' || x === 0 || x === 1;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : JSON.stringify(v);
}
