/**
 * @module Replicas follow the activation log: at start serve what its latest entry names, then poll
 * it and load-probe-swap whenever a new entry names another bundle. The store, not each process,
 * decides the active model, so every replica converges on it within one poll interval.
 */
import type { ActivationEntry, ActivationLog, ModelRef } from '../store/activation-log.ts';
import { ActivationConflictError, describeEntry, refName } from '../store/activation-log.ts';
import { type ActivationFallback, openNewestServable } from './activation-fallback.ts';
import { ModelRegistry } from './model-registry.ts';

/** The pino methods the follower uses. */
export interface FollowerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options for `followActivations`. */
export interface FollowOptions {
  modelsDir: string;
  log: ActivationLog;
  /** `name/version` from `serve --model`: served at start whatever the log says (with a warning). */
  pinned?: string;
  /** How often the log is read (ms). */
  intervalMs: number;
  logger: FollowerLogger;
  /** Who records the 'initial' entry on an empty log, e.g. `serve@host:pid`. */
  actor: string;
}

/** A registry opened on the log's model and the follower keeping it there. */
export interface Following {
  registry: ModelRegistry;
  follower: ActivationFollower;
}

/**
 * Open the registry on the model the log names (an explicit `pinned` wins), record an 'initial'
 * entry when the log is empty, and start polling. When the named bundle cannot be served, start
 * on the newest entry (else the default) that can, and say so (activation-fallback.ts): a replica
 * that answers with an older model is better than a fleet that cannot restart. Throws only for a
 * pinned bundle that cannot be served, or when no bundle can.
 */
export async function followActivations(o: FollowOptions): Promise<Following> {
  const current = await o.log.current();
  let registry: ModelRegistry;
  let fallback: ActivationFallback | undefined;
  if (o.pinned) {
    registry = await ModelRegistry.open(o.modelsDir, o.pinned);
    if (current && !isActive(registry, current.model)) {
      o.logger.warn({ pinned: o.pinned, log: refName(current.model), seq: current.seq },
        `--model ${o.pinned} overrides the activation log, which names ${describeEntry(current)}; this replica follows the next promote or rollback`);
    }
  } else if (current) {
    ({ registry, fallback } = await openNewestServable(o));
  } else {
    registry = await ModelRegistry.open(o.modelsDir);
  }

  // In a fallback the latest entry is not applied: every poll retries it until it can be served.
  let appliedSeq = fallback ? undefined : current?.seq;
  if (!current) {
    const model = { name: registry.active.name, version: registry.active.version };
    try {
      const entry = await o.log.record({ model, action: 'initial', actor: o.actor, expectedLatestSeq: null });
      appliedSeq = entry.seq;
      o.logger.info({ model: refName(model), seq: entry.seq }, 'activation log was empty: recorded the initial model');
    } catch (err) {
      if (!(err instanceof ActivationConflictError)) {
        await registry.close();
        throw err;
      }
      // Another replica started at the same moment and recorded first. Unpinned, the first poll
      // follows its entry; pinned, the pin holds until the next change, as with any existing entry.
      if (o.pinned) appliedSeq = err.latest?.seq;
    }
  }
  const follower = new ActivationFollower(registry, o.log, { intervalMs: o.intervalMs, logger: o.logger, appliedSeq, fallback });
  follower.start();
  return { registry, follower };
}

