/**
 * @module The one path from parsed alerts to answered decisions: back-pressure, the active model,
 * the running experiment, reason codes, the decision record (committed before the answer), and
 * the observers (metrics, drift). `POST /v1/score`, the protocol adapters and the broker consumer
 * all call `score`; they only translate what goes in and what comes out.
 */
import type { Manifest } from '../model/index.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import type { AlertLimits } from './alert-schema.ts';
import { withDeadline } from './deadline.ts';
import { type ExperimentRuntime, scoreExperiment } from './experiment-scoring.ts';
import { type AlertResult, type Decider, type HistorySource, scoreAlerts } from './score-alerts.ts';

export interface ScoringServiceOptions {
  registry: ModelRegistry;
  /** The policy that decides for alerts scored by `model`. */
  policyFor(model: LoadedModel): Decider;
  limits: AlertLimits;
  /**
   * Called with every batch's results (shadow-arm results too) before the answer. A promise means
   * "answer once committed"; nothing (write-behind) means answer at once.
   */
  record?(results: AlertResult[], model: LoadedModel, requestId: string): Promise<void> | void;
  /** How long an answer waits for its records' commit (ms; default 5000). */
  recordTimeoutMs?: number;
  /** True while more records wait for the store than the process should hold: refuse new work. */
  recordBacklogFull?(): boolean;
  scoreTimeoutMs?: number;
  history?: HistorySource;
  /** Reason codes per alert when the caller does not say; 0: none. */
  reasonCodes?: number;
  explainBudgetMs?: number;
  /** The running experiment, if any: its arms score and decide (shadow arms only record). */
  experiment?(): ExperimentRuntime | undefined;
  /** Told of every answered batch (metrics, drift), after its records are committed. */
  observe?(results: readonly AlertResult[], model: LoadedModel): void;
}

/** What one `score` call came to. */
export type ScoreOutcome =
  | { ok: true; model: { name: string; version: string }; manifest: Manifest; results: AlertResult[] }
  | { ok: false; code: 'store_backlog' | 'record_unavailable'; message: string; retryable: true };

/** Scores parsed alerts (validated by `scoreRequestSchema`'s alert items, or built by an adapter). */
export class ScoringService {
  constructor(private readonly o: ScoringServiceOptions) {}

  get limits(): AlertLimits {
    return this.o.limits;
  }

  /**
   * Score, decide and record `alerts` as one batch. Resolves once the records are committed (or
   * with a retryable refusal: nothing from the batch is then acknowledged, so the caller must
   * retry or keep the alerts). `explain` overrides the service's reason-code count.
   */
  async score(alerts: unknown[], { requestId, explain }: { requestId: string; explain?: number }): Promise<ScoreOutcome> {
    const o = this.o;
    if (o.recordBacklogFull?.()) {
      return { ok: false, code: 'store_backlog', retryable: true, message: 'decision records are waiting for the store; retry shortly (nothing from this request was scored or recorded)' };
    }
    const model = o.registry.active;
    model.acquire();
    try {
      const options = {
        limits: o.limits, timeoutMs: o.scoreTimeoutMs ?? 2000, history: o.history, explain: explain ?? o.reasonCodes ?? 0,
        explainBudgetMs: o.explainBudgetMs ?? o.scoreTimeoutMs ?? 2000,
      };
      const experiment = o.experiment?.();
      const { results, shadow } = experiment
        ? await scoreExperiment(experiment, model, o.policyFor, alerts, options)
        : { results: await scoreAlerts(model, o.policyFor(model), alerts, options), shadow: [] };
      // Shadow results are recorded (flagged) but never answered: they decide nothing.
      const committed = o.record?.(shadow.length > 0 ? [...results, ...shadow] : results, model, requestId);
      if (committed) {
        try {
          await withDeadline(committed, o.recordTimeoutMs ?? 5000, 'decision records (they stay queued)');
        } catch (err) {
          return { ok: false, code: 'record_unavailable', retryable: true, message: `decisions not acknowledged, retry: ${(err as Error).message}` };
        }
      }
      o.observe?.(results, model);
      return { ok: true, model: { name: model.name, version: model.version }, manifest: model.manifest, results };
    } finally {
      model.release();
    }
  }
}
