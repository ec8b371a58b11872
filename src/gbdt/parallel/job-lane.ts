/**
 * @module The shared-memory job handshake between the training thread and its workers, for both
 * engines. The trainer blocks in Atomics.wait (no event loop runs then), so every way a job can
 * end, including an exception in the worker, is reported through shared memory.
 */
import { parentPort, type Worker } from 'node:worker_threads';
import { startTsWorker } from '../../worker-url.ts';

/** Int32 slots of a lane's control block; `errorBytes` is the length of a failed job's message. */
export const Slot = { job: 0, done: 1, exit: 2, failed: 3, kind: 4, begin: 5, end: 6, errorBytes: 7 } as const;
const SLOTS = 8;
/** Room after the slots for a failed job's error message (UTF-8), read by the blocked trainer. */
const ERROR_BYTES = 2048;

export function controlBlock(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOTS * 4 + ERROR_BYTES);
}

function errorArea(control: Int32Array): Uint8Array {
  return new Uint8Array(control.buffer, control.byteOffset + SLOTS * 4, ERROR_BYTES);
}

/** A started worker and its control block, on the trainer's side. */
export interface JobLane {
  worker: Worker;
  control: Int32Array;
  job: number;
  /** What the worker does, for error messages: 'a training worker failed: …'. */
  role: string;
}

/**
 * Start a worker running the TypeScript `module` and wait until it has loaded its code and said
 * 'ready'; a worker that fails to load rejects here, while the event loop can still see it.
 */
export async function startLane(module: URL, workerData: { control: SharedArrayBuffer } & object, role = 'training'): Promise<JobLane> {
  const worker = startTsWorker(module, workerData);
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`${role} worker said ${String(m)}`))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${role} worker exited with code ${code} before it was ready`)));
  });
  worker.removeAllListeners('exit');
  return { worker, control: new Int32Array(workerData.control), job: 0, role };
}

/** Post job `kind` (with an optional row range) to a lane; returns at once. */
export function postJob(lane: JobLane, kind: number, begin = 0, end = 0): void {
  const c = lane.control;
  c[Slot.kind] = kind;
  c[Slot.begin] = begin;
  c[Slot.end] = end;
  Atomics.store(c, Slot.job, ++lane.job);
  Atomics.notify(c, Slot.job);
}

/** Whether the lane has finished its last job (then `awaitJob` returns or throws at once). */
export function jobDone(lane: JobLane): boolean {
  return Atomics.load(lane.control, Slot.done) === lane.job;
}

/** Block until the lane has finished its last job; a job that threw in the worker throws here. */
export function awaitJob(lane: JobLane): void {
  const c = lane.control;
  while (Atomics.load(c, Slot.done) !== lane.job) Atomics.wait(c, Slot.done, c[Slot.done], 1000);
  if (Atomics.load(c, Slot.failed) === 1) {
    const message = new TextDecoder().decode(errorArea(c).slice(0, Atomics.load(c, Slot.errorBytes)));
    throw new Error(`a ${lane.role} worker failed: ${message}`);
  }
}

/** Ask a lane's worker to exit and wait until it has. */
export async function stopLane(lane: JobLane): Promise<void> {
  const exited = new Promise((resolve) => lane.worker.once('exit', resolve));
  Atomics.store(lane.control, Slot.exit, 1);
  Atomics.store(lane.control, Slot.job, ++lane.job);
  Atomics.notify(lane.control, Slot.job);
  await exited;
}

/** Worker side: say ready, then run `handle(kind, begin, end)` for each posted job until told to exit. */
export function serveJobs(control: Int32Array, handle: (kind: number, begin: number, end: number) => void): void {
  parentPort!.postMessage('ready');
  let seen = 0;
  for (;;) {
    // Blocking is right here: this thread exists only to serve the trainer.
    Atomics.wait(control, Slot.job, seen);
    seen = Atomics.load(control, Slot.job);
    if (Atomics.load(control, Slot.exit) === 1) break;
    try {
      handle(control[Slot.kind], control[Slot.begin], control[Slot.end]);
    } catch (err) {
      // Not printed here: the trainer is blocked in Atomics.wait, so the message travels in shared
      // memory and becomes the error the trainer throws (a stack trace on stderr looked like a crash).
      const { written } = new TextEncoder().encodeInto((err as Error).stack ?? String(err), errorArea(control));
      Atomics.store(control, Slot.errorBytes, written);
      Atomics.store(control, Slot.failed, 1);
    }
    Atomics.store(control, Slot.done, seen);
    Atomics.notify(control, Slot.done);
  }
}
