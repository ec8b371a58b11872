/**
 * @module Runs one guide's commands as a reader would: in order, in one shell, from the checkout.
 *
 * One bash process per guide, so `cd`, variables and background jobs (`winnow serve &`, later
 * `kill %1`) carry from block to block as they do in a reader's terminal. Each block's output
 * (stdout and stderr, and whatever the background jobs it started print) goes to its own file.
 * The shell runs with `set -eo pipefail`: the first failing command stops the guide. The shell is
 * the leader of its own process group, so whatever a guide started and did not stop is found
 * afterwards, reported, and killed.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Step } from './markdown-blocks.ts';

export interface BlockRun {
  step: Step;
  output: string;
  seconds: number;
}

export interface GuideRun {
  blocks: BlockRun[];
  /** Set when a block failed: its index, and the shell's exit code (124: the guide timed out). */
  failed?: { index: number; exitCode: number };
  /** Processes still running after the guide ended, `ps` lines: it did not stop what it started. */
  leftRunning: string[];
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function driverScript(steps: Step[], outDir: string): string {
  const lines = [
    'set -eo pipefail',
    `__out=${quote(outDir)}`,
    `trap 'echo $? > "$__out/exit"' EXIT`,
  ];
  steps.forEach((step, i) => {
    // Builtins only between blocks ($EPOCHREALTIME, not `date`): a fork right after a block that
    // killed a job can meet bash 5.2's "wait_for: No record of process" race.
    lines.push(`echo "$EPOCHREALTIME" > "$__out/${i}.start"; echo ${i} > "$__out/current"; exec > "$__out/${i}.out" 2>&1`);
    lines.push(step.command);
  });
  lines.push(`echo ${steps.length} > "$__out/current"`);
  return lines.join('\n') + '\n';
}

function groupMembers(pgid: number): string[] {
  return execFileSync('ps', ['-e', '-o', 'pgid=,pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => Number(f[0]) === pgid)
    .map((f) => f.slice(1).join(' '));
}

async function settle(pgid: number, ms: number): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = groupMembers(pgid);
    if (left.length === 0 || Date.now() >= until) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function runGuide(steps: Step[], opts: { cwd: string; outDir: string; timeoutMs: number; env?: NodeJS.ProcessEnv; stopGraceMs?: number }): Promise<GuideRun> {
  mkdirSync(opts.outDir, { recursive: true });
  const script = join(opts.outDir, 'guide.sh');
  writeFileSync(script, driverScript(steps, opts.outDir));
  const started = Date.now();
  const child = spawn('bash', [script], {
    cwd: opts.cwd, detached: true, stdio: 'ignore',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
  });
  const pgid = child.pid!;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  }, opts.timeoutMs);
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  clearTimeout(timer);
  // A server stopped with `kill %1` takes a moment to flush and exit: that is not "left running".
  const leftRunning = await settle(pgid, opts.stopGraceMs ?? 15_000);
  if (leftRunning.length > 0) {
    try { process.kill(-pgid, 'SIGTERM'); } catch { /* gone */ }
    if ((await settle(pgid, 5_000)).length > 0) try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
  }

  const read = (name: string) => (existsSync(join(opts.outDir, name)) ? readFileSync(join(opts.outDir, name), 'utf8') : '');
  const reached = Math.min(Number(read('current').trim() || 0), steps.length);
  const blocks: BlockRun[] = [];
  for (let i = 0; i < Math.min(reached + 1, steps.length); i++) {
    const start = Number(read(`${i}.start`)) * 1000 || started;
    const end = i + 1 < steps.length && read(`${i + 1}.start`) ? Number(read(`${i + 1}.start`)) * 1000 : Date.now();
    blocks.push({ step: steps[i]!, output: read(`${i}.out`), seconds: (end - start) / 1000 });
  }
  const failedRun = timedOut ? 124 : exitCode;
  return {
    blocks,
    ...(failedRun !== 0 ? { failed: { index: Math.min(reached, steps.length - 1), exitCode: failedRun } } : {}),
    leftRunning,
  };
}
