/**
 * @module Replicas follow the store's experiments: poll the running one, load the bundles its arms
 * name, compile their policies, and hand the data plane a ready runtime. Arm models are cached
 * while an experiment uses them and retired when it stops.
 */
import { armPolicy, type ServicePolicyBase } from '../experiments/arm-policy.ts';
import { assigner } from '../experiments/assign.ts';
import { type Experiment, type ExperimentState, isActiveAt } from '../experiments/experiment-schema.ts';
import { compilePolicy } from '../policy/index.ts';
import type { ExperimentRuntime, RuntimeArm } from '../serving/experiment-scoring.ts';
import { policyDecider } from '../serving/policy-decider.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import type { FollowerLogger } from './activation-follower.ts';
import type { LoadedModel } from './loaded-model.ts';
import { loadListed } from './model-registry.ts';

export interface ExperimentFollowerOptions {
  store: Pick<DecisionStore, 'listExperiments' | 'stopExperiment'>;
  modelsDir: string;
  /** What every arm inherits (never-suppress rules, default sample rate). */
  base: ServicePolicyBase;
  intervalMs: number;
  logger: FollowerLogger;
}

/** Polls for the running experiment and keeps a runtime of it. */
export class ExperimentFollower {
  readonly #o: ExperimentFollowerOptions;
  readonly #models = new Map<string, LoadedModel>();
  #runtime: ExperimentRuntime | undefined;
  #key = '';
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #failedKey = '';

  constructor(o: ExperimentFollowerOptions) {
    this.#o = o;
  }

  /** The runtime if an experiment assigns alerts now; undefined otherwise (the hot path then skips experiments). */
  current(now = new Date().toISOString()): ExperimentRuntime | undefined {
    const rt = this.#runtime;
    return rt && isActiveAt(rt.state, now) ? rt : undefined;
  }

  /** Loads the arms' bundles and compiles their policies; throws naming the arm that cannot be served. */
  async prepare(definition: Experiment): Promise<void> {
    try {
      await this.#build({ id: definition.id, definition, status: 'running', createdAt: '', createdBy: '', stoppedArms: [] });
    } finally {
      // Loaded only to check them: the next poll loads them again once the experiment is recorded.
      await this.#retireUnused();
    }
  }

  /** One round: follow the store's running experiment (stopping one past its stopAt). Never throws. */
  async poll(): Promise<void> {
    try {
      const now = new Date().toISOString();
      const running = await this.#o.store.listExperiments({ status: 'running' });
      for (const e of running) {
        if (e.definition.stopAt !== undefined && e.definition.stopAt <= now) await this.#o.store.stopExperiment(e.id, 'reached its stopAt');
      }
      const state = running.find((e) => e.definition.stopAt === undefined || e.definition.stopAt > now);
      const key = state ? `${state.id}|${state.stoppedArms.map((s) => s.arm).join(',')}` : '';
      if (key === this.#key) return;
      const next = state ? await this.#build(state) : undefined;
      this.#runtime = next;
      this.#key = key;
      this.#failedKey = '';
      await this.#retireUnused();
      this.#o.logger.info({ experiment: state?.id ?? null, stoppedArms: state?.stoppedArms.map((s) => s.arm) ?? [] }, state ? 'following experiment' : 'no experiment running');
    } catch (err) {
      // Keep serving as before; report once per change that cannot be applied.
      const msg = (err as Error).message;
      if (msg !== this.#failedKey) this.#o.logger.error({ err: msg }, 'cannot follow the experiments in the store; serving as before');
      this.#failedKey = msg;
    }
  }

  /** Polls every intervalMs after a first poll. */
  async start(): Promise<void> {
    await this.poll();
    const schedule = () => {
      this.#timer = setTimeout(() => {
        this.#running = this.poll().finally(() => { this.#running = undefined; if (!this.#stopped) schedule(); });
      }, this.#o.intervalMs);
      this.#timer.unref();
    };
    if (!this.#stopped) schedule();
  }

  /** Stops polling and retires every arm model. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    this.#runtime = undefined;
    await this.#retireUnused();
  }

  async #build(state: ExperimentState): Promise<ExperimentRuntime> {
    const stopped = new Set(state.stoppedArms.map((s) => s.arm));
    const arms: RuntimeArm[] = [];
    for (const arm of state.definition.arms) {
      if (stopped.has(arm.name) && !arm.shadow) continue;
      let model: LoadedModel | undefined;
      if (arm.model) {
        model = this.#models.get(arm.model);
        if (!model) {
          const [name, version] = arm.model.split('/');
          try {
            model = await loadListed(this.#o.modelsDir, name, version);
          } catch (err) {
            throw new Error(`arm ${arm.name}: ${(err as Error).message}`, { cause: err });
          }
          this.#models.set(arm.model, model);
        }
      }
      const policy = armPolicy(state.id, arm, this.#o.base);
      arms.push({ name: arm.name, shadow: arm.shadow, model, decider: policy && policyDecider(compilePolicy(policy)) });
    }
    return { state, arms, assigner: assigner(state.definition, stopped) };
  }

  async #retireUnused(): Promise<void> {
    const used = new Set((this.#runtime?.state.definition.arms ?? []).map((a) => a.model).filter(Boolean));
    for (const [ref, model] of [...this.#models]) {
      if (used.has(ref)) continue;
      this.#models.delete(ref);
      await model.retire();
    }
  }
}
