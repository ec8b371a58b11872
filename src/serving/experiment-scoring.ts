/**
 * @module Scoring under a running experiment: each alert's live arm (hash of experiment id and
 * unit id) scores and decides it with the arm's model and policy; shadow arms score every alert
 * too, for the record only. Without an experiment the data plane calls scoreAlerts directly.
 */
import type { Assigner } from '../experiments/assign.ts';
import { unitOf } from '../experiments/assign.ts';
import type { ExperimentState } from '../experiments/experiment-schema.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import { type AlertResult, type Decider, type ScoreOptions, scoreAlerts } from './score-alerts.ts';

/** One arm ready to score. */
export interface RuntimeArm {
  name: string;
  shadow: boolean;
  /** The arm's own bundle; undefined: the model serving the request. */
  model?: LoadedModel;
  /** The arm's own policy; undefined: the service's policy for the arm's model. */
  decider?: Decider;
}

/** A running experiment with its arms' models loaded and policies compiled. */
export interface ExperimentRuntime {
  state: ExperimentState;
  arms: readonly RuntimeArm[];
  assigner: Assigner;
}

/** Live results (one per item, in request order) and shadow results (to record only). */
export interface ExperimentResults {
  results: AlertResult[];
  shadow: AlertResult[];
}

/**
 * Scores a batch under the experiment. Items without a readable id go to the control arm (they
 * fail validation anyway). Ranks are over the whole batch, as without an experiment.
 */
export async function scoreExperiment(rt: ExperimentRuntime, active: LoadedModel, policyFor: (m: LoadedModel) => Decider, items: unknown[], o: ScoreOptions): Promise<ExperimentResults> {
  const id = rt.state.id;
  const unit = rt.state.definition.unit;
  const control = rt.arms[0].name;
  const byArm = new Map<string, number[]>();
  items.forEach((item, i) => {
    const a = item as { id?: unknown; entityId?: unknown } | null;
    const arm = typeof a?.id === 'string' ? rt.assigner.arm(unitOf(unit, { id: a.id, entityId: typeof a.entityId === 'string' ? a.entityId : undefined })) : control;
    const list = byArm.get(arm);
    if (list) list.push(i);
    else byArm.set(arm, [i]);
  });
  const results: AlertResult[] = new Array(items.length);
  const run = async (arm: RuntimeArm, positions: number[] | undefined, subset: unknown[]): Promise<AlertResult[]> => {
    const model = arm.model ?? active;
    if (arm.model) arm.model.acquire();
    try {
      // Shadow results are never answered, so they need no reason codes.
      const scored = await scoreAlerts(model, arm.decider ?? policyFor(model), subset, { ...o, positions, ...(arm.shadow ? { explain: 0 } : {}) });
      return scored.map((r) => ({ ...r, specHash: model.manifest.specHash, experiment: { id, arm: arm.name }, ...(arm.shadow ? { shadow: true } : {}) }));
    } finally {
      if (arm.model) arm.model.release();
    }
  };
  const live = rt.arms.filter((a) => !a.shadow && byArm.has(a.name));
  const shadows = rt.arms.filter((a) => a.shadow);
  const [liveResults, shadowResults] = await Promise.all([
    Promise.all(live.map((arm) => { const positions = byArm.get(arm.name)!; return run(arm, positions, positions.map((i) => items[i])); })),
    Promise.all(shadows.map((arm) => run(arm, undefined, items))),
  ]);
  for (const list of liveResults) for (const r of list) results[r.index] = r;
  rerank(results);
  return { results, shadow: shadowResults.flat() };
}

// Arms scored their shares separately; rank the batch as one, riskiest first, ties in request order.
function rerank(results: AlertResult[]): void {
  const scored = results.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score! || a.index - b.index);
  scored.forEach((r, i) => { r.rank = i + 1; });
}
