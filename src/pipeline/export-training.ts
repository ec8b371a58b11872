/**
 * @module The `export` use case: decisions ⋈ analyst feedback → a point-in-time-correct training
 * table. Streams decisions from the store in time order (never the whole table in memory) and
 * replays feedback arrivals alongside, so entity-history columns are what serving knew then.
 */
import { join } from 'node:path';
import type { AttributeValue, FeatureSpec } from '../features/index.ts';
import { eventTime, HISTORY_COLUMNS, historyAttributes, HistorySweep } from '../feedback/entity-history.ts';
import { decodeFeatures, labelAsOf, META_COLUMNS, metaValues } from '../feedback/training-row.ts';
import { writeTable } from '../io/write-table.ts';
import { readBundle } from '../model/index.ts';
import type { DecisionRecord } from '../store/decision-record.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { DEFAULT_POSITIVE_DISPOSITIONS, type StoredFeedback } from '../store/feedback-record.ts';

export interface ExportOptions {
  store: Pick<DecisionStore, 'listDecisions' | 'listDecisionKeys' | 'listFeedback'>;
  /** Bundles folder, to name and decode each decision's features by the spec that scored it. */
  models: string;
  out: string;
  /** Decisions with scored time in [from, to) (ISO instants); all when absent. */
  from?: string;
  to?: string;
  /** Labels as known at this instant (analyst decision time ≤ asOf); default now. */
  asOf?: string;
  positive?: readonly string[];
  /** Also write decisions without a label (label empty), e.g. for scoring or drift. */
  includeUnlabelled?: boolean;
  onProgress?(p: { phase: 'scan' | 'write'; decisions: number }): void;
}

export interface ExportResult {
  /** Rows written. */
  rows: number;
  labelled: number;
  /** Labelled rows that came from below-the-line samples (weight > 1). */
  sampled: number;
  /** Distinct alerts with feedback but no decision in the store at all. */
  unjoinable: number;
  columns: string[];
}

const PAGE = 10_000;

