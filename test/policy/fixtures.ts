/** @module Policies shared by the policy tests: a three-band default with rule and segment overrides. */
import { compilePolicy } from '../../src/policy/index.ts';
import type { CompiledPolicy, PolicyInput } from '../../src/policy/index.ts';

/**
 * Default ladder low < 0.01 ≤ medium < 0.5 ≤ high; `tm_structuring` closes more (below 0.05) and escalates
 * from 0.3; segment `vip` never closes; `mm_spoofing` has an override and `vip` too, to test precedence.
 */
export function samplePolicy(edit: (p: any) => void = () => {}): PolicyInput {
  const p: any = {
    version: 'test-1',
    bands: [
      { name: 'low', below: 0.01, decision: 'auto_close' },
      { name: 'medium', below: 0.5, decision: 'review' },
      { name: 'high', decision: 'escalate' },
    ],
    overrides: {
      rules: {
        tm_structuring: {
          bands: [
            { name: 'r_low', below: 0.05, decision: 'auto_close' },
            { name: 'r_medium', below: 0.3, decision: 'review' },
            { name: 'r_high', decision: 'escalate' },
          ],
        },
      },
      segments: {
        vip: {
          bands: [
            { name: 's_medium', below: 0.2, decision: 'review' },
            { name: 's_high', decision: 'escalate' },
          ],
        },
      },
    },
    neverSuppress: ['scr_sanctions', 'scr_terrorist_financing'],
    belowTheLineSampleRate: 0,
  };
  edit(p);
  return p;
}

/** samplePolicy after an edit, compiled. */
export function compiled(edit?: (p: any) => void): CompiledPolicy {
  return compilePolicy(samplePolicy(edit));
}
