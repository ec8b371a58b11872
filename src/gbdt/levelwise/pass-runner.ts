/** @module Runs a row pass on every lane: the calling thread takes the first share of rows, workers the rest. */
import { Worker } from 'node:worker_threads';
import { type PassKind, runPass } from './passes.ts';
import { allocateLane, CHUNK_ROWS, type LaneBuffers, type LaneViews, laneViews, type RowState, type RowStateBuffers, rowStateViews } from './row-state.ts';

/** Control block slots: the trainer bumps `job` after writing `kind`; the worker echoes the job into `done`. */
export const Control = { job: 0, done: 1, kind: 2, exit: 3 } as const;

/** What a pass worker receives at start. */
export interface PassWorkerInit {
  state: RowStateBuffers;
  lane: LaneBuffers;
  control: SharedArrayBuffer;
  begin: number;
  end: number;
}

export interface PassRunner {
  state: RowState;
  /** Lane outputs in lane order (lane 0 is the calling thread). */
  lanes: LaneViews[];
  run(kind: PassKind): void;
  close(): Promise<void>;
}

/** Chunk-aligned row ranges, one per lane: boundaries depend only on the row and lane counts. */
export function laneRanges(n: number, lanes: number): [number, number][] {
  const perLane = Math.ceil(Math.ceil(n / CHUNK_ROWS) / lanes) * CHUNK_ROWS;
  return Array.from({ length: lanes }, (_, i) => [Math.min(n, i * perLane), Math.min(n, (i + 1) * perLane)]);
}

/** Start `threads - 1` workers (none for 1) over the shared state. */
export async function startPassRunner(buffers: RowStateBuffers, threads: number): Promise<PassRunner> {
  const state = rowStateViews(buffers);
  const ranges = laneRanges(buffers.numRows, threads);
  const laneBuffers = ranges.map(() => allocateLane(buffers));
  const lanes = laneBuffers.map(laneViews);
  const workers = ranges.slice(1).map(([begin, end], i) => {
    const control = new SharedArrayBuffer(16);
    const init: PassWorkerInit = { state: buffers, lane: laneBuffers[i + 1], control, begin, end };
    return { worker: new Worker(new URL('./pass-worker.mjs', import.meta.url), { workerData: init }), control: new Int32Array(control), job: 0 };
  });
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    w.worker.once('online', resolve);
    w.worker.once('error', reject);
  })));
  return {
    state,
    lanes,
    run(kind) {
      for (const w of workers) {
        w.control[Control.kind] = kind;
        Atomics.store(w.control, Control.job, ++w.job);
        Atomics.notify(w.control, Control.job);
      }
      runPass(kind, state, lanes[0], ranges[0][0], ranges[0][1]);
      for (const w of workers) {
        while (Atomics.load(w.control, Control.done) !== w.job) Atomics.wait(w.control, Control.done, w.control[Control.done]);
      }
    },
    async close() {
      for (const w of workers) {
        Atomics.store(w.control, Control.exit, 1);
        Atomics.store(w.control, Control.job, ++w.job);
        Atomics.notify(w.control, Control.job);
      }
      await Promise.all(workers.map((w) => new Promise((resolve) => w.worker.once('exit', resolve))));
    },
  };
}