/** Writes the training table; returns counts for the caller to report. */
export async function exportTrainingData(o: ExportOptions): Promise<ExportResult> {
  const asOf = o.asOf ?? new Date().toISOString();
  const positive = o.positive ?? DEFAULT_POSITIVE_DISPOSITIONS;
  const feedback = await loadFeedback(o.store);
  const byAlert = new Map<string, StoredFeedback[]>();
  for (const f of feedback) {
    const list = byAlert.get(f.alertId);
    if (list) list.push(f);
    else byAlert.set(f.alertId, [f]);
  }

  // Pass 1: per alert, the latest decision in range (a re-scored alert is one training row), and
  // which model versions scored decisions in range (their specs name the feature columns).
  // Memory grows with what is kept per alert, so only alerts that can become rows are kept
  // (those with feedback, unless unlabelled rows are asked for), and of the rest only whether
  // feedback found its decision (for the unjoinable count).
  const chosen = new Map<string, number>();
  const modelKeys = new Set<string>();
  const joined = new Set<string>();
  let scanned = 0;
  // Keys only: this pass needs no features, and reading and decoding them was most of its cost.
  for await (const key of paged((after) => o.store.listDecisionKeys({ after, limit: PAGE }), (k) => k)) {
    const hasFeedback = byAlert.has(key.alertId);
    if (hasFeedback) joined.add(key.alertId);
    scanned += 1;
    if (scanned % PAGE === 0) o.onProgress?.({ phase: 'scan', decisions: scanned });
    if (!inRange(key, o.from, o.to, asOf)) continue;
    modelKeys.add(`${key.model.name}/${key.model.version}`);
    if (hasFeedback || o.includeUnlabelled) chosen.set(key.alertId, key.seq);
  }
  const specs = await loadSpecs(o.models, modelKeys);
  const featureColumns = [...new Set([...specs.values()].flatMap((s) => s.features.map((f) => f.source)))].filter(
    (c) => !(META_COLUMNS as readonly string[]).includes(c) && !(HISTORY_COLUMNS as readonly string[]).includes(c),
  );
  const columns = [...META_COLUMNS, ...HISTORY_COLUMNS, ...featureColumns];

  // Pass 2: replay decisions and feedback arrivals in time order; write the chosen rows.
  const counts = { labelled: 0, sampled: 0 };
  const arrivals = [...feedback].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.seq - b.seq));
  async function* rows(): AsyncGenerator<AttributeValue[]> {
    const sweep = new HistorySweep(positive);
    let next = 0;
    let written = 0;
    let group: DecisionRecord[] = [];
    const flush = function* (): Generator<AttributeValue[]> {
      // Every decision at one instant sees the same history: snapshot all, then add them.
      const out: AttributeValue[][] = [];
      for (const record of group) {
        const row = rowFor(record);
        if (row) out.push(row);
      }
      for (const record of group) if (record.entityId !== undefined) sweep.addDecision(record.entityId, record.alertId, eventTime(record));
      group = [];
      yield* out;
    };
    const rowFor = (record: DecisionRecord & { seq?: number }): AttributeValue[] | undefined => {
      if (chosen.get(record.alertId) !== record.seq) return undefined;
      const label = labelAsOf(byAlert.get(record.alertId) ?? [], asOf);
      if (!label && !o.includeUnlabelled) return undefined;
      if (label) {
        counts.labelled += 1;
        if (record.sample) counts.sampled += 1;
      }
      const history = record.entityId === undefined ? undefined : sweep.snapshot(record.entityId);
      const spec = specs.get(`${record.model.name}/${record.model.version}`)!;
      const values = decodeFeatures(spec, record);
      const hist = historyAttributes(history, eventTime(record));
      return [...metaValues(record, label, positive), ...HISTORY_COLUMNS.map((c) => hist[c]), ...featureColumns.map((c) => values[c] ?? null)];
    };
    for await (const { seq, record } of paged((after) => o.store.listDecisions({ after, limit: PAGE }), (d) => ({ seq: d.seq, decidedAt: d.record.decidedAt }))) {
      if (group.length > 0 && group[0].decidedAt !== record.decidedAt) yield* flush();
      // Feedback received strictly before this instant is known to it.
      while (next < arrivals.length && arrivals[next].receivedAt < record.decidedAt) sweep.addFeedback(arrivals[next++]);
      group.push(Object.assign(record, { seq }));
      written += 1;
      if (written % PAGE === 0) o.onProgress?.({ phase: 'write', decisions: written });
    }
    yield* flush();
  }
  const written = await writeTable(o.out, columns, rows());
  const unjoinable = byAlert.size - joined.size;
  return { rows: written, labelled: counts.labelled, sampled: counts.sampled, unjoinable, columns };
}

function inRange(r: { decidedAt: string }, from: string | undefined, to: string | undefined, asOf: string): boolean {
  return (from === undefined || r.decidedAt >= from) && (to === undefined || r.decidedAt < to) && r.decidedAt <= asOf;
}

type Cursor = { decidedAt: string; seq: number };

/** Every row of a (decidedAt, seq)-ordered listing, page by page; `cursorOf` gives a row's position. */
async function* paged<T>(list: (after: Cursor | undefined) => Promise<T[]>, cursorOf: (row: T) => Cursor): AsyncGenerator<T> {
  let after: Cursor | undefined;
  for (;;) {
    const page = await list(after);
    yield* page;
    if (page.length < PAGE) return;
    after = cursorOf(page[page.length - 1]);
  }
}

async function loadFeedback(store: ExportOptions['store']): Promise<StoredFeedback[]> {
  const all: StoredFeedback[] = [];
  for (let afterSeq: number | undefined; ; ) {
    const page = await store.listFeedback({ afterSeq, limit: PAGE });
    all.push(...page);
    if (page.length < PAGE) return all;
    afterSeq = page[page.length - 1].seq;
  }
}

async function loadSpecs(models: string, keys: Set<string>): Promise<Map<string, FeatureSpec>> {
  const specs = new Map<string, FeatureSpec>();
  for (const key of keys) {
    try {
      specs.set(key, (await readBundle(join(models, key))).manifest.featureSpec);
    } catch (err) {
      throw new Error(`decisions were scored by model ${key}, but its bundle cannot be read from ${join(models, key)} (needed to name and decode the features): ${(err as Error).message}`);
    }
  }
  return specs;
}
