/**
 * @module The decision store's write path alone, in one thread: `writeDecisions` (validation,
 * rows, content keys, the inserts) in batches, on SQLite or PostgreSQL. Prints the CPU µs per
 * record of this process for each 30,000 records as the table grows (for PostgreSQL that leaves
 * out the server's own work).
 *
 * Usage: npx tsx bench/decision-writes.ts [--batch 200] [--database postgres://… (an empty database)]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DecisionRecordInput } from '../src/store/decision-record.ts';
import { openStore } from '../src/store/open-store.ts';
import { seededRandom } from '../src/gbdt/sampling.ts';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '200' }, database: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('npx tsx bench/decision-writes.ts [--batch 200] [--database postgres://… (an empty database)]');
  process.exit(0);
}
const batch = Number(values.batch);
const dir = mkdtempSync(join(tmpdir(), 'winnow-bench-writes-'));
const store = await openStore(values.database ?? join(dir, 'winnow.db'));
await store.init();
const rand = seededRandom(7);

/** Records shaped like the service's: 31 float32 features with NaNs, 20,000 entities, one instant per batch. */
function records(from: number, decidedAt: string): DecisionRecordInput[] {
  return Array.from({ length: batch }, (_, k) => {
    const i = from + k;
    return {
      alertId: `alert-${i}`, decidedAt, ruleId: 'tm_structuring', segment: 'retail', entityId: `cust-${(i * 7919) % 20_000}`,
      model: { name: 'default', version: '1' }, specHash: 'sha256:bench',
      features: Array.from({ length: 31 }, (_, j) => (j % 5 === 0 ? Number.NaN : Math.fround(rand() * 1000))),
      score: rand(), band: 'low', decision: 'auto_close', reason: 'score', sample: false, degraded: false, policyVersion: 'bench', sampleRate: 0.02, requestId: 'req-bench',
    };
  });
}

let n = 0;
let time = Date.parse('2026-01-01T00:00:00Z');
for (let round = 0; round < 3; round++) {
  const before = process.cpuUsage();
  for (let b = 0; b < 30_000 / batch; b++, n += batch, time += 20) await store.writeDecisions(records(n, new Date(time).toISOString()));
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ records: n, cpuMicrosPerRecord: Number(((used.user + used.system) / 30_000).toFixed(2)) }));
}
await store.close();
rmSync(dir, { recursive: true, force: true });
