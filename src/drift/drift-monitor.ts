/** @module Live drift: a rolling window of recent scored alerts per model version, compared with the manifest's reference. */
import type { Manifest } from '../model/manifest.ts';
import { type DriftReport, driftReport } from './drift-report.ts';
import { RollingWindow } from './rolling-window.ts';

/** Default window: the last 10,000 scored alerts per model version. */
export const DEFAULT_DRIFT_WINDOW = 10_000;

/** What the monitor needs of a scored result. */
export interface ScoredRow {
  score: number | null;
  features: Float32Array | null;
  model: { name: string; version: string };
  shadow?: boolean;
}

interface Watched {
  manifest: Manifest;
  window: RollingWindow;
}

/** Keeps recent scored alerts in memory and reports PSI against each model's reference distributions. */
export class DriftMonitor {
  readonly #models = new Map<string, Watched>();

  constructor(readonly capacity = DEFAULT_DRIFT_WINDOW) {}

  /** Add the alerts `manifest`'s model scored (others, e.g. unscored or another arm's model, are skipped). */
  observe(manifest: Manifest, results: readonly ScoredRow[]): void {
    if (!manifest.reference && !manifest.scoreReference) return;
    const key = `${manifest.name}/${manifest.version}`;
    let w = this.#models.get(key);
    if (!w) {
      w = { manifest, window: new RollingWindow(manifest.featureSpec.features.length, this.capacity) };
      this.#models.set(key, w);
    }
    for (const r of results) {
      if (r.score === null || r.features === null || r.shadow) continue;
      if (r.model.name !== manifest.name || r.model.version !== manifest.version) continue;
      w.window.push(r.features, r.score);
    }
  }

  /** Model versions with a window, as "name/version". */
  models(): string[] {
    return [...this.#models.keys()];
  }

  /** PSI of the window of `name/version`, or undefined when this process has not seen the model score. */
  report(name: string, version: string): DriftReport | undefined {
    const w = this.#models.get(`${name}/${version}`);
    if (!w) return undefined;
    const { x, scores } = w.window.snapshot();
    return driftReport({ features: w.manifest.reference ?? {}, score: w.manifest.scoreReference }, w.manifest.featureSpec.features.map((f) => f.name), x, scores);
  }
}
