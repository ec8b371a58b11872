/**
 * @module Export benchmark: `exportTrainingData` over a store holding N decisions (default 1M) with
 * feedback on a share of them, as `winnow export` runs it. Decisions are synthetic but shaped like
 * the service's: the default bundle's feature count, NaNs, 50k entities (so the entity-history
 * sweep does real work), 2% below-the-line samples.
 *
 * Usage: npx tsx bench/export.ts [--decisions 1000000] [--labelled 0.3] [--database postgres://…]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readBundle } from '../src/model/index.ts';
import { exportTrainingData } from '../src/pipeline/export-training.ts';
import type { DecisionRecordInput } from '../src/store/decision-record.ts';
import type { FeedbackInput } from '../src/store/feedback-record.ts';
import { openStore } from '../src/store/open-store.ts';

const { values } = parseArgs({ options: { decisions: { type: 'string', default: '1000000' }, labelled: { type: 'string', default: '0.3' }, database: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('npx tsx bench/export.ts [--decisions 1000000] [--labelled 0.3] [--database postgres://… (an empty database)]');
  process.exit(0);
}
const n = Number(values.decisions);
const labelledShare = Number(values.labelled);
const dir = mkdtempSync(join(tmpdir(), 'winnow-bench-export-'));
const store = await openStore(values.database ?? join(dir, 'winnow.db'));
const models = 'models';
const nf = (await readBundle('models/default/1')).manifest.featureSpec.features.length;

// Deterministic pseudo-random numbers (mulberry32), so every run stores the same data.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const start = Date.parse('2026-01-01T00:00:00Z');
const t0 = performance.now();
const BATCH = 5_000;
let labelled = 0;
for (let b = 0; b < n; b += BATCH) {
  const records: DecisionRecordInput[] = [];
  const feedback: FeedbackInput[] = [];
  for (let i = b; i < Math.min(b + BATCH, n); i++) {
    const sample = rand() < 0.02;
    const score = rand() * rand();
    const decidedAt = new Date(start + i * 20_000).toISOString();
    records.push({
      alertId: `X-${i}`, decidedAt, ruleId: 'tm_structuring', entityId: `E-${Math.floor(rand() * 50_000)}`, segment: 'retail',
      model: { name: 'default', version: '1' }, specHash: 'sha256:bench', features: Array.from({ length: nf }, (_, j) => (j % 7 === 3 && rand() < 0.3 ? Number.NaN : Math.fround(rand() * 100))),
      score, band: score < 0.01 ? 'low' : 'medium', decision: sample || score >= 0.01 ? 'review' : 'auto_close', reason: sample ? 'below_the_line_sample' : 'score',
      sample, degraded: false, policyVersion: 'bench', sampleRate: 0.02,
    });
    if (rand() < labelledShare) {
      labelled += 1;
      feedback.push({ alertId: `X-${i}`, disposition: rand() < 0.05 ? 'true_positive' : 'false_positive', analystId: 'bench', decidedAt: new Date(start + i * 20_000 + 86_400_000).toISOString() });
    }
  }
  await store.writeDecisions(records);
  await store.writeFeedback(feedback, new Date(start + b * 20_000 + 3 * 86_400_000).toISOString());
  if ((b / BATCH) % 20 === 0) process.stderr.write(`  stored ${b + records.length} decisions\n`);
}
const loadSeconds = (performance.now() - t0) / 1000;

const out = join(dir, 'export.csv');
const t1 = performance.now();
const res = await exportTrainingData({ store, models, out });
const exportSeconds = (performance.now() - t1) / 1000;
await store.close();
console.log(JSON.stringify({
  store: values.database ? 'postgres' : 'sqlite', decisions: n, feedback: labelled, loadSeconds: Number(loadSeconds.toFixed(1)),
  exportSeconds: Number(exportSeconds.toFixed(1)), decisionsPerSec: Math.round(n / exportSeconds), rowsWritten: res.rows,
  fileMB: Number((statSync(out).size / 1e6).toFixed(1)), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), load: loadavg().map((l) => l.toFixed(2)).join(' '),
}));
rmSync(dir, { recursive: true, force: true });
