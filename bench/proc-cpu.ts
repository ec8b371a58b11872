/**
 * @module CPU time from Linux's /proc for the benchmarks: a whole process (all its threads), each
 * thread of a process, and the whole machine. Times are in milliseconds, from clock ticks of
 * USER_HZ = 100 (so 10 ms resolution: measure windows of seconds, not milliseconds).
 */
import { readdirSync, readFileSync } from 'node:fs';

const MS_PER_TICK = 10; // USER_HZ is 100 on Linux

/** The fields of a /proc …/stat line after the command name, which may itself hold spaces and parentheses. */
function statLine(path: string): { name: string; fields: string[] } {
  const text = readFileSync(path, 'utf8');
  const close = text.lastIndexOf(')');
  return { name: text.slice(text.indexOf('(') + 1, close), fields: text.slice(close + 2).split(' ') };
}

/** User + system CPU ms used so far by a process, all its threads (exited ones included). */
export function processCpuMs(pid: number | 'self'): number {
  const { fields } = statLine(`/proc/${pid}/stat`);
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK; // utime, stime
}

export interface ThreadCpu {
  tid: number;
  /** /proc/PID/task/TID/comm: what the thread calls itself ("node" for every thread of Node 20). */
  name: string;
  /** User + system CPU ms used so far. */
  ms: number;
}

/** CPU used so far by each live thread of a process, by thread id (a thread that exits in between drops out). */
export function threadCpu(pid: number): Map<number, ThreadCpu> {
  const threads = new Map<number, ThreadCpu>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { name, fields } = statLine(`/proc/${pid}/task/${entry}/stat`);
      const tid = Number(entry);
      threads.set(tid, { tid, name, ms: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK });
    } catch {
      // the thread exited between readdir and read
    }
  }
  return threads;
}

/** CPU ms each thread used between two `threadCpu` readings (a thread born in between counts from 0), busiest first. */
export function threadCpuUsed(before: Map<number, ThreadCpu>, after: Map<number, ThreadCpu>): ThreadCpu[] {
  return [...after.values()]
    .map((t) => ({ ...t, ms: t.ms - (before.get(t.tid)?.ms ?? 0) }))
    .sort((a, b) => b.ms - a.ms || a.tid - b.tid);
}

export interface MachineCpu {
  /** CPU ms spent on anything but idle and I/O wait, all cores. */
  busyMs: number;
  /** CPU ms that passed, all cores. */
  totalMs: number;
}

/** The machine's CPU time so far, from the first line of /proc/stat. */
export function machineCpu(): MachineCpu {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const n = ticks.slice(0, 8).map(Number);
  const totalMs = n.reduce((sum, x) => sum + x, 0) * MS_PER_TICK;
  return { busyMs: totalMs - (n[3] + n[4]) * MS_PER_TICK, totalMs };
}
