/** @module Arm assignment: a hash of (experiment id, unit id) picks a live arm by cumulative weight, the same on every replica. */
import { drawFromSeed, versionSeed } from '../policy/sample-hash.ts';
import { type Experiment, armWeight } from './experiment-schema.ts';

/**
 * Precomputed assignment for one experiment. The draw is the below-the-line hash (documented in
 * src/policy/sample-hash.ts) seeded with `experiment:<id>`, so it is reproducible outside winnow
 * and independent of each arm's sampling draw (seeded with the policy version).
 */
export interface Assigner {
  /** The live arm for a unit id; a stopped arm's units go to the control (arm 0). */
  arm(unitId: string): string;
}

/**
 * Builds the assigner. Stopped arms keep their slice of [0, 1): their units move to the control
 * and every other unit keeps its arm, instead of reshuffling all traffic by renormalised weights.
 */
export function assigner(experiment: Pick<Experiment, 'id' | 'arms'>, stopped: ReadonlySet<string> = new Set()): Assigner {
  const seed = versionSeed(`experiment:${experiment.id}`);
  const live = experiment.arms.filter((a) => armWeight(a) > 0);
  const total = live.reduce((s, a) => s + armWeight(a), 0);
  const bounds = new Float64Array(live.length);
  let acc = 0;
  live.forEach((a, i) => { acc += armWeight(a) / total; bounds[i] = acc; });
  bounds[live.length - 1] = 1;
  const control = experiment.arms[0].name;
  return {
    arm(unitId) {
      const draw = drawFromSeed(seed, unitId);
      let i = 0;
      while (i < bounds.length - 1 && draw >= bounds[i]) i++;
      const name = live[i].name;
      return stopped.has(name) ? control : name;
    },
  };
}

/** The unit an alert is assigned by: its id, or its entity (an alert without one falls back to its own id). */
export function unitOf(unit: Experiment['unit'], alert: { id: string; entityId?: string | null }): string {
  return unit === 'entity' && alert.entityId ? `entity:${alert.entityId}` : alert.id;
}
