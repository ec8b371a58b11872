/** @module Pass worker: runs each requested row pass over its fixed share of rows. */
import { workerData } from 'node:worker_threads';
import { Control, type PassWorkerInit } from './pass-runner.ts';
import { type PassKind, runPass } from './passes.ts';
import { laneViews, rowStateViews } from './row-state.ts';

const init = workerData as PassWorkerInit;
const state = rowStateViews(init.state);
const lane = laneViews(init.lane);
const control = new Int32Array(init.control);

let seen = 0;
for (;;) {
  // Blocking is right here: this thread exists only to serve the trainer.
  Atomics.wait(control, Control.job, seen);
  seen = Atomics.load(control, Control.job);
  if (Atomics.load(control, Control.exit) === 1) break;
  runPass(control[Control.kind] as PassKind, state, lane, init.begin, init.end);
  Atomics.store(control, Control.done, seen);
  Atomics.notify(control, Control.done);
}
