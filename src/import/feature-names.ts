/** @module The feature spec of an imported model: from --features names or a spec, or from the names the model file carries. */
import type { FeatureSpec } from '../features/spec.ts';
import { parseFeatureSpec } from '../features/spec.ts';
import { ImportError } from './imported-model.ts';

/** What the user gave with --features: names in model input order, or a parsed spec JSON. */
export type FeatureSource = { names: string[] } | { spec: unknown; origin: string };

// LightGBM names columns Column_0… when it was given none, so a user's own names may replace those.
// (XGBoost writes no names at all in that case: any it writes are real.)
const GENERATED = /^Column_\d+$/;

/**
 * Decide the spec for a model with `numFeatures` inputs. Given names become numeric features with
 * missing → NaN; a given spec is used as is. Names the file declares are used when none are given,
 * and must agree with given ones unless the tool generated them (LightGBM's Column_0…).
 */
export function importFeatureSpec(numFeatures: number, given: FeatureSource | undefined, declared: string[] | undefined, file: string): FeatureSpec {
  let spec: FeatureSpec;
  if (given && 'spec' in given) spec = parseFeatureSpec(given.spec, given.origin);
  else {
    const names = given?.names ?? declared;
    if (!names) {
      throw new ImportError(file, '', `the model declares no feature names; give --features with ${numFeatures} comma-separated names in model input order, or a feature spec JSON file`);
    }
    spec = parseFeatureSpec({ version: 1, features: names.map((name) => ({ name, kind: 'numeric', source: name, missing: 'nan' })) }, given ? '--features' : file);
  }
  const names = spec.features.map((f) => f.name);
  if (names.length !== numFeatures) {
    throw new ImportError(file, '', `the model reads ${numFeatures} features but --features gives ${names.length}${declared ? ` (the file names ${declared.slice(0, 3).join(', ')}${declared.length > 3 ? ', …' : ''})` : ''}`);
  }
  if (given && declared && !declared.every((d) => GENERATED.test(d))) {
    const k = declared.findIndex((d, i) => d !== names[i]);
    if (k !== -1) {
      throw new ImportError(file, '', `feature ${k} is '${declared[k]}' in the model file but '${names[k]}' in --features; the order must match the model's inputs (leave --features out to use the file's names)`);
    }
  }
  return spec;
}
