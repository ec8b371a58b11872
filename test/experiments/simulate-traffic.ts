/** @module Seeded synthetic traffic for report tests: scores and true labels for every alert, decided under a closing threshold. */
import type { ArmCountRow } from '../../src/experiments/arm-summary.ts';
import { mulberry32 } from '../helpers/random-ensemble.ts';

/** A small seeded PRNG (mulberry32), so every simulated run is reproducible. */
export { mulberry32 };

/**
 * One arm's grouped counts: 3% true positives; a score that is informative but imperfect
 * (positives ~ U(0.02, 1), negatives ~ U(0, 0.3)); close below `closeBelow`, escalate at `escalateAt` (0.5),
 * sample 2% of would-be closures; analysts label every alert they see.
 */
export function simulateArmRows(o: { arm: string; alerts: number; seed: number; closeBelow: number; escalateAt?: number; sampleRate?: number }): ArmCountRow[] {
  const rand = mulberry32(o.seed);
  const rate = o.sampleRate ?? 0.02;
  const groups = new Map<string, ArmCountRow>();
  for (let i = 0; i < o.alerts; i++) {
    const positive = rand() < 0.03;
    const score = positive ? 0.02 + rand() * 0.98 : rand() * 0.3;
    let decision = score >= (o.escalateAt ?? 0.5) ? 'escalate' : score >= o.closeBelow ? 'review' : 'auto_close';
    let sample = false;
    if (decision === 'auto_close' && rand() < rate) {
      decision = 'review';
      sample = true;
    }
    const disposition = decision === 'auto_close' ? null : positive ? 'true_positive' : 'false_positive';
    const key = `${decision}|${sample}|${disposition}`;
    const g = groups.get(key) ?? { arm: o.arm, shadow: false, decision, sample, sampleRate: rate, disposition, alerts: 0 };
    g.alerts++;
    groups.set(key, g);
  }
  return [...groups.values()];
}
