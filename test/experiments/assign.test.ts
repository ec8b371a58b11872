/** @module Arm assignment: deterministic, close to the weights, entity-stable, and stopped arms fall back to the control. */
import { describe, expect, it } from 'vitest';
import { assigner, unitOf } from '../../src/experiments/assign.ts';
import { parseExperiment } from '../../src/experiments/experiment-schema.ts';

const experiment = parseExperiment({
  id: 'exp-1',
  arms: [{ name: 'control', weight: 3 }, { name: 'b', weight: 1 }, { name: 'watch', shadow: true }],
});

describe('assignment', () => {
  it('gives every id the same arm across calls and fresh assigners (replicas, restarts)', () => {
    const a = assigner(experiment);
    const ids = Array.from({ length: 2000 }, (_, i) => `alert-${i}`);
    const first = ids.map((id) => a.arm(id));
    expect(ids.map((id) => a.arm(id))).toEqual(first);
    expect(ids.map((id) => assigner(parseExperiment(structuredClone(experiment))).arm(id))).toEqual(first);
  });

  it('splits 20,000 ids within 2 points of the weights, and never assigns a shadow arm', () => {
    const a = assigner(experiment);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) counts.set(a.arm(`A-${i}`), (counts.get(a.arm(`A-${i}`)) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['b', 'control']);
    expect(Math.abs(counts.get('control')! / 20_000 - 0.75)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('b')! / 20_000 - 0.25)).toBeLessThan(0.02);
  });

  it('depends on the experiment id, so two experiments split traffic independently', () => {
    const other = assigner({ ...experiment, id: 'exp-2' });
    const a = assigner(experiment);
    const same = Array.from({ length: 4000 }, (_, i) => `A-${i}`).filter((id) => a.arm(id) === other.arm(id)).length / 4000;
    // Independent 75/25 splits agree on 0.75² + 0.25² = 62.5% of ids.
    expect(Math.abs(same - 0.625)).toBeLessThan(0.03);
  });

  it('keeps every alert of an entity in one arm when the unit is entity', () => {
    const a = assigner(experiment);
    for (let e = 0; e < 200; e++) {
      const arms = new Set(Array.from({ length: 10 }, (_, i) => a.arm(unitOf('entity', { id: `alert-${e}-${i}`, entityId: `cust-${e}` }))));
      expect(arms.size).toBe(1);
    }
    expect(unitOf('entity', { id: 'alert-9' })).toBe('alert-9');
  });

  it('sends a stopped arm\'s units to the control and leaves every other unit where it was', () => {
    const a = assigner(experiment);
    const s = assigner(experiment, new Set(['b']));
    for (let i = 0; i < 3000; i++) {
      const id = `A-${i}`;
      expect(s.arm(id)).toBe(a.arm(id) === 'b' ? 'control' : a.arm(id));
    }
  });
});

describe('experiment definitions', () => {
  it.each([
    ['a duplicate arm name', { id: 'e', arms: [{ name: 'a' }, { name: 'a' }] }, /arms\.1\.name: duplicate arm name "a"/],
    ['a shadow control', { id: 'e', arms: [{ name: 'a', shadow: true }, { name: 'b' }] }, /arms\.0\.shadow: the first arm is the control/],
    ['a weighted shadow arm', { id: 'e', arms: [{ name: 'a' }, { name: 'b', shadow: true, weight: 2 }] }, /arms\.1\.weight: must be absent/],
    ['policy and thresholds together', { id: 'e', arms: [{ name: 'a' }, { name: 'b', thresholds: { closeBelow: 0.1 }, policy: { version: 'p', bands: [{ name: 'x', decision: 'review' }], neverSuppress: [], belowTheLineSampleRate: 0 } }] }, /arms\.1\.thresholds: give policy or thresholds, not both/],
    ['escalation below closing', { id: 'e', arms: [{ name: 'a' }, { name: 'b', thresholds: { closeBelow: 0.3, escalateAt: 0.2 } }] }, /arms\.1\.thresholds\.escalateAt: escalateAt must be above closeBelow/],
    ['a bad model reference', { id: 'e', arms: [{ name: 'a' }, { name: 'b', model: 'default' }] }, /arms\.1\.model: must be "name\/version"/],
    ['a single arm', { id: 'e', arms: [{ name: 'a' }] }, /arms: must have at least two arms/],
  ])('refuses %s, naming the field', (_name, input, message) => {
    expect(() => parseExperiment(input)).toThrow(expect.objectContaining({ name: 'ExperimentError', message: expect.stringMatching(message) }));
  });
});
