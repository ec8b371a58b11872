/**
 * @module Reason codes for a stored decision, recomputed from the feature vector as scored with
 * the model version that scored it (TreeSHAP is exact, so these are the codes the API would have
 * answered). Bundles other than the active one are loaded on demand and a few are kept.
 */
import type { FeatureSpec } from '../features/index.ts';
import { topReasons, type ReasonCode } from '../explain/index.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import { loadListed, type ModelRegistry } from '../registry/model-registry.ts';
import type { DecisionRecord } from '../store/decision-record.ts';

/** Bundles kept loaded besides the active one. */
const KEPT = 3;

/** A feature's value as scored, decoded for people: the category for a code, true/false for a flag, null when missing. */
export function decodedValue(spec: FeatureSpec, j: number, x: number): string | number | boolean | null {
  const f = spec.features[j];
  if (x === null || x === undefined || Number.isNaN(x)) return null;
  if (f.kind === 'boolean') return x !== 0;
  if (f.kind === 'categorical') {
    const categories = f.categories ?? [];
    return Number.isInteger(x) && x >= 0 && x < categories.length ? categories[x] : '(unseen category)';
  }
  return x;
}

export type DecisionReasons =
  | { ok: true; reasons: ReasonCode[]; spec: FeatureSpec }
  | { ok: false; why: string; spec?: FeatureSpec };

/** Explains stored decisions; one per server, so loaded bundles are shared between page views. */
export class DecisionExplainer {
  readonly #loaded = new Map<string, Promise<LoadedModel>>();

  constructor(private readonly registry: ModelRegistry) {}

  /** The record's `n` largest contributions, or why there are none. */
  async explain(record: DecisionRecord, n: number): Promise<DecisionReasons> {
    if (record.score === null) return { ok: false, why: 'the alert was not scored (it went to review without a score), so nothing contributed' };
    let model: LoadedModel;
    try {
      model = await this.#model(record.model.name, record.model.version);
    } catch (err) {
      return { ok: false, why: `model ${record.model.name}/${record.model.version} is not available here: ${(err as Error).message}` };
    }
    const spec = model.manifest.featureSpec;
    if (model.manifest.specHash !== record.specHash) {
      return { ok: false, why: `the bundle's feature spec (${model.manifest.specHash}) is not the one this alert was scored with (${record.specHash})`, spec };
    }
    if (record.features.length !== spec.features.length) return { ok: false, why: `the record holds ${record.features.length} features, the model reads ${spec.features.length}`, spec };
    const built = model.explainer();
    if (!built.ok) return { ok: false, why: built.why, spec };
    const x = Float32Array.from(record.features, (v) => (v === null ? NaN : v));
    const phi = new Float64Array(spec.features.length);
    built.explainer.explain(x, phi);
    return { ok: true, spec, reasons: topReasons(phi, n, spec.features.map((f) => f.name), (j) => decodedValue(spec, j, x[j]) ?? undefined) };
  }

  async #model(name: string, version: string): Promise<LoadedModel> {
    const active = this.registry.active;
    if (active.name === name && active.version === version) return active;
    const key = `${name}/${version}`;
    let loading = this.#loaded.get(key);
    if (!loading) {
      loading = loadListed(this.registry.modelsDir, name, version);
      loading.catch(() => this.#loaded.delete(key));
      this.#loaded.set(key, loading);
      while (this.#loaded.size > KEPT) {
        const [oldest, evicted] = this.#loaded.entries().next().value!;
        this.#loaded.delete(oldest);
        evicted.then((m) => m.retire(), () => {});
      }
    }
    return loading;
  }

  /** Releases the bundles it loaded. */
  async close(): Promise<void> {
    const all = [...this.#loaded.values()];
    this.#loaded.clear();
    await Promise.all(all.map((p) => p.then((m) => m.retire(), () => {})));
  }
}
