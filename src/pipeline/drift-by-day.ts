/**
 * @module Drift of one model version per UTC day, from stored decisions: PSI per feature and for
 * the score, each day against the bundle's reference. Bounded for pages: each day reads at most
 * `perDay` decisions, spread over the day's hours so a busy morning cannot stand for the whole day.
 */
import type { DecisionStore, StoredDecision } from '../store/decision-store.ts';
import { MAX_LIST_LIMIT } from '../store/decision-store.ts';
import type { DecisionRecord } from '../store/decision-record.ts';
import { type ModelDrift, ModelDriftCounter } from './drift-from-store.ts';

const DAY_MS = 86_400_000;
/** A day is read as this many equal slices, each with its share of the day's budget. */
const SLICES_PER_DAY = 24;

export interface DailyDriftOptions {
  store: Pick<DecisionStore, 'listDecisions' | 'listDecisionKeys'>;
  /** Model bundles directory (models/<name>/<version>). */
  models: string;
  model: { name: string; version: string };
  /** The first UTC day (midnight) and how many days from it. */
  from: Date;
  days: number;
  /** Decisions read per day at most (of any model; this model's are counted). */
  perDay: number;
}

/** One day's drift of the model. */
export interface DayDrift {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** Decisions of any model read for the day. */
  read: number;
  /** False when the day had more decisions than were read: the figures come from a sample. */
  complete: boolean;
  /** This model's scored decisions among them, and their drift (or why there is none). */
  drift: ModelDrift;
}

/** PSI per feature and for the score, per UTC day, oldest day first. */
export async function driftByDay(o: DailyDriftOptions): Promise<DayDrift[]> {
  const out: DayDrift[] = [];
  const bundle = await ModelDriftCounter.open(o.models, o.model);
  for (let d = 0; d < o.days; d++) {
    const from = o.from.getTime() + d * DAY_MS;
    const { records, complete } = await sampleDecisions(o.store, from, from + DAY_MS, o.perDay);
    const counter = bundle.empty();
    counter.add(records.filter((r): r is DecisionRecord & { score: number } => r.score !== null && r.model.name === o.model.name && r.model.version === o.model.version));
    out.push({ day: new Date(from).toISOString().slice(0, 10), read: records.length, complete, drift: counter.result() });
  }
  return out;
}

/** One slice of a day being read: its bounds, where reading stopped, and whether it may hold more. */
interface Slice {
  start: string;
  end: string;
  after?: { decidedAt: string; seq: number };
  full: boolean;
}

/**
 * Up to `budget` live decisions with from <= decidedAt < to, spread over SLICES_PER_DAY equal
 * slices: a first pass gives each slice its share of what is left (quiet slices leave more to
 * later ones), then slices that filled their share split what is still left, until the budget is
 * used or every slice is read out. Keys are read first, so only decisions kept are read whole;
 * an empty stretch costs one key read.
 */
export async function sampleDecisions(
  store: Pick<DecisionStore, 'listDecisions' | 'listDecisionKeys'>, from: number, to: number, budget: number,
): Promise<{ records: DecisionRecord[]; complete: boolean }> {
  const width = (to - from) / SLICES_PER_DAY;
  const records: DecisionRecord[] = [];
  const slices: Slice[] = [];
  /** Reads up to `quota` more of `s`; returns when the next decision after it is (none: undefined). */
  const read = async (s: Slice, quota: number): Promise<string | undefined> => {
    const keys = await store.listDecisionKeys({ since: s.start, after: s.after, limit: quota });
    const inSlice = keys.filter((k) => k.decidedAt < s.end).length;
    s.full = inSlice === quota;
    if (inSlice === 0) return keys[0]?.decidedAt;
    const page: StoredDecision[] = await store.listDecisions({ since: s.start, after: s.after, limit: inSlice });
    for (const { record } of page) if (record.decidedAt < s.end) records.push(record);
    const last = page[page.length - 1];
    s.after = { decidedAt: last.record.decidedAt, seq: last.seq };
    return undefined;
  };
  for (let i = 0; i < SLICES_PER_DAY && records.length < budget; i++) {
    const s: Slice = { start: new Date(from + i * width).toISOString(), end: new Date(i === SLICES_PER_DAY - 1 ? to : from + (i + 1) * width).toISOString(), full: false };
    slices.push(s);
    const quota = Math.min(MAX_LIST_LIMIT, Math.ceil((budget - records.length) / (SLICES_PER_DAY - i)));
    const before = records.length;
    const next = await read(s, quota);
    if (records.length === before && !s.full) {
      // Empty slice: jump to the one holding the next decision (the loop's i++ lands on it), or stop.
      if (next === undefined || Date.parse(next) >= to) break;
      i = Math.max(i, Math.floor((Date.parse(next) - from) / width) - 1);
    }
  }
  for (let full = slices.filter((s) => s.full); full.length > 0 && records.length < budget; full = full.filter((s) => s.full)) {
    const quota = Math.min(MAX_LIST_LIMIT, Math.ceil((budget - records.length) / full.length));
    for (const s of full) if (records.length < budget) await read(s, Math.min(quota, budget - records.length));
  }
  // A full budget may have left decisions unread, even when no slice filled its own share.
  return { records, complete: !slices.some((s) => s.full) && records.length < budget };
}
