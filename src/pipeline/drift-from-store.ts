/** @module The `drift` use case: PSI of the decisions stored in a period, per model version, against each model's reference. */
import { join } from 'node:path';
import { DriftAccumulator } from '../drift/drift-accumulator.ts';
import type { DriftReport } from '../drift/drift-report.ts';
import { type Manifest, readBundle } from '../model/index.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { MAX_LIST_LIMIT } from '../store/decision-store.ts';
import type { DecisionRecord } from '../store/decision-record.ts';

export interface DriftFromStoreOptions {
  store: Pick<DecisionStore, 'listDecisions'>;
  /** Model bundles directory (models/<name>/<version>). */
  models: string;
  /** Decisions with from <= decidedAt < to (ISO 8601; either may be absent). */
  from?: string;
  to?: string;
  /** Only this model version. */
  model?: { name: string; version: string };
}

/** One model version's drift over the period, or why it could not be measured. */
export interface ModelDrift {
  model: { name: string; version: string };
  /** Scored decisions of this model in the period (unscored ones carry no features). */
  decisions: number;
  report?: DriftReport;
  /** Why there is no report: bundle missing, no reference distributions, or a spec that changed. */
  problem?: string;
}

/**
 * One model version's drift being counted: its bundle's reference distributions, and the scored
 * decisions added so far. A bundle without references, or a decision scored with another feature
 * spec, leaves a problem instead of a report.
 */
export class ModelDriftCounter {
  decisions = 0;
  #acc?: DriftAccumulator;
  #manifest?: Manifest;
  #problem?: string;

  private constructor(readonly model: { name: string; version: string }) {}

  /** Reads `models/<name>/<version>`'s references; never throws (an unreadable bundle is a problem to report). */
  static async open(models: string, model: { name: string; version: string }): Promise<ModelDriftCounter> {
    const g = new ModelDriftCounter({ name: model.name, version: model.version });
    try {
      const { manifest } = await readBundle(join(models, model.name, model.version));
      if (!manifest.reference && !manifest.scoreReference) g.#problem = 'its manifest has no reference distributions (trained before drift monitoring); retrain to get them';
      else g.#manifest = manifest;
    } catch (err) {
      g.#problem = `bundle not readable: ${(err as Error).message}`;
    }
    g.#acc = g.#accumulator();
    return g;
  }

  /** A counter of the same bundle with nothing counted yet (one bundle read for many periods). */
  empty(): ModelDriftCounter {
    const g = new ModelDriftCounter(this.model);
    g.#manifest = this.#manifest;
    g.#problem = this.#manifest ? undefined : this.#problem;
    g.#acc = g.#accumulator();
    return g;
  }

  #accumulator(): DriftAccumulator | undefined {
    const m = this.#manifest;
    return m && new DriftAccumulator({ features: m.reference ?? {}, score: m.scoreReference }, m.featureSpec.features.map((f) => f.name));
  }

  /** Counts scored decisions of this model (unscored ones carry no features: skip them before). */
  add(records: ReadonlyArray<{ alertId: string; specHash: string; features: number[]; score: number }>): void {
    this.decisions += records.length;
    const rows: number[][] = [];
    const scores: number[] = [];
    for (const record of records) {
      if (!this.#acc || !this.#manifest) return;
      if (record.specHash !== this.#manifest.specHash || record.features.length !== this.#manifest.featureSpec.features.length) {
        this.#problem = `decision ${record.alertId} was scored with spec ${record.specHash}, not the bundle's ${this.#manifest.specHash}`;
        this.#acc = undefined;
        return;
      }
      rows.push(record.features);
      scores.push(record.score);
    }
    if (!this.#acc || rows.length === 0) return;
    // The batch as one matrix, counted in one pass per feature.
    const nf = this.#acc.names.length;
    const x = new Float32Array(rows.length * nf);
    rows.forEach((r, i) => x.set(r, i * nf));
    this.#acc.add(x, scores);
  }

  result(): ModelDrift {
    return { model: this.model, decisions: this.decisions, ...(this.#acc ? { report: this.#acc.report() } : { problem: this.#problem ?? 'no reference' }) };
  }
}

/** Read the period's decisions page by page and report PSI per model version (in the order first seen). */
export async function driftFromStore(o: DriftFromStoreOptions): Promise<ModelDrift[]> {
  const groups = new Map<string, ModelDriftCounter>();
  let after: { decidedAt: string; seq: number } | undefined;
  for (;;) {
    const page = await o.store.listDecisions({ since: o.from, after, limit: MAX_LIST_LIMIT });
    if (page.length === 0) break;
    after = { decidedAt: page[page.length - 1].record.decidedAt, seq: page[page.length - 1].seq };
    const batch = new Map<string, ScoredRecord[]>();
    let done = false;
    for (const { record } of page) {
      if (o.to !== undefined && record.decidedAt >= o.to) {
        done = true;
        break;
      }
      if (record.score === null) continue;
      const { name, version } = record.model;
      if (o.model && (o.model.name !== name || o.model.version !== version)) continue;
      const key = `${name}/${version}`;
      if (!groups.has(key)) groups.set(key, await ModelDriftCounter.open(o.models, record.model));
      let rows = batch.get(key);
      if (!rows) batch.set(key, (rows = []));
      rows.push(record as ScoredRecord); // score checked above
    }
    for (const [key, rows] of batch) groups.get(key)!.add(rows);
    if (done || page.length < MAX_LIST_LIMIT) break;
  }
  return [...groups.values()].map((g) => g.result());
}

type ScoredRecord = DecisionRecord & { score: number };
