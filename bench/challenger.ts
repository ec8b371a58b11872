/**
 * @module Challenger benchmark: gbdt vs logreg vs mlp trained by `winnow train` on the same synthetic alerts.
 *
 * Usage: npx tsx bench/challenger.ts [--rows 200000] [--seed 1] [--out tmp/challenger]
 * Generates the default model's data recipe (200k alerts, seed 1), trains each family through the same
 * trainBundle path as the CLI (same time-ordered split), and prints a markdown table of holdout AUC,
 * PR-AUC, FP reduction at 95% recall, and training time (the fit alone, then the whole train command).
 */
import { mkdir, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeAlerts } from '../src/io/write-table.ts';
import { trainBundle } from '../src/pipeline/train-bundle.ts';
import { ALERT_COLUMNS } from '../src/synth/columns.ts';
import { generateAlerts } from '../src/synth/generate.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, seed: { type: 'string', default: '1' }, out: { type: 'string', default: 'tmp/challenger' } } });
const rows = Number(values.rows);
const out = values.out!;
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const data = join(out, 'alerts.csv');
await writeAlerts(data, generateAlerts({ rows, seed: Number(values.seed) }), ALERT_COLUMNS);
console.error(`${rows} alerts (seed ${values.seed}) in ${data}; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// gbdt with the default model's parameters (package.json train:default); the networks with their defaults.
const runs = [
  { algo: 'gbdt', params: { learningRate: 0.05, numTrees: 1000, earlyStoppingRounds: 100, minDataInLeaf: 50 } },
  { algo: 'logreg', params: {} },
  { algo: 'mlp', params: {} },
] as const;
const lines = ['| model | holdout AUC | PR-AUC | FP reduction at 95% recall | at 99% | fit | whole `train` | what was trained |', '|---|---|---|---|---|---|---|---|'];
for (const { algo, params } of runs) {
  let summary = '';
  const t0 = performance.now();
  const { manifest } = await trainBundle({
    // The split recipe for every family, so each holdout figure comes from a model fitted on the same rows (networks do not refit).
    algo, data, label: 'is_true_positive', timeColumn: 'occurred_at', exclude: ['alert_id', 'entity_id'], params, out: join(out, algo, '1'), recipe: 'split',
    log: (line) => { if (line.startsWith('trained ')) summary = line; },
  });
  const total = (performance.now() - t0) / 1000;
  const h = manifest.metrics.holdout!;
  const fit = /in ([\d.]+)s/.exec(summary)?.[1] ?? '?';
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  lines.push(`| ${algo} | ${h.auc.toFixed(4)} | ${h.prAuc.toFixed(4)} | ${pct(h.fpReduction95)} | ${pct(h.fpReduction99)} | ${fit} s | ${total.toFixed(1)} s | ${summary.replace(/^trained /, '')} |`);
  console.error(lines.at(-1));
}
console.log(lines.join('\n'));
console.error(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
