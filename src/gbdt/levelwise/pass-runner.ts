/** @module Runs a row pass on every lane: the calling thread takes the first share of rows, workers the rest. */
import { awaitJob, controlBlock, postJob, startLane, stopLane } from '../parallel/job-lane.ts';
import { type PassKind, runPass } from './passes.ts';
import { allocateLane, CHUNK_ROWS, type LaneBuffers, type LaneViews, laneViews, type RowState, type RowStateBuffers, rowStateViews } from './row-state.ts';

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
  const workers = await Promise.all(ranges.slice(1).map(([begin, end], i) => {
    const init: PassWorkerInit = { state: buffers, lane: laneBuffers[i + 1], control: controlBlock(), begin, end };
    return startLane(new URL('./pass-worker.ts', import.meta.url), init);
  }));
  return {
    state,
    lanes,
    run(kind) {
      for (const w of workers) postJob(w, kind);
      runPass(kind, state, lanes[0], ranges[0][0], ranges[0][1]);
      for (const w of workers) awaitJob(w);
    },
    async close() {
      await Promise.all(workers.map(stopLane));
    },
  };
}
