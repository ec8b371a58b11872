/**
 * @module Which model a replica starts on when the activation log's latest entry cannot be
 * served: the newest entry whose bundle loads and verifies, walking back through the log, and
 * finally the `--model` default. One tampered or missing bundle must not keep a restarted
 * replica (or a whole fleet) from serving; the replica says so loudly and keeps trying the
 * wanted model (see activation-follower.ts).
 */
import type { ActivationEntry, ActivationLog, ModelRef } from '../store/activation-log.ts';
import { describeEntry, MAX_HISTORY_LIMIT, refName } from '../store/activation-log.ts';
import type { FollowerLogger } from './activation-follower.ts';
import { ModelRegistry } from './model-registry.ts';

/** A replica serving something other than the activation log's latest entry, and why (shown in /readyz and /metrics). */
export interface ActivationFallback {
  /** What the log's latest entry names: what the fleet should serve. */
  wanted: ModelRef;
  wantedSeq: number;
  /** What this replica serves instead. */
  serving: ModelRef;
  /** The log entry it serves from; null when it serves the `--model` default because no entry could be served. */
  servingSeq: number | null;
  /** Why the wanted bundle was refused (the load or verification error). */
  reason: string;
  /** When this replica began serving the fallback (UTC ISO). */
  since: string;
}

/** The registry a replica starts on, and the fallback it is in, if any. */
export interface StartingModel {
  registry: ModelRegistry;
  fallback?: ActivationFallback;
}

/**
 * Open the registry on the newest entry of `log` whose bundle loads and verifies, logging every
 * entry refused on the way at error level; when none can be served, on the default model
 * (`ModelRegistry.open(modelsDir)`). Throws only when not even the default can be served.
 */
export async function openNewestServable(o: { modelsDir: string; log: Pick<ActivationLog, 'history'>; logger: FollowerLogger }): Promise<StartingModel> {
  const entries = await o.log.history(MAX_HISTORY_LIMIT);
  if (entries.length === 0) return { registry: await ModelRegistry.open(o.modelsDir) };
  const latest = entries[0];
  const refused = new Map<string, string>();
  for (const entry of entries) {
    const name = refName(entry.model);
    // An older entry naming a bundle already refused would be refused again.
    if (refused.has(name)) continue;
    let registry: ModelRegistry;
    try {
      registry = await ModelRegistry.open(o.modelsDir, name);
    } catch (err) {
      const why = (err as Error).message;
      refused.set(name, why);
      o.logger.error({ seq: entry.seq, model: name, err: why },
        `activation log entry #${entry.seq} names ${describeEntry(entry)}, but this replica cannot serve it: ${why}`);
      continue;
    }
    if (entry === latest) return { registry };
    return { registry, fallback: announce(o.logger, latest, entry.model, entry.seq, refused.get(refName(latest.model))!) };
  }
  let registry: ModelRegistry;
  try {
    registry = await ModelRegistry.open(o.modelsDir);
  } catch (err) {
    throw new Error(
      `no bundle the activation log names can be served (${[...refused].map(([name, why]) => `${name}: ${why}`).join('; ')}), ` +
        `nor the default: ${(err as Error).message}. Fix the bundles in ${o.modelsDir}, or pin a model with --model`,
      { cause: err },
    );
  }
  const serving = { name: registry.active.name, version: registry.active.version };
  return { registry, fallback: announce(o.logger, latest, serving, null, refused.get(refName(latest.model))!) };
}

function announce(logger: FollowerLogger, latest: ActivationEntry, serving: ModelRef, servingSeq: number | null, reason: string): ActivationFallback {
  const fallback = { wanted: latest.model, wantedSeq: latest.seq, serving, servingSeq, reason, since: new Date().toISOString() };
  const from = servingSeq === null ? 'the default model, as no entry of the activation log can be served' : `entry #${servingSeq} of the activation log`;
  logger.error({ wanted: refName(latest.model), wantedSeq: latest.seq, serving: refName(serving), servingSeq, reason },
    `serving ${refName(serving)} (${from}) instead of ${refName(latest.model)} (#${latest.seq}, the latest entry), which this replica cannot serve: ${reason}; ` +
      'shown in /readyz and winnow_model_activation_fallback; retrying it every poll');
  return fallback;
}
