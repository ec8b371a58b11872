/** @module The policy an arm decides under: its own policy or thresholds, always with the service's never-suppress rules. */
import { DEFAULT_POLICY_OPTIONS, parsePolicy, type Policy } from '../policy/index.ts';
import type { Arm } from './experiment-schema.ts';

/** What every arm inherits from the service. */
export interface ServicePolicyBase {
  /** The service's never-suppress rules: they hold in every arm, whatever the arm's policy says. */
  neverSuppress: readonly string[];
  /** Sample rate for threshold arms that name none. */
  belowTheLineSampleRate?: number;
}

/**
 * The arm's policy, or undefined when the arm names neither policy nor thresholds (it then decides
 * under the service's policy for its model). A threshold arm gets the default three-band ladder.
 * Its version names the experiment and arm, so its below-the-line draws differ from other arms'.
 */
export function armPolicy(experimentId: string, arm: Arm, base: ServicePolicyBase): Policy | undefined {
  if (arm.policy) {
    const added = base.neverSuppress.filter((r) => !arm.policy!.neverSuppress.includes(r));
    if (added.length === 0) return arm.policy;
    // The version changes with the rule list, so a record says which rules were in force.
    return parsePolicy({ ...arm.policy, version: `${arm.policy.version}+never=${added.join(',')}`, neverSuppress: [...arm.policy.neverSuppress, ...added] }, `arm ${arm.name} policy`);
  }
  if (!arm.thresholds) return undefined;
  const { closeBelow, escalateAt = DEFAULT_POLICY_OPTIONS.escalateAt, belowTheLineSampleRate = base.belowTheLineSampleRate ?? DEFAULT_POLICY_OPTIONS.belowTheLineSampleRate } = arm.thresholds;
  const neverSuppress = [...base.neverSuppress];
  return parsePolicy(
    {
      version: `experiment:${experimentId}/${arm.name}:close<${closeBelow}:escalate>=${escalateAt}:sample=${belowTheLineSampleRate}:never=${neverSuppress.join(',')}`,
      bands: [
        { name: 'low', below: closeBelow, decision: 'auto_close' },
        { name: 'medium', below: escalateAt, decision: 'review' },
        { name: 'high', decision: 'escalate' },
      ],
      neverSuppress,
      belowTheLineSampleRate,
    },
    `arm ${arm.name} thresholds`,
  );
}
