/**
 * @module What a `decisions` row costs bare SQLite (better-sqlite3, no Kysely, no winnow code):
 * the table with the indexes chosen, WAL, and the settings below. Prints CPU µs per row (user +
 * system) for each 30,000 rows as the table grows (to --rows, default 120,000). Used to choose the store's settings; see
 * BENCHMARKS.md (serving). Compare settings back to back, several times: the machine is noisy.
 *
 * Usage: node bench/sqlite-decision-inserts.mjs [--indexes key,alert,time,entity,experiment]
 *   [--sync FULL] [--checkpoint 1000] [--cache KIB] [--page-size BYTES] [--rows 120000] [--batch 200] [--time-ordered-keys] [--statement-per-batch]
 *   [--spread-ids] (alert ids `A<n mod 5000>.<n div 5000>`, as bench/sustained.ts sends them: inserts land all over the alert index)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const { values } = parseArgs({
  options: {
    indexes: { type: 'string', default: 'key,alert,time,entity,experiment' }, sync: { type: 'string', default: 'FULL' },
    checkpoint: { type: 'string', default: '1000' }, cache: { type: 'string' }, 'page-size': { type: 'string' }, rows: { type: 'string', default: '120000' }, batch: { type: 'string', default: '200' }, 'time-ordered-keys': { type: 'boolean' },
    'statement-per-batch': { type: 'boolean' }, 'spread-ids': { type: 'boolean' }, help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log('node bench/sqlite-decision-inserts.mjs [--indexes key,alert,time,entity,experiment] [--sync FULL|NORMAL|OFF] [--checkpoint PAGES] [--cache KIB] [--page-size BYTES] [--rows N] [--batch ROWS] [--time-ordered-keys] [--statement-per-batch] [--spread-ids]');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'winnow-sqlite-bench-'));
const db = new Database(join(dir, 'd.sqlite'));
// page_size must be set before the first table exists (and before WAL mode).
if (values['page-size']) db.pragma(`page_size = ${Number(values['page-size'])}`);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${values.sync}`);
db.pragma(`wal_autocheckpoint = ${Number(values.checkpoint)}`);
if (values.cache) db.pragma(`cache_size = -${Number(values.cache)}`); // KiB
const indexes = values.indexes.split(',');
db.exec(`create table decisions (seq integer primary key autoincrement, record_key text not null, alert_id text not null, decided_at text not null,
  rule_id text not null, segment text, entity_id text, model_name text not null, model_version text not null, spec_hash text not null,
  features text not null, score real, band text not null, decision text not null, reason text, sample boolean not null, degraded boolean not null,
  policy_version text not null, experiment_id text, experiment_arm text, request_id text, sample_rate real, shadow boolean not null default false)`);
// The indexes of migrations 0001, 0002 and 0004.
const ddl = {
  key: 'create unique index k on decisions(record_key)', alert: 'create index a on decisions(alert_id, decided_at, seq)',
  time: 'create index t on decisions(decided_at, seq)', entity: 'create index e on decisions(entity_id, decided_at)',
  experiment: 'create index x on decisions(experiment_id, experiment_arm)',
};
for (const name of indexes) db.exec(ddl[name] ?? (() => { throw new Error(`--indexes: unknown index '${name}' (known: ${Object.keys(ddl).join(', ')})`); })());

const cols = 'record_key, alert_id, decided_at, rule_id, segment, entity_id, model_name, model_version, spec_hash, features, score, band, decision, reason, sample, degraded, policy_version, experiment_id, experiment_arm, request_id, sample_rate, shadow';
const placeholders = `(${cols.split(',').map(() => '?').join(',')})`;
const conflict = indexes.includes('key') ? ' on conflict(record_key) do nothing' : '';
const single = db.prepare(`insert into decisions (${cols}) values ${placeholders}${conflict}`);
const write = values['statement-per-batch']
  ? db.transaction((rows) => db.prepare(`insert into decisions (${cols}) values ${rows.map(() => placeholders).join(',')}${conflict}`).run(rows.flat()))
  : db.transaction((rows) => { for (const row of rows) single.run(row); });

const batch = Number(values.batch);
const alertId = (n) => (values['spread-ids'] ? `A${String(n % 5000).padStart(8, '0')}.${String(Math.floor(n / 5000)).padStart(10, '0')}` : `alert-${n}`);
const features = `f32:${Buffer.alloc(124, 7).toString('base64')}`;
let time = Date.parse('2026-01-01T00:00:00Z');
let n = 0;
for (let round = 0; round < Number(values.rows) / 30_000; round++) {
  const before = process.cpuUsage();
  for (let b = 0; b < 30_000 / batch; b++) {
    const at = new Date(time).toISOString();
    const rows = [];
    for (let i = 0; i < batch; i++, n++) {
      const hash = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
      rows.push([values['time-ordered-keys'] ? `${at}/${hash}` : hash, alertId(n), at, 'tm_structuring', 'retail', `cust-${(n * 7919) % 20_000}`,
        'default', '1', 'sha256:bench', features, Math.random(), 'low', 'auto_close', 'score', 0, 0, 'bench', null, null, 'req', 0.02, 0]);
    }
    write(rows);
    time += 20;
  }
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ rows: n, cpuMicrosPerRow: Number(((used.user + used.system) / 30_000).toFixed(2)), systemMicrosPerRow: Number((used.system / 30_000).toFixed(2)) }));
}
db.close();
rmSync(dir, { recursive: true, force: true });
