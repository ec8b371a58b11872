/** @module Which bundles exist and which one serves: load the new one, check it, swap, then retire the old one. */
import { join } from 'node:path';
import { type BundleRef, listBundles } from '../model/index.ts';
import { LoadedModel } from './loaded-model.ts';

/** What `GET /v1/models` shows for a bundle. */
export interface BundleInfo {
  name: string;
  version: string;
  active: boolean;
}

/** Raised for a bundle that is not in the models folder (HTTP 404). */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
}

/** Options for `ModelRegistry.activate`. */
export interface ActivateOptions {
  /**
   * Runs after the new bundle loaded and passed its probe, before it serves; if it throws, the
   * new bundle is released and the old one keeps serving. The admin API records the activation
   * here, so the store never names a bundle that failed to load, and a failed write swaps nothing.
   */
  beforeSwap?(next: LoadedModel): Promise<void>;
  /** Do nothing when `name/version` already serves (the follower: no reload for a no-op entry). */
  unlessActive?: boolean;
}

/** The models folder and the one active, loaded bundle. */
export class ModelRegistry {
  #active: LoadedModel;
  // Tail of the activation queue; never rejects.
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly modelsDir: string,
    active: LoadedModel,
  ) {
    this.#active = active;
  }

  /**
   * Open `modelsDir` and load `initial` ("name/version"), or by default the highest version of
   * `default`, or else the first bundle found.
   */
  static async open(modelsDir: string, initial?: string): Promise<ModelRegistry> {
    const bundles = await listBundles(modelsDir);
    if (bundles.length === 0) throw new Error(`${modelsDir}: no model bundles (expected <name>/<version>/manifest.json)`);
    let pick = bundles.at(-1)!;
    if (initial) {
      const found = bundles.find((b) => `${b.name}/${b.version}` === initial);
      if (!found) throw new UnknownModelError(`${modelsDir}: no bundle ${initial} (have ${bundles.map((b) => `${b.name}/${b.version}`).join(', ')})`);
      pick = found;
    } else {
      pick = bundles.filter((b) => b.name === 'default').at(-1) ?? bundles[0];
    }
    return new ModelRegistry(modelsDir, await loadAt(pick));
  }

  /** The serving model; call `acquire()` on it for the length of a request. */
  get active(): LoadedModel {
    return this.#active;
  }

  /** Every bundle in the models folder, marking the active one. */
  async list(): Promise<BundleInfo[]> {
    const bundles = await listBundles(this.modelsDir);
    return bundles.map((b) => ({ name: b.name, version: b.version, active: b.name === this.#active.name && b.version === this.#active.version }));
  }

  /**
   * Make `name/version` the serving model. The new bundle is loaded and probed first, so a bad
   * bundle never replaces a good one; requests already running finish on the old model.
   * Activations run one at a time, so the follower and the admin API never interleave swaps.
   */
  activate(name: string, version: string, options: ActivateOptions = {}): Promise<LoadedModel> {
    const run = this.#queue.then(() => this.#activateNow(name, version, options));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #activateNow(name: string, version: string, { beforeSwap, unlessActive = false }: ActivateOptions): Promise<LoadedModel> {
    if (unlessActive && this.#active.name === name && this.#active.version === version) return this.#active;
    const next = await loadListed(this.modelsDir, name, version);
    try {
      await beforeSwap?.(next);
    } catch (err) {
      await next.retire();
      throw err;
    }
    const previous = this.#active;
    this.#active = next;
    await previous.retire();
    return next;
  }

  /** Retire the active model (on shutdown), after any activation under way. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#active.retire();
  }
}

/**
 * Load and probe `modelsDir/name/version`, refusing a bundle that is not in the folder or whose
 * manifest names another model (responses and decision records would then disagree with the
 * activation log). The caller owns the result: `retire()` it when done.
 */
export async function loadListed(modelsDir: string, name: string, version: string): Promise<LoadedModel> {
  const bundles = await listBundles(modelsDir);
  const found = bundles.find((b) => b.name === name && b.version === version);
  if (!found) {
    const have = bundles.map((b) => `${b.name}/${b.version}`).join(', ') || 'none';
    throw new UnknownModelError(`no bundle ${name}/${version} in ${modelsDir} (have ${have})`);
  }
  return loadAt(found);
}

async function loadAt(ref: BundleRef): Promise<LoadedModel> {
  const model = await LoadedModel.load(ref.dir);
  if (model.name !== ref.name || model.version !== ref.version) {
    await model.retire();
    throw new Error(
      `${join(ref.dir, 'manifest.json')} names ${model.name}/${model.version}, not ${ref.name}/${ref.version}: ` +
        'a bundle must live in models/<its name>/<its version>',
    );
  }
  return model;
}
