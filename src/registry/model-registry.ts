/** @module Which bundles exist and which one serves: load the new one, check it, swap, then retire the old one. */
import { join } from 'node:path';
import { listBundles } from '../model/index.ts';
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

/** The models folder and the one active, loaded bundle. */
export class ModelRegistry {
  #active: LoadedModel;

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
    return new ModelRegistry(modelsDir, await LoadedModel.load(pick.dir));
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
   */
  async activate(name: string, version: string): Promise<LoadedModel> {
    const bundles = await listBundles(this.modelsDir);
    if (!bundles.some((b) => b.name === name && b.version === version)) {
      throw new UnknownModelError(`no bundle ${name}/${version} in ${this.modelsDir}`);
    }
    const next = await LoadedModel.load(join(this.modelsDir, name, version));
    const previous = this.#active;
    this.#active = next;
    if (previous !== next) await previous.retire();
    return next;
  }

  /** Retire the active model (on shutdown). */
  async close(): Promise<void> {
    await this.#active.retire();
  }
}
