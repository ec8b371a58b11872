/** @module Histogram worker for the indexed engine: accumulates the rows it is given into its own histogram. */
import { workerData } from 'node:worker_threads';
import { accumulateHistogram } from '../histogram.ts';
import { serveJobs } from './job-lane.ts';
import type { HistWorkerInit } from './parallel-histogram.ts';

const init = workerData as HistWorkerInit;
const hist = new Float64Array(init.hist);
const inputs = {
  bins: new Uint8Array(init.bins),
  numColumns: init.numColumns,
  packed: new Float64Array(init.packed),
  rowIndex: new Uint32Array(init.rowIndex),
  countRows: init.countRows,
};
serveJobs(new Int32Array(init.control), (_kind, begin, end) => {
  hist.fill(0);
  accumulateHistogram(inputs, begin, end, hist);
});
