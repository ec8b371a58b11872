/**
 * @module `winnow score --explain 3` on seeded synthetic alerts, one thread vs one per core, in one
 * run: wall time, the explaining phase (from the command's own progress lines), the child's CPU, and
 * how busy the whole machine was (other work on a shared machine slows both runs). Also checks that
 * the two output files are byte-identical.
 *
 * Usage: npx tsx bench/score-explain.ts [--rows 100000] [--seed 2] [--explain 3] [--rounds 1]
 * Each round runs --threads 1, then --threads 0 (one per core), then, from the second round on, the
 * other way round, so a change in the machine's load does not always favour the same side.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineCpu } from './proc-cpu.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' }, seed: { type: 'string', default: '2' },
    explain: { type: 'string', default: '3' }, rounds: { type: 'string', default: '1' },
  },
});
const BIN = fileURLToPath(new URL('../bin/winnow.mjs', import.meta.url));
const MODEL = fileURLToPath(new URL('../models/default/1', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'winnow-bench-explain-'));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

interface Run {
  threads: string;
  wallS: number;
  explainS: number;
  cpuS: number;
  /** Share of all cores busy during the run, this run included. */
  machineBusy: number;
  threadsUsed: string;
  out: string;
}

function winnow(args: string[]): { stderr: string; wallS: number; cpuS: number } {
  // /usr/bin/time reports the child's CPU, worker threads included.
  const res = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, BIN, ...args], { cwd: dir, encoding: 'utf8' });
  const time = /^TIME ([\d.]+) ([\d.]+) ([\d.]+)$/m.exec(res.stderr);
  if (res.status !== 0 || !time) throw new Error(`winnow ${args.join(' ')} failed (${res.status}):\n${res.stderr}`);
  return { stderr: res.stderr, wallS: Number(time[1]), cpuS: Number(time[2]) + Number(time[3]) };
}

function score(threads: string): Run {
  const out = `scored-${threads}.csv`;
  const before = machineCpu();
  const res = winnow(['score', '--model', MODEL, '--data', 'alerts.csv', '--out', out, '--explain', values.explain!, '--threads', threads]);
  const after = machineCpu();
  const explain = /^explaining (\d+)\/\1 rows ([\d.]+)s elapsed/m.exec(res.stderr);
  const used = /reason codes on (\d+) threads?/.exec(res.stderr);
  return {
    threads, wallS: res.wallS, cpuS: res.cpuS, explainS: explain ? Number(explain[2]) : NaN, threadsUsed: used?.[1] ?? '?', out,
    machineBusy: (after.busyMs - before.busyMs) / (after.totalMs - before.totalMs),
  };
}

console.log(`winnow score --model models/default/1 --explain ${values.explain} on ${values.rows} alerts (winnow generate --seed ${values.seed}); ${availableParallelism()} cores`);
winnow(['generate', '--rows', values.rows!, '--seed', values.seed!, '--out', 'alerts.csv']);
console.log(`load average before: ${load()}`);
const runs: Run[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  for (const threads of round % 2 === 0 ? ['1', '0'] : ['0', '1']) {
    const r = score(threads);
    runs.push(r);
    console.log(`--threads ${r.threads} (${r.threadsUsed} used): ${r.wallS.toFixed(1)} s wall, explaining ${r.explainS.toFixed(1)} s, child CPU ${r.cpuS.toFixed(1)} s, machine ${(100 * r.machineBusy).toFixed(0)}% busy`);
  }
}
console.log(`load average after: ${load()}`);
const identical = runs.every((r) => readFileSync(join(dir, r.out)).equals(readFileSync(join(dir, runs[0].out))));
console.log(`output files byte-identical: ${identical ? 'yes' : 'NO'}`);
const best = (threads: string) => Math.min(...runs.filter((r) => r.threads === threads).map((r) => r.explainS));
const bestWall = (threads: string) => Math.min(...runs.filter((r) => r.threads === threads).map((r) => r.wallS));
console.log(`speed-up, best of each: explaining ${(best('1') / best('0')).toFixed(2)}×, whole command ${(bestWall('1') / bestWall('0')).toFixed(2)}×`);
rmSync(dir, { recursive: true, force: true });
if (!identical) process.exitCode = 1;
