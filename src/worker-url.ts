/** @module Start a worker thread running a TypeScript module (through src/worker-entry.mjs). */
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** A Worker that runs `module` (a file URL of a .ts module) with `data` as its workerData. */
export function startTsWorker(module: URL, data: object): Worker {
  return new Worker(ENTRY, { workerData: { ...data, module: module.href } });
}
