/**
 * @module Reason codes for many rows at once: TreeSHAP on the calling thread and `threads - 1`
 * workers over the same trees, each claiming chunks of rows and writing each row's reasons at its
 * own place, so the result is the same, bit for bit, whatever the thread count.
 */
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { awaitJob, controlBlock, jobDone, type JobLane, postJob, startLane, stopLane } from '../../gbdt/parallel/job-lane.ts';
import type { TreeEnsemble } from '../../trees/tree-ensemble.ts';
import { TreeExplainer } from '../tree-shap.ts';
import { type ChunkBuffers, chunkViews, type ChunkViews, explainChunks, stopClaims, Work } from './explain-chunks.ts';

/** Below this many rows per thread a worker's start (it loads TypeScript first) costs more than it saves. */
export const MIN_ROWS_PER_THREAD = 500;
/** How often the calling thread, once out of chunks, looks at the workers and reports progress. */
const POLL_MS = 100;

/** What a reason-code worker receives at start. */
export interface ExplainWorkerInit {
  control: SharedArrayBuffer;
  model: TreeEnsemble;
  buffers: ChunkBuffers;
}

/** The top `n` reasons of every row: row r's k-th is feature[r * n + k] (-1: none) with contribution[r * n + k]. */
export interface RowReasons {
  n: number;
  feature: Int32Array;
  contribution: Float64Array;
  /** Threads that did the work, the calling one included. */
  threads: number;
}

export interface ExplainRowsOptions {
  /** Threads, the calling one included; 0 (default) = one per core. Small inputs use fewer. */
  threads?: number;
  /** 1 for the rows to explain; the others get no reasons. Default: every row. */
  explain?: Uint8Array;
  onProgress?: (done: number, total: number) => void;
  /** The workers' module (tests swap in one that fails). */
  workerModule?: URL;
}

/** Threads to use for `numRows` rows when `wanted` are asked for (0 = one per core). */
export function explainThreads(wanted: number, numRows: number): number {
  const cores = wanted === 0 ? availableParallelism() : wanted;
  return Math.max(1, Math.min(cores, Math.floor(numRows / MIN_ROWS_PER_THREAD)));
}

/** The `n` largest TreeSHAP contributions of each of `numRows` rows of `x` (row-major, `model.numFeatures` wide). */
export async function explainRows(model: TreeEnsemble, x: Float32Array, numRows: number, n: number, o: ExplainRowsOptions = {}): Promise<RowReasons> {
  // Built here first: a model without cover fails before any worker starts.
  const explainer = new TreeExplainer(model);
  const nf = model.numFeatures;
  if (x.length !== numRows * nf) throw new RangeError(`explainRows: expected ${numRows} rows × ${nf} features = ${numRows * nf} values, got ${x.length}`);
  const threads = explainThreads(o.threads ?? 0, numRows);
  o.onProgress?.(0, numRows);
  const report = (v: ChunkViews) => o.onProgress?.(Atomics.load(v.work, Work.rowsDone), numRows);
  if (threads === 1) {
    const views: ChunkViews = {
      x, numRows, numFeatures: nf, n, explain: o.explain, work: new Int32Array(2),
      feature: new Int32Array(numRows * n).fill(-1), contribution: new Float64Array(numRows * n),
    };
    explainChunks(explainer, views, () => { report(views); return true; });
    return { n, feature: views.feature, contribution: views.contribution, threads };
  }
  const buffers: ChunkBuffers = {
    x: sharedCopy(x), numRows, numFeatures: nf, n, explain: o.explain && sharedCopy(o.explain),
    work: new SharedArrayBuffer(8), feature: new SharedArrayBuffer(numRows * n * 4), contribution: new SharedArrayBuffer(numRows * n * 8),
  };
  const views = chunkViews(buffers);
  views.feature.fill(-1);
  const lanes = await startLanes(o.workerModule ?? new URL('./explain-worker.ts', import.meta.url), threads - 1, { model, buffers });
  const exitCodes = new Map<JobLane, number>();
  for (const lane of lanes) lane.worker.on('exit', (code) => exitCodes.set(lane, code));
  try {
    for (const lane of lanes) postJob(lane, 0);
    // A worker done while chunks remain has failed: stop claiming and report it.
    const finished = explainChunks(explainer, views, () => { report(views); return !lanes.some(jobDone); });
    if (!finished) stopClaims(views);
    while (!lanes.every(jobDone)) {
      const dead = lanes.find((lane) => exitCodes.has(lane) && !jobDone(lane));
      if (dead) throw new Error(`a reason-code worker stopped (exit code ${exitCodes.get(dead)}) before it finished its rows`);
      await sleep(POLL_MS);
      report(views);
    }
    for (const lane of lanes) awaitJob(lane);
    // The workers may have finished the last chunks after this thread's last report, with no wait
    // in between: say the whole once everything is in.
    report(views);
  } catch (err) {
    stopClaims(views);
    throw firstLine(err as Error);
  } finally {
    await Promise.all(lanes.filter((lane) => !exitCodes.has(lane)).map(stopLane));
  }
  return { n, feature: views.feature, contribution: views.contribution, threads };
}

async function startLanes(module: URL, count: number, init: Omit<ExplainWorkerInit, 'control'>): Promise<JobLane[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startLane(module, { control: controlBlock(), ...init }, 'reason-code')));
  const lanes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(lanes.map(stopLane));
    throw (failed as PromiseRejectedResult).reason;
  }
  return lanes;
}

/** The worker's message carries its stack: keep the first line as the message (what a CLI user reads), the rest as the stack. */
function firstLine(err: Error): Error {
  const [head, ...rest] = err.message.split('\n');
  if (rest.length === 0) return err;
  const short = new Error(head);
  short.stack = err.message;
  return short;
}

function sharedCopy<T extends Float32Array | Uint8Array>(a: T): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return buffer;
}
