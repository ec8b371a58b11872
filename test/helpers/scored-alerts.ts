/** @module Seeded synthetic alerts scored by the shipped default model through ONNX Runtime, in memory, for threshold tests. */
import { encodeColumns } from '../../src/features/index.ts';
import type { AttributeValue } from '../../src/features/spec.ts';
import { readBundle } from '../../src/model/index.ts';
import { OnnxScorer } from '../../src/runtime/onnx-scorer.ts';
import { ALERT_COLUMNS } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';

const DEFAULT_BUNDLE = new URL('../../models/default/1', import.meta.url).pathname;

/** Alerts in time order with their default-model scores, labels, rule and segment. */
export interface ScoredSynthAlerts {
  scores: Float32Array;
  labels: Float32Array;
  rules: string[];
  segments: string[];
}

/** Generate `rows` alerts with `seed` (time-sorted, as the generator emits them) and score them. */
export async function scoredSynthAlerts(rows: number, seed: number): Promise<ScoredSynthAlerts> {
  const names = ALERT_COLUMNS.map((c) => c.name);
  const columns: AttributeValue[][] = names.map(() => []);
  for (const alert of generateAlerts({ rows, seed })) {
    const record = alert as unknown as Record<string, AttributeValue>;
    names.forEach((name, j) => columns[j].push(record[name] ?? null));
  }
  const col = (name: string) => columns[names.indexOf(name)];
  const { manifest, onnxBytes } = await readBundle(DEFAULT_BUNDLE);
  const x = encodeColumns({ names, columns, rowCount: rows, source: `synth-${seed}` }, manifest.featureSpec);
  const scorer = await OnnxScorer.load(onnxBytes);
  try {
    return {
      scores: await scorer.score(x, rows),
      labels: Float32Array.from(col('is_true_positive') as number[]),
      rules: col('rule_id') as string[],
      segments: col('segment') as string[],
    };
  } finally {
    await scorer.release();
  }
}

/** Group indices and names for a column of group values. */
export function groupsOf(values: readonly string[]): { group: Int32Array; groupNames: string[] } {
  const groupNames = [...new Set(values)].sort();
  const index = new Map(groupNames.map((n, i) => [n, i]));
  return { group: Int32Array.from(values, (v) => index.get(v)!), groupNames };
}
