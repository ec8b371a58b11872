/** @module A policy in words: each ladder as score ranges and decisions, the overrides, the guardrails. */
import type { Band, Policy } from './policy-schema.ts';

/** One ladder as lines like `0.02 ≤ score < 0.5   review     (band medium)`. */
export function describeLadder(bands: readonly Band[], indent = '  '): string[] {
  const ranges = bands.map((b, i) => {
    const from = i === 0 ? undefined : bands[i - 1].below;
    if (from === undefined && b.below === undefined) return 'any score';
    if (from === undefined) return `score < ${b.below}`;
    if (b.below === undefined) return `score ≥ ${from}`;
    return `${from} ≤ score < ${b.below}`;
  });
  const width = Math.max(...ranges.map((r) => r.length));
  const decisionWidth = Math.max(...bands.map((b) => b.decision.length));
  return bands.map((b, i) => `${indent}${ranges[i].padEnd(width)}  ${b.decision.padEnd(decisionWidth)}  (band ${b.name})`);
}

/** The whole policy, for `winnow policy check`. */
export function describePolicy(p: Policy): string {
  const lines = [`policy ${p.version}`, '', 'default ladder:', ...describeLadder(p.bands)];
  for (const [kind, ladders] of [['rule', p.overrides.rules], ['segment', p.overrides.segments]] as const) {
    for (const [key, ladder] of Object.entries(ladders)) lines.push('', `${kind} ${key} (instead of the default${kind === 'segment' ? '; a rule override wins over it' : ''}):`, ...describeLadder(ladder.bands));
  }
  lines.push('', p.neverSuppress.length > 0
    ? `never closed automatically (at least review, whatever the score): ${p.neverSuppress.join(', ')}`
    : 'never closed automatically: no rule (every rule can be auto-closed)');
  const rate = p.belowTheLineSampleRate;
  lines.push(rate > 0
    ? `below-the-line sample: ${+(rate * 100).toFixed(4)}% of would-be auto_close alerts go to review anyway, to measure what closing misses`
    : 'below-the-line sample: none (missed true positives cannot be measured)');
  return lines.join('\n');
}
