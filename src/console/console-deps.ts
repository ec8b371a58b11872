/** @module What the console's pages read and act through: the same store, registry, log and data-plane paths the API uses. */
import type { DriftMonitor } from '../drift/drift-monitor.ts';
import type { ExperimentRouteOptions } from '../http/experiment-routes.ts';
import type { FeedbackRouteOptions } from '../http/feedback-routes.ts';
import type { FallbackSource } from '../http/model-status.ts';
import type { Policy } from '../policy/index.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import type { ActivationLog } from '../store/activation-log.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import type { DecisionExplainer } from './decision-reasons.ts';
import type { ConsoleSessions } from './session.ts';

export interface ConsoleDeps {
  store: DecisionStore;
  registry: ModelRegistry;
  /** The shared activation log (promote and rollback record there); absent, the models page only reads. */
  activations?: ActivationLog;
  /** Recent scored alerts per model version, for the drift status and the models page. */
  drift: DriftMonitor;
  /** Dispositions counted as true risk. */
  positive: readonly string[];
  sessions: ConsoleSessions;
  /** Reason codes of stored decisions, from the model version that scored them. */
  reasons: DecisionExplainer;
  /** The feedback route's own options: the disposition form commits through `commitFeedback` with them. */
  feedback: Pick<FeedbackRouteOptions, 'store' | 'deadlineMs' | 'inFlight' | 'onCommitted'>;
  /** The experiment routes' options (store, prepare, onChange); absent, the experiments page only says so. */
  experiments?: Omit<ExperimentRouteOptions, 'apiKeys'>;
  /** False while decision records cannot be written. */
  storeHealthy(): boolean;
  modelFallback?: FallbackSource;
  /** The policy deciding for the active model now (never-suppressed rules, bands, sample rate). */
  servingPolicy(): Policy;
  now(): Date;
}
