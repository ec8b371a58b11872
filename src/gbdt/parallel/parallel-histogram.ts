/** @module Data-parallel histogram building: the trainer thread and N-1 workers each take a slice of rows. */
import { Worker } from 'node:worker_threads';
import { accumulateHistogram, type HistogramBuilder, type HistogramInputs, packedHistogramSize } from '../histogram.ts';
import { CONTROL_SLOTS, Slot, type WorkerInit } from './protocol.ts';

/** Below this many rows a leaf is built on the calling thread alone; a handshake costs more. */
const MIN_ROWS_TO_SHARE = 16_384;

interface Lane {
  worker: Worker;
  control: Int32Array;
  hist: Float64Array;
  job: number;
}

/**
 * Start `threads - 1` workers over the shared inputs. Every slice boundary depends only on the
 * row range, and partial histograms are summed in lane order, so results do not depend on timing.
 */
export async function parallelHistogramBuilder(inp: HistogramInputs, threads: number): Promise<HistogramBuilder> {
  const histSize = packedHistogramSize(inp.numColumns);
  const lanes: Lane[] = [];
  for (let i = 1; i < threads; i++) {
    const control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
    const hist = new SharedArrayBuffer(histSize * 8);
    const init: WorkerInit = {
      control, hist, numColumns: inp.numColumns,
      bins: sharedBuffer(inp.bins), packed: sharedBuffer(inp.packed), rowIndex: sharedBuffer(inp.rowIndex),
    };
    const worker = new Worker(new URL('./hist-worker.mjs', import.meta.url), { workerData: init });
    lanes.push({ worker, control: new Int32Array(control), hist: new Float64Array(hist), job: 0 });
  }
  await Promise.all(lanes.map((l) => new Promise<void>((resolve, reject) => {
    l.worker.once('online', resolve);
    l.worker.once('error', reject);
  })));

  return {
    build(begin, end, out) {
      out.fill(0);
      const rows = end - begin;
      if (rows < MIN_ROWS_TO_SHARE) {
        accumulateHistogram(inp, begin, end, out);
        return;
      }
      const slice = Math.ceil(rows / threads);
      lanes.forEach((lane, i) => {
        const b = begin + slice * (i + 1);
        lane.control[Slot.Begin] = b;
        lane.control[Slot.End] = Math.min(end, b + slice);
        lane.job++;
        Atomics.store(lane.control, Slot.Job, lane.job);
        Atomics.notify(lane.control, Slot.Job);
      });
      accumulateHistogram(inp, begin, Math.min(end, begin + slice), out);
      for (const lane of lanes) {
        while (Atomics.load(lane.control, Slot.Done) !== lane.job) Atomics.wait(lane.control, Slot.Done, lane.control[Slot.Done]);
        const h = lane.hist;
        for (let k = 0; k < histSize; k++) out[k] += h[k];
      }
    },
    async close() {
      for (const lane of lanes) {
        Atomics.store(lane.control, Slot.Exit, 1);
        Atomics.add(lane.control, Slot.Job, 1);
        Atomics.notify(lane.control, Slot.Job);
      }
      await Promise.all(lanes.map((l) => new Promise((resolve) => l.worker.once('exit', resolve))));
    },
  };
}

function sharedBuffer(view: ArrayBufferView): SharedArrayBuffer {
  if (!(view.buffer instanceof SharedArrayBuffer)) throw new Error('parallel histograms need inputs in SharedArrayBuffers');
  return view.buffer;
}
