/**
 * @module What bench/sustained.ts prints: a block per server as it finishes, and markdown tables
 * at the end (one row per server and run, then alerts/s per slice).
 */
import type { Window } from './sustained-load.ts';

export type Target = 'floor' | 'sqlite' | 'postgres';

export const TARGET_LABEL: Record<Target, string> = { floor: 'floor server', sqlite: 'winnow serve, SQLite', postgres: 'winnow serve, PostgreSQL' };

export interface ServerRun {
  run: number;
  target: Target;
  pid: number;
  window: Window;
  /** The floor server's alerts/s in the same run, for the ratio. */
  floorAlertsPerSec?: number;
  /** Alerts answered 2xx, warm-up included: what the store must hold at least. */
  acked: number;
  storedAtLoadEnd?: number;
  storedAfterStop?: number;
  /** How long the graceful stop (SIGTERM to exit) took, pending records written included. */
  stopSeconds: number;
  /** 'killed' when the graceful stop did not end within its grace period and took SIGKILL. */
  stoppedBy: 'exited' | 'killed';
  aliveAtEnd: boolean;
  loadAverage: { before: number; after: number };
}

const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const us = (ms: number, alerts: number) => (alerts > 0 ? ((ms * 1000) / alerts).toFixed(1) : '–');

/**
 * Server CPU by thread. Node 20 names every thread "node", so roles come from position and load:
 * the main thread (HTTP, JSON, scoring, policy) is the one whose id is the process id; the
 * busiest other thread is, in winnow, the decision-store worker; the rest are V8's GC helpers,
 * libuv's pool and idle threads, summed.
 */
export function threadGroups(r: ServerRun) {
  const { threads, alerts2xx } = r.window;
  const main = threads.find((t) => t.tid === r.pid);
  const others = threads.filter((t) => t.tid !== r.pid && t.ms > 0);
  const [second, ...rest] = others;
  const restMs = rest.reduce((sum, t) => sum + t.ms, 0);
  return {
    main: us(main?.ms ?? NaN, alerts2xx),
    second: second ? us(second.ms, alerts2xx) : '–',
    secondTid: second?.tid,
    rest: `${us(restMs, alerts2xx)} (${rest.length})`,
  };
}

const statuses = (w: Window) => {
  const bad = Object.entries(w.statusCounts).filter(([code]) => !code.startsWith('2'));
  return bad.length === 0 ? '0' : bad.map(([code, n]) => `${int(n)}×${code}`).join(', ');
};
const ratio = (r: ServerRun) => (r.target === 'floor' ? '1' : r.floorAlertsPerSec ? (r.window.alertsPerSec / r.floorAlertsPerSec).toFixed(3) : '–');
const restOfMachineMs = (w: Window) => w.machine.busyMs - w.serverCpuMs - w.loadGeneratorCpuMs;
const storeVsAcked = (r: ServerRun) =>
  r.storedAtLoadEnd === undefined ? '–' : `${int(r.storedAtLoadEnd - r.acked)} / ${r.storedAfterStop === undefined ? '–' : int(r.storedAfterStop - r.acked)}${r.stoppedBy === 'killed' ? ' (SIGKILL)' : ''}`;

