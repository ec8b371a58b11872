/** @module Histogram worker: waits for a row range, accumulates its histogram, signals done. */
import { workerData } from 'node:worker_threads';
import { accumulateHistogram } from '../histogram.ts';
import { Slot, type WorkerInit } from './protocol.ts';

const init = workerData as WorkerInit;
const control = new Int32Array(init.control);
const hist = new Float64Array(init.hist);
const inputs = {
  bins: new Uint8Array(init.bins),
  numColumns: init.numColumns,
  packed: new Float64Array(init.packed),
  rowIndex: new Uint32Array(init.rowIndex),
};

let seen = 0;
for (;;) {
  // Blocking wait is right here: this thread does nothing but serve the trainer.
  Atomics.wait(control, Slot.Job, seen);
  seen = Atomics.load(control, Slot.Job);
  if (Atomics.load(control, Slot.Exit) === 1) break;
  hist.fill(0);
  accumulateHistogram(inputs, control[Slot.Begin], control[Slot.End], hist);
  Atomics.store(control, Slot.Done, seen);
  Atomics.notify(control, Slot.Done);
}
