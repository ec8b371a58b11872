/**
 * @module Groundwork for issue 16's queue page ("answers in under 200 ms with 1M decisions"): how
 * long the queue's query takes on the real schema with 1M decisions, with today's indexes and with
 * a candidate index, for the first page and a keyset page deep in the list, with and without
 * filters. Nothing in src/ uses these queries yet; this chooses the index before the page is built.
 *
 * Usage: npx tsx bench/console-queue.ts [--rows 1000000] [--keep DIR]
 * Fills a fresh SQLite store (migrated to the latest schema) with --rows decisions over 90 days,
 * ~40% of them review/escalate, and feedback on 60% of those; then times each query 20 times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { toRow } from '../src/store/decision-table.ts';
import { parseDecisionRecords } from '../src/store/decision-record.ts';
import { migrateToLatest } from '../src/store/migrations/index.ts';
import { openSqliteDb } from '../src/store/sqlite.ts';

const { values: opt } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, keep: { type: 'string' } } });
const ROWS = Number(opt.rows);
const dir = opt.keep ?? mkdtempSync(join(tmpdir(), 'winnow-queue-'));
const path = join(dir, 'winnow.db');
const say = (line: string) => process.stderr.write(`${line}\n`);

// The real schema, through the store's own migrations.
const kysely = openSqliteDb(path);
await migrateToLatest(kysely, 'sqlite');
await kysely.destroy();

const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF'); // filling only; the queries read
const start = Date.parse('2026-09-01T00:00:00.000Z');
const RULES = ['tm_structuring', 'tm_velocity', 'scr_sanctions', 'kyc_refresh', 'mm_wash_trade', 'acc_new_device'];
const SEGMENTS = ['retail', 'business', 'vip', 'institutional'];
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const features = Float32Array.from({ length: 30 }, (_, i) => i / 7);
if ((db.prepare('SELECT count(*) AS n FROM decisions').get() as { n: number }).n < ROWS) {
  const t0 = performance.now();
  const BATCH = 5_000;
  const keys = Object.keys(toRow(parseDecisionRecords([record(0)])[0]));
  const insert = db.prepare(`INSERT INTO decisions (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`);
  const feedback = db.prepare(`INSERT INTO feedback (feedback_key, content_hash, alert_id, disposition, analyst_id, decided_at, received_at, note, matched) VALUES (?, ?, ?, ?, 'an-1', ?, ?, NULL, 1)`);
  for (let from = 0; from < ROWS; from += BATCH) {
    const rows = parseDecisionRecords(Array.from({ length: Math.min(BATCH, ROWS - from) }, (_, k) => record(from + k))).map(toRow);
    db.transaction(() => {
      for (const row of rows) {
        insert.run(...keys.map((key) => (row as Record<string, unknown>)[key]));
        if (row.decision !== 'auto_close' && rand() < 0.6) {
          feedback.run(`fb-${row.alert_id}`, `h-${row.alert_id}`, row.alert_id, rand() < 0.05 ? 'true_positive' : 'false_positive', row.decided_at, row.decided_at);
        }
      }
    })();
    if ((from / BATCH) % 20 === 0) say(`filled ${from + rows.length}/${ROWS} decisions, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}

function record(i: number) {
  const score = rand() ** 3;
  const decision = score >= 0.5 ? 'escalate' : score >= 0.01 ? 'review' : 'auto_close';
  return {
    alertId: `Q-${i}`, decidedAt: new Date(start + Math.floor((i / ROWS) * 90 * 86_400_000)).toISOString(), ruleId: RULES[i % RULES.length],
    segment: SEGMENTS[i % SEGMENTS.length], entityId: `E-${i % 50_000}`, model: { name: 'default', version: '1' }, specHash: 'spec',
    features, score, band: decision === 'escalate' ? 'high' : decision === 'review' ? 'medium' : 'low', decision, reason: 'score',
    sample: false, degraded: false, policyVersion: 'p1',
  };
}

const counts = db.prepare(`SELECT decision, count(*) AS n FROM decisions GROUP BY decision`).all();
say(`store: ${JSON.stringify(counts)}, feedback ${(db.prepare('SELECT count(*) AS n FROM feedback').get() as { n: number }).n}`);

const COLUMNS = 'seq, alert_id, decided_at, rule_id, segment, score, band, decision';
const week = new Date(start + 83 * 86_400_000).toISOString();
const queries: [string, string, unknown[]][] = [
  ['first page, all review/escalate', `SELECT ${COLUMNS} FROM decisions WHERE decision IN ('review', 'escalate') AND NOT shadow ORDER BY score DESC, seq DESC LIMIT 50`, []],
  ['keyset page at score 0.05', `SELECT ${COLUMNS} FROM decisions WHERE decision IN ('review', 'escalate') AND NOT shadow AND (score, seq) < (0.05, 1e15) ORDER BY score DESC, seq DESC LIMIT 50`, []],
  ['first page, last 7 days', `SELECT ${COLUMNS} FROM decisions WHERE decision IN ('review', 'escalate') AND NOT shadow AND decided_at >= ? ORDER BY score DESC, seq DESC LIMIT 50`, [week]],
  ['first page, one rule', `SELECT ${COLUMNS} FROM decisions WHERE decision IN ('review', 'escalate') AND NOT shadow AND rule_id = 'kyc_refresh' ORDER BY score DESC, seq DESC LIMIT 50`, []],
  ['first page, unlabelled', `SELECT ${COLUMNS} FROM decisions d WHERE decision IN ('review', 'escalate') AND NOT shadow AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.alert_id = d.alert_id) ORDER BY score DESC, seq DESC LIMIT 50`, []],
];

function time(label: string): void {
  for (const [name, sql, params] of queries) {
    const stmt = db.prepare(sql);
    stmt.all(...params);
    const ms: number[] = [];
    for (let r = 0; r < 20; r++) {
      const t = performance.now();
      stmt.all(...params);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join('; ');
    console.log(`| ${label} | ${name} | ${ms[10].toFixed(1)} | ${ms[19].toFixed(1)} | ${plan} |`);
  }
}

console.log(`\n${ROWS.toLocaleString('en-US')} decisions, ${new Date().toISOString().slice(0, 16)}Z\n`);
console.log('| indexes | query | median ms | max ms | plan |');
console.log('|---|---|---|---|---|');
time("today's");
db.exec(`CREATE INDEX IF NOT EXISTS bench_queue_idx ON decisions (score DESC, seq DESC) WHERE decision IN ('review', 'escalate') AND NOT shadow`);
db.exec('ANALYZE');
time('+ partial (score, seq) on the queue');
db.exec('DROP INDEX bench_queue_idx');
db.close();
if (!opt.keep) rmSync(dir, { recursive: true, force: true });
