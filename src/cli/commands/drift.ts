/** @module `winnow drift`: PSI per feature and for the score of the decisions stored in a period, against each model's reference. */
import type { DriftReading, DriftReport } from '../../drift/drift-report.ts';
import { driftFromStore } from '../../pipeline/drift-from-store.ts';
import { InstantSchema } from '../../store/decision-record.ts';
import { openStore } from '../../store/open-store.ts';
import { type Command, parseFlags, UsageError } from '../args.ts';
import { existingStoreLocation, STORE_FLAGS, STORE_FLAGS_USAGE } from '../store-flags.ts';

const usage = `Usage: winnow drift [--from TIME] [--to TIME] [--model NAME/VERSION] [options]

Compare the alerts scored in a period (the feature vectors and scores in the decision records)
with the reference distributions the model's manifest keeps from training (its holdout rows):
the population stability index (PSI) per feature and for the score, and a status per reading:
stable below 0.1, moderate from 0.1, major from 0.25. Missing values count as one more bin.
Exits 0 whatever the drift; read the status (or --json) to act on it.

Options:
  --from TIME            only decisions made at or after this ISO 8601 instant
  --to TIME              only decisions made before this instant
  --model NAME/VERSION   only this model version (default: every version that scored in the period)
  --models DIR           model bundles, for the reference distributions (WINNOW_MODELS, default models)
  --json                 print the reports as JSON
${STORE_FLAGS_USAGE}

Example:
  winnow drift --from 2026-11-01T00:00:00Z --to 2026-11-24T00:00:00Z --model default/1`;

function instant(v: Record<string, unknown>, name: string): string | undefined {
  if (v[name] === undefined) return undefined;
  const parsed = InstantSchema.safeParse(v[name]);
  if (!parsed.success) throw new UsageError(`--${name} must be an ISO 8601 instant such as 2026-06-30T00:00:00Z, got '${String(v[name])}' (${parsed.error.issues[0].message})`);
  return parsed.data;
}

const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(4));

function line(r: DriftReading): string {
  const missing = (shares: number[]) => `${(100 * shares[shares.length - 1]).toFixed(1)}%`;
  return `  ${r.name.padEnd(28)} ${fmt(r.psi).padStart(8)}  ${r.status.padEnd(8)}  ${missing(r.reference).padStart(9)}  ${missing(r.current).padStart(9)}`;
}

/** The report as a table, worst PSI first, score on top. */
export function formatDriftReport(title: string, report: DriftReport): string {
  const features = [...report.features].sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1) || (a.name < b.name ? -1 : 1));
  return [
    `${title}: ${report.windowSize} scored alerts; overall ${report.status} (PSI stable < ${report.thresholds.moderate} ≤ moderate < ${report.thresholds.major} ≤ major)`,
    `  ${'feature'.padEnd(28)} ${'PSI'.padStart(8)}  ${'status'.padEnd(8)}  ${'ref miss'.padStart(9)}  ${'cur miss'.padStart(9)}`,
    ...(report.score ? [line(report.score)] : []),
    ...features.map(line),
  ].join('\n');
}

export const driftCommand: Command = {
  name: 'drift',
  summary: 'PSI of stored decisions in a period vs the model reference (per feature and score)',
  usage,
  async run(argv) {
    const v = parseFlags(argv, { from: { type: 'string' }, to: { type: 'string' }, model: { type: 'string' }, models: { type: 'string' }, json: { type: 'boolean' }, ...STORE_FLAGS });
    let model: { name: string; version: string } | undefined;
    if (v.model !== undefined) {
      const m = /^([^/]+)\/([^/]+)$/.exec(v.model);
      if (!m) throw new UsageError(`--model must be NAME/VERSION, e.g. default/1, got '${v.model}'`);
      model = { name: m[1], version: m[2] };
    }
    const from = instant(v, 'from');
    const to = instant(v, 'to');
    if (from !== undefined && to !== undefined && from >= to) throw new UsageError(`--from ${from} is not before --to ${to}`);
    const store = await openStore(existingStoreLocation(v));
    try {
      const drifts = await driftFromStore({ store, models: v.models ?? process.env.WINNOW_MODELS ?? 'models', from, to, model });
      if (v.json) {
        console.log(JSON.stringify({ from: from ?? null, to: to ?? null, models: drifts }, null, 2));
        return 0;
      }
      if (drifts.length === 0) console.log(`no scored decisions${model ? ` by ${model.name}/${model.version}` : ''} in ${from ?? 'the beginning'} … ${to ?? 'now'}`);
      for (const d of drifts) {
        const title = `${d.model.name}/${d.model.version}`;
        console.log(d.report ? formatDriftReport(title, d.report) : `${title}: ${d.decisions} scored alerts; no drift report: ${d.problem}`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
