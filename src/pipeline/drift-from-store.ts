/** @module The `drift` use case: PSI of the decisions stored in a period, per model version, against each model's reference. */
import { join } from 'node:path';
import { DriftAccumulator } from '../drift/drift-accumulator.ts';
import type { DriftReport } from '../drift/drift-report.ts';
import { type Manifest, readBundle } from '../model/index.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { MAX_LIST_LIMIT } from '../store/decision-store.ts';

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

interface Group {
  model: { name: string; version: string };
  decisions: number;
  acc?: DriftAccumulator;
  manifest?: Manifest;
  problem?: string;
}

/** Read the period's decisions page by page and report PSI per model version (in the order first seen). */
export async function driftFromStore(o: DriftFromStoreOptions): Promise<ModelDrift[]> {
  const groups = new Map<string, Group>();
  const open = async (name: string, version: string): Promise<Group> => {
    const g: Group = { model: { name, version }, decisions: 0 };
    try {
      const { manifest } = await readBundle(join(o.models, name, version));
      if (!manifest.reference && !manifest.scoreReference) g.problem = 'its manifest has no reference distributions (trained before drift monitoring); retrain to get them';
      else {
        g.manifest = manifest;
        g.acc = new DriftAccumulator({ features: manifest.reference ?? {}, score: manifest.scoreReference }, manifest.featureSpec.features.map((f) => f.name));
      }
    } catch (err) {
      g.problem = `bundle not readable: ${(err as Error).message}`;
    }
    return g;
  };
  let after: { decidedAt: string; seq: number } | undefined;
  for (;;) {
    const page = await o.store.listDecisions({ since: o.from, after, limit: MAX_LIST_LIMIT });
    if (page.length === 0) break;
    after = { decidedAt: page[page.length - 1].record.decidedAt, seq: page[page.length - 1].seq };
    // Per model: the page's rows as one matrix, counted in one pass per feature.
    const batch = new Map<string, { g: Group; rows: number[][]; scores: number[] }>();
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
      let g = groups.get(key);
      if (!g) {
        g = await open(name, version);
        groups.set(key, g);
      }
      g.decisions++;
      if (!g.acc || !g.manifest) continue;
      if (record.specHash !== g.manifest.specHash || record.features.length !== g.manifest.featureSpec.features.length) {
        g.problem = `decision ${record.alertId} was scored with spec ${record.specHash}, not the bundle's ${g.manifest.specHash}`;
        g.acc = undefined;
        continue;
      }
      let b = batch.get(key);
      if (!b) batch.set(key, (b = { g, rows: [], scores: [] }));
      b.rows.push(record.features);
      b.scores.push(record.score);
    }
    for (const { g, rows, scores } of batch.values()) {
      if (!g.acc) continue;
      const nf = g.acc.names.length;
      const x = new Float32Array(rows.length * nf);
      rows.forEach((r, i) => x.set(r, i * nf));
      g.acc.add(x, scores);
    }
    if (done || page.length < MAX_LIST_LIMIT) break;
  }
  return [...groups.values()].map((g) => ({
    model: g.model, decisions: g.decisions,
    ...(g.acc ? { report: g.acc.report() } : { problem: g.problem ?? 'no reference' }),
  }));
}
