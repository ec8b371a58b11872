/** @module The shared-memory handshake between the training thread and histogram workers. */

/** Int32 slots of each worker's control block. */
export const Slot = {
  /** Incremented by the trainer to post a job; the worker waits on it. */
  Job: 0,
  /** Set by the worker to the job number it has finished; the trainer waits on it. */
  Done: 1,
  Begin: 2,
  End: 3,
  /** 1 asks the worker to exit. */
  Exit: 4,
} as const;
export const CONTROL_SLOTS = 5;

/** What a worker receives once, at start: views over the trainer's shared buffers. */
export interface WorkerInit {
  control: SharedArrayBuffer;
  hist: SharedArrayBuffer;
  bins: SharedArrayBuffer;
  numColumns: number;
  packed: SharedArrayBuffer;
  rowIndex: SharedArrayBuffer;
}
