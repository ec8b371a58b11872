/**
 * @module Issue 16's target: "the queue answers in under 200 ms with 1M decisions stored". Fills a
 * SQLite store (the real schema, through the store's migrations) with --rows decisions over 90 days,
 * ~78% of them review/escalate, feedback on 60% of those; starts the real `winnow serve` on it; then
 * for --seconds (default 60) requests the console's queue page (GET /queue, the full HTML answer)
 * round robin over first pages, filters and deep keyset pages, one request at a time, and reports
 * latency percentiles per URL. The alert and overview pages are timed too, for reference.
 *
 * Usage: npx tsx bench/console-queue.ts [--rows 1000000] [--seconds 60] [--keep DIR]
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
import { startServe } from '../test/helpers/serve-process.ts';

const { values: opt } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, seconds: { type: 'string', default: '60' }, keep: { type: 'string' } } });
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
const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT seq FROM decisions d WHERE d.decision IN ('review', 'escalate') AND NOT d.shadow AND d.score IS NOT NULL ORDER BY d.score DESC, d.seq DESC LIMIT 50`).all() as { detail: string }[]).map((p) => p.detail).join('; ');
db.close();

// The real server on that store; the console reads through its store thread like any request.
const server = await startServe(['--data-dir', dir, '--models', 'models'], { timeoutMs: 120_000 });
const week = new Date(start + 83 * 86_400_000).toISOString().slice(0, 10);
const urls: [string, string][] = [
  ['first page', '/queue'],
  ['escalate only', '/queue?decision=escalate'],
  ['one rule', '/queue?rule=kyc_refresh'],
  ['rule with no queue rows', '/queue?rule=no_such_rule'],
  ['not yet labelled', '/queue?labelled=no'],
  ['labelled, one segment', '/queue?labelled=yes&segment=vip'],
  ['last 7 days', `/queue?from=${week}`],
  ['keyset page at score 0.05', '/queue?after=0.05:999999999'],
  ['keyset page at score 0.011', '/queue?after=0.011:999999999'],
  ['alert page', '/alerts/Q-123457'],
  ['overview (last 30 days)', '/'],
];
const cookie = (await fetch(`${server.url}/`)).headers.get('set-cookie')!.split(';')[0];
const ms = new Map<string, number[]>(urls.map(([name]) => [name, []]));
const until = Date.now() + Number(opt.seconds) * 1000;
let requests = 0;
while (Date.now() < until) {
  for (const [name, url] of urls) {
    const t = performance.now();
    const res = await fetch(`${server.url}${url}`, { headers: { cookie } });
    const body = await res.text();
    ms.get(name)!.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
    requests++;
  }
}
await server.stop();
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
console.log(`\n${ROWS.toLocaleString('en-US')} decisions (${JSON.stringify(counts)}), ${opt.seconds} s, ${requests} requests one at a time, ${new Date().toISOString().slice(0, 16)}Z`);
console.log(`queue plan: ${plan}\n`);
console.log('| GET (full HTML page) | requests | p50 ms | p99 ms | max ms |');
console.log('|---|---|---|---|---|');
for (const [name, url] of urls) {
  const xs = ms.get(name)!.sort((a, b) => a - b);
  console.log(`| ${name} \`${url}\` | ${xs.length} | ${q(xs, 0.5).toFixed(1)} | ${q(xs, 0.99).toFixed(1)} | ${xs.at(-1)!.toFixed(1)} |`);
}
if (!opt.keep) rmSync(dir, { recursive: true, force: true });