/** Polls the log and swaps the registry to what its latest entry names. */
export class ActivationFollower {
  readonly #registry: ModelRegistry;
  readonly #log: Pick<ActivationLog, 'current'>;
  readonly #intervalMs: number;
  readonly #logger: FollowerLogger;
  // The last entry this replica acted on (or deliberately ignored, when pinned); only a newer entry moves it.
  #appliedSeq: number | undefined;
  #failedSeq: number | undefined;
  #attempts = 0;
  #logUnreachable = false;
  #fallback: ActivationFallback | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    registry: ModelRegistry,
    log: Pick<ActivationLog, 'current'>,
    o: { intervalMs: number; logger: FollowerLogger; appliedSeq?: number; fallback?: ActivationFallback },
  ) {
    this.#registry = registry;
    this.#log = log;
    this.#intervalMs = o.intervalMs;
    this.#logger = o.logger;
    this.#appliedSeq = o.appliedSeq;
    this.#fallback = o.fallback;
    // Startup already reported the first failure: the next report is attempt 2.
    if (o.fallback) [this.#failedSeq, this.#attempts] = [o.fallback.wantedSeq, 1];
  }

  /** Set while this replica serves something other than the log's latest entry because that bundle cannot be served. */
  get fallback(): ActivationFallback | undefined {
    return this.#fallback;
  }

  /** Begin polling every `intervalMs`; a poll never overlaps the previous one. */
  start(): void {
    if (this.#stopped || this.#timer) return;
    this.#schedule();
  }

  /** Stop polling and wait for a poll (and any swap it started) to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: read the latest entry and, if it is new and names another bundle, activate it. Never throws. */
  async poll(): Promise<void> {
    let latest: ActivationEntry | undefined;
    try {
      latest = await this.#log.current();
    } catch (err) {
      // Log on the transition only: a store outage would otherwise log every interval.
      if (!this.#logUnreachable) this.#logger.error({ err: (err as Error).message }, `activation log unreachable; still serving ${this.#activeName()}`);
      this.#logUnreachable = true;
      return;
    }
    if (this.#logUnreachable) this.#logger.info({}, 'activation log reachable again');
    this.#logUnreachable = false;
    if (!latest || latest.seq === this.#appliedSeq) return;
    if (isActive(this.#registry, latest.model)) {
      this.#appliedSeq = latest.seq;
      this.#recovered(latest);
      return;
    }
    const from = this.#activeName();
    try {
      await this.#registry.activate(latest.model.name, latest.model.version, { unlessActive: true });
    } catch (err) {
      this.#attempts = this.#failedSeq === latest.seq ? this.#attempts + 1 : 1;
      this.#failedSeq = latest.seq;
      // Attempts 1, 2, 4, 8…: a bundle that stays broken is reported, but not every interval.
      if ((this.#attempts & (this.#attempts - 1)) === 0) {
        this.#logger.error({ err: (err as Error).message, seq: latest.seq, attempt: this.#attempts },
          `cannot activate ${refName(latest.model)} (#${latest.seq} in the activation log); still serving ${from}, retrying every ${this.#intervalMs} ms`);
      }
      if (this.#fallback?.wantedSeq !== latest.seq) {
        const active = this.#registry.active;
        this.#fallback = {
          wanted: latest.model, wantedSeq: latest.seq, serving: { name: active.name, version: active.version },
          // The entry it serves from stays the last one applied; a pinned start has none.
          servingSeq: this.#fallback ? this.#fallback.servingSeq : this.#appliedSeq ?? null,
          reason: (err as Error).message, since: this.#fallback?.since ?? new Date().toISOString(),
        };
      }
      return;
    }
    this.#appliedSeq = latest.seq;
    this.#failedSeq = undefined;
    this.#recovered(latest);
    this.#logger.info({ from, to: refName(latest.model), seq: latest.seq, action: latest.action, actor: latest.actor }, 'followed the activation log');
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#running = this.poll().finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#schedule();
      });
    }, this.#intervalMs);
    // Polling alone must not keep a process alive (the server does that).
    this.#timer.unref();
  }

  #recovered(latest: ActivationEntry): void {
    if (!this.#fallback) return;
    this.#logger.info({ model: refName(latest.model), seq: latest.seq, wasServing: refName(this.#fallback.serving) }, 'serving the activation log\'s latest entry again: fallback over');
    this.#fallback = undefined;
  }

  #activeName(): string {
    return `${this.#registry.active.name}/${this.#registry.active.version}`;
  }
}

function isActive(registry: ModelRegistry, model: ModelRef): boolean {
  return registry.active.name === model.name && registry.active.version === model.version;
}
