/** @module Data-parallel histogram building for the indexed engine: the trainer thread and N-1 workers each take a slice of a leaf's rows. */
import { accumulateHistogram, type HistogramBuilder, type HistogramInputs, packedHistogramSize } from '../histogram.ts';
import { awaitJob, controlBlock, postJob, startLane, stopLane } from './job-lane.ts';

/** Below this many rows a leaf is built on the calling thread alone; a handshake costs more. */
const MIN_ROWS_TO_SHARE = 16_384;

/** What a histogram worker receives at start: the trainer's shared buffers and its own histogram. */
export interface HistWorkerInit {
  control: SharedArrayBuffer;
  hist: SharedArrayBuffer;
  bins: SharedArrayBuffer;
  numColumns: number;
  packed: SharedArrayBuffer;
  rowIndex: SharedArrayBuffer;
  countRows: boolean;
}

/**
 * Start `threads - 1` workers over the shared inputs. Slice boundaries depend only on the row
 * range and the sums are integers, so results do not depend on timing.
 */
export async function parallelHistogramBuilder(inp: HistogramInputs, threads: number): Promise<HistogramBuilder> {
  const histSize = packedHistogramSize(inp.numColumns, inp.countRows);
  const hists: Float64Array[] = [];
  const lanes = await Promise.all(Array.from({ length: threads - 1 }, () => {
    const hist = new SharedArrayBuffer(histSize * 8);
    hists.push(new Float64Array(hist));
    const init: HistWorkerInit = {
      control: controlBlock(), hist, numColumns: inp.numColumns, countRows: inp.countRows,
      bins: sharedBuffer(inp.bins), packed: sharedBuffer(inp.packed), rowIndex: sharedBuffer(inp.rowIndex),
    };
    return startLane(new URL('./hist-worker.ts', import.meta.url), init);
  }));

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
        postJob(lane, 0, b, Math.min(end, b + slice));
      });
      accumulateHistogram(inp, begin, Math.min(end, begin + slice), out);
      lanes.forEach((lane, i) => {
        awaitJob(lane);
        const h = hists[i];
        for (let k = 0; k < histSize; k++) out[k] += h[k];
      });
    },
    close: async () => {
      await Promise.all(lanes.map(stopLane));
    },
  };
}

function sharedBuffer(view: ArrayBufferView): SharedArrayBuffer {
  if (!(view.buffer instanceof SharedArrayBuffer)) throw new Error('parallel histograms need inputs in SharedArrayBuffers');
  return view.buffer;
}
