/**
 * @module One closed-loop load window for bench/sustained.ts: autocannon keeps N connections busy
 * for the whole window, and every slice (10 s by default) records what was answered, how fast,
 * at what server CPU, and how far the decision store trails what was acknowledged, so a burst
 * followed by a collapse shows up instead of averaging out.
 */
import autocannon from 'autocannon';
import type { BenchServer } from './bench-servers.ts';
import { machineCpu, processCpuMs, type ThreadCpu, threadCpu, threadCpuUsed } from './proc-cpu.ts';

export const ALERTS_PER_REQUEST = 100;

export interface Slice {
  seconds: number;
  alertsPerSec: number;
  /** Responses that were not 2xx, and connection errors or timeouts. */
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuUsPerAlert: number;
  /** Alerts answered 2xx so far (warm-up included) minus decisions in the store right after: > 0 means acknowledged but not stored yet. */
  storeLag?: number;
}

export interface Window {
  seconds: number;
  alerts2xx: number;
  alertsPerSec: number;
  /** Responses by HTTP status, 2xx included. */
  statusCounts: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMs: number;
  /** CPU each server thread used in the window, busiest first. */
  threads: ThreadCpu[];
  loadGeneratorCpuMs: number;
  machine: { busyMs: number; totalMs: number };
  slices: Slice[];
}

/** Alerts answered 2xx by a server so far, across warm-up and measured windows. */
export interface Acked {
  alerts: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** Runs `seconds` of closed-loop load against `server` and measures it slice by slice. */
export async function runWindow(options: {
  server: BenchServer; requests: autocannon.Request[]; connections: number; seconds: number; sliceSeconds: number; acked: Acked;
  onSlice?: (slice: Slice, index: number) => void;
  /** Ends the load early (the window is then shorter). */
  signal?: AbortSignal;
}): Promise<Window> {
  const { server, requests, connections, seconds, sliceSeconds, acked, onSlice, signal } = options;
  const statusCounts: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;

  type Mark = { t: number; ok: number; non2xx: number; errors: number; latencyAt: number; cpuMs: number };
  const mark = (): Mark => ({ t: performance.now(), ok, non2xx, errors, latencyAt: latencies.length, cpuMs: server.alive() ? processCpuMs(server.pid) : NaN });
  const slices: Slice[] = [];
  const sliceOf = (a: Mark, b: Mark): Slice => {
    const alerts = (b.ok - a.ok) * ALERTS_PER_REQUEST;
    const sorted = latencies.slice(a.latencyAt, b.latencyAt).sort((x, y) => x - y);
    return {
      seconds: round((b.t - a.t) / 1000, 1),
      alertsPerSec: Math.round(alerts / ((b.t - a.t) / 1000)),
      non2xx: b.non2xx - a.non2xx, errors: b.errors - a.errors,
      p50Ms: round(percentile(sorted, 0.5), 1), p99Ms: round(percentile(sorted, 0.99), 1),
      serverCpuUsPerAlert: round(((b.cpuMs - a.cpuMs) * 1000) / alerts, 1),
    };
  };
  const storeLag = async () => {
    const ackedSoFar = acked.alerts; // read before the store, so a durable store can only be ahead
    try {
      return server.storedMaxSeq && server.alive() ? ackedSoFar - (await server.storedMaxSeq()) : undefined;
    } catch {
      return undefined; // a reading that failed (store busy, server gone) is left out, not fatal
    }
  };

  const threads0 = threadCpu(server.pid);
  const self0 = processCpuMs('self');
  const machine0 = machineCpu();
  const marks = [mark()];
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    const m = mark();
    const slice = sliceOf(marks[marks.length - 1], m);
    marks.push(m);
    pending = pending.then(async () => {
      slice.storeLag = await storeLag();
      slices.push(slice);
      onSlice?.(slice, slices.length - 1);
    });
  }, sliceSeconds * 1000);

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: server.url, connections, duration: seconds, requests }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        acked.alerts += ALERTS_PER_REQUEST;
      } else non2xx++;
      latencies.push(ms);
    });
    instance.on('reqError', () => errors++);
    if (signal?.aborted) instance.stop();
    signal?.addEventListener('abort', () => instance.stop(), { once: true });
  }).finally(() => clearInterval(timer));
  const end = mark();
  const threads = server.alive() ? threadCpuUsed(threads0, threadCpu(server.pid)) : [];
  const loadGeneratorCpuMs = processCpuMs('self') - self0;
  const machine1 = machineCpu();
  await pending;
  // The last slice: what is left after the last full one, folded into it when under a second.
  const last = marks[marks.length - 1];
  if (end.t - last.t >= 1000 || slices.length === 0) {
    const slice = sliceOf(last, end);
    slice.storeLag = await storeLag();
    slices.push(slice);
    onSlice?.(slice, slices.length - 1);
  } else {
    const folded = sliceOf(marks[marks.length - 2], end);
    folded.storeLag = await storeLag();
    slices[slices.length - 1] = folded;
  }

  const first = marks[0];
  const sorted = latencies.sort((x, y) => x - y);
  return {
    seconds: round((end.t - first.t) / 1000, 2),
    alerts2xx: ok * ALERTS_PER_REQUEST,
    alertsPerSec: Math.round((ok * ALERTS_PER_REQUEST) / ((end.t - first.t) / 1000)),
    statusCounts, non2xx, errors: result.errors, timeouts: result.timeouts,
    p50Ms: round(percentile(sorted, 0.5), 1), p99Ms: round(percentile(sorted, 0.99), 1),
    serverCpuMs: end.cpuMs - first.cpuMs, threads, loadGeneratorCpuMs,
    machine: { busyMs: machine1.busyMs - machine0.busyMs, totalMs: machine1.totalMs - machine0.totalMs },
    slices,
  };
}
