/** @module Promote and roll back through the activation log: check the bundle first, then record; replicas do the swapping. */
import type { ActivationEntry, ActivationLog, ModelRef } from '../store/activation-log.ts';
import { refName } from '../store/activation-log.ts';
import { loadListed, UnknownModelError } from './model-registry.ts';

/** Rollback asked of a log with no earlier version in it (HTTP 409, CLI exit 1). */
export class NothingToRollBackError extends Error {
  override readonly name = 'NothingToRollBackError';
}

/** The outcome of a promote or rollback; `entry` is the new entry, or the current one when nothing changed. */
export interface ActivationChange {
  changed: boolean;
  from: ModelRef | null;
  entry: ActivationEntry;
}

/**
 * What a rollback goes back to: the `from` of the latest entry, i.e. the model that was active
 * before the current one. A second rollback therefore returns to where the first started (it
 * undoes the rollback); walking further back is a promote of the older version.
 */
export async function rollbackTarget(log: Pick<ActivationLog, 'current'>): Promise<{ current: ActivationEntry; target: ModelRef }> {
  const current = await log.current();
  if (!current) {
    throw new NothingToRollBackError('nothing to roll back to: the activation log is empty (no replica has served from this store yet)');
  }
  if (!current.from) {
    throw new NothingToRollBackError(
      `nothing to roll back to: ${refName(current.model)} is the first entry of the activation log (#${current.seq}, ${current.action} by ${current.actor} at ${current.activatedAt})`,
    );
  }
  return { current, target: current.from };
}

/**
 * Load and probe a bundle in this process, then release it: the check a replica makes before it
 * swaps, made before the log tells every replica to. Throws UnknownModelError for a bundle not in
 * `modelsDir`, or the load/probe error prefixed with what was being checked.
 */
export async function checkBundle(modelsDir: string, model: ModelRef, purpose: string): Promise<void> {
  let loaded;
  try {
    loaded = await loadListed(modelsDir, model.name, model.version);
  } catch (err) {
    if (err instanceof UnknownModelError) throw err;
    throw new Error(`${refName(model)} cannot be ${purpose}: it fails to load or probe: ${(err as Error).message}`, { cause: err });
  }
  await loaded.retire();
}

/** Options shared by `promote` and `rollback`. */
export interface ActivationCommandOptions {
  log: ActivationLog;
  /** The models folder the replicas serve from (the bundle is checked here). */
  modelsDir: string;
  actor: string;
  note?: string;
}

/** Record `model` as the fleet's active model after checking it loads; a no-op when it already is. */
export async function promote(model: ModelRef, o: ActivationCommandOptions): Promise<ActivationChange> {
  const current = await o.log.current();
  if (current && current.model.name === model.name && current.model.version === model.version) {
    return { changed: false, from: current.model, entry: current };
  }
  await checkBundle(o.modelsDir, model, 'promoted');
  // Conditional on the entry read above, so the "from" the user is shown is the one recorded.
  const entry = await o.log.record({ model, action: 'promote', actor: o.actor, note: o.note, expectedLatestSeq: current?.seq ?? null });
  return { changed: true, from: entry.from, entry };
}

/** Record a return to the model before the current one, after checking it still loads. */
export async function rollback(o: ActivationCommandOptions): Promise<ActivationChange> {
  const { current, target } = await rollbackTarget(o.log);
  await checkBundle(o.modelsDir, target, 'rolled back to');
  const entry = await o.log.record({ model: target, action: 'rollback', actor: o.actor, note: o.note, expectedLatestSeq: current.seq });
  return { changed: true, from: entry.from, entry };
}