/** The block printed when a server's window ends. */
export function serverBlock(r: ServerRun): string {
  const w = r.window;
  const g = threadGroups(r);
  const lines = [
    `${TARGET_LABEL[r.target]} (run ${r.run}, pid ${r.pid}): ${int(w.alertsPerSec)} alerts/s over ${w.seconds} s, ratio to floor ${ratio(r)}${r.aliveAtEnd ? '' : ' — THE SERVER EXITED DURING THE RUN'}`,
    `  responses by status: ${Object.entries(w.statusCounts).map(([code, n]) => `${code}: ${int(n)}`).join(', ') || 'none'}; connection errors ${w.errors} (timeouts ${w.timeouts})`,
    `  latency per request: p50 ${w.p50Ms} ms, p99 ${w.p99Ms} ms`,
    `  CPU µs per alert: server ${us(w.serverCpuMs, w.alerts2xx)} (main ${g.main}, busiest other thread${g.secondTid ? ` ${g.secondTid}` : ''} ${g.second}, others ${g.rest}); load generator ${us(w.loadGeneratorCpuMs, w.alerts2xx)}; rest of machine ${us(restOfMachineMs(w), w.alerts2xx)}; machine busy ${((100 * w.machine.busyMs) / w.machine.totalMs).toFixed(0)}%`,
    `  threads (tid name µs/alert): ${w.threads.filter((t) => t.ms > 0).map((t) => `${t.tid}${t.tid === r.pid ? '(main)' : ''} ${t.name} ${us(t.ms, w.alerts2xx)}`).join(', ')}`,
  ];
  if (r.storedAtLoadEnd !== undefined) {
    lines.push(`  store: ${int(r.acked)} alerts acknowledged 2xx (warm-up included); decisions stored at load end ${int(r.storedAtLoadEnd)} (${int(r.storedAtLoadEnd - r.acked)}), after graceful stop ${r.storedAfterStop === undefined ? '–' : `${int(r.storedAfterStop)} (${int(r.storedAfterStop - r.acked)})`}${r.storedAtLoadEnd < r.acked ? ' — STORED < ACKNOWLEDGED AT LOAD END' : ''}`);
  }
  lines.push(`  ${r.stoppedBy === 'killed' ? `graceful stop did not end: SIGKILL after ${r.stopSeconds.toFixed(1)} s` : `graceful stop took ${r.stopSeconds.toFixed(1)} s`}; load average ${r.loadAverage.before.toFixed(2)} → ${r.loadAverage.after.toFixed(2)}`);
  return lines.join('\n');
}

/** One line per slice, printed while the window runs. */
export function sliceLine(target: Target, index: number, s: Window['slices'][number]): string {
  return `  ${TARGET_LABEL[target]} slice ${index + 1} (${s.seconds} s): ${int(s.alertsPerSec)} alerts/s, non-2xx ${s.non2xx}, errors ${s.errors}, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, server ${s.serverCpuUsPerAlert} µs/alert${s.storeLag === undefined ? '' : `, acked − stored ${int(s.storeLag)}`}`;
}

/** The markdown tables for all runs. */
export function markdownTables(runs: ServerRun[], sliceSeconds: number, windowSeconds: number): string {
  const summary = [
    '| run | server | alerts/s | × floor | non-2xx | conn. errors | p50 / p99 ms | server µs/alert | main | busiest other | other threads (n) | load gen µs/alert | rest of machine µs/alert | stored − acked: load end / after stop |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r) => {
      const w = r.window;
      const g = threadGroups(r);
      return `| ${r.run} | ${TARGET_LABEL[r.target]} | ${int(w.alertsPerSec)} | ${ratio(r)} | ${statuses(w)} | ${w.errors} | ${w.p50Ms} / ${w.p99Ms} | ${us(w.serverCpuMs, w.alerts2xx)} | ${g.main} | ${g.second} | ${g.rest} | ${us(w.loadGeneratorCpuMs, w.alerts2xx)} | ${us(restOfMachineMs(w), w.alerts2xx)} | ${storeVsAcked(r)} |`;
    }),
  ];
  const width = Math.max(...runs.map((r) => r.window.slices.length));
  const sliceHead = Array.from({ length: width }, (_, k) => `${k * sliceSeconds}–${Math.min((k + 1) * sliceSeconds, windowSeconds)} s`);
  const slices = [
    `| run | server | ${sliceHead.join(' | ')} |`,
    `|---|---|${'---|'.repeat(width)}`,
    ...runs.map((r) => {
      const cells = r.window.slices.map((s) => `${int(s.alertsPerSec)}${s.non2xx + s.errors > 0 ? ` (${s.non2xx + s.errors} bad)` : ''}`);
      return `| ${r.run} | ${TARGET_LABEL[r.target]} | ${[...cells, ...Array(width - cells.length).fill('')].join(' | ')} |`;
    }),
  ];
  return [...summary, '', `Alerts/s per ${sliceSeconds}-s slice (the last slice holds what is left of the window):`, '', ...slices].join('\n');
}
