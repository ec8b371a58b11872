/** @module Pass worker: runs each requested row pass over its fixed share of rows. */
import { workerData } from 'node:worker_threads';
import { serveJobs } from '../parallel/job-lane.ts';
import type { PassWorkerInit } from './pass-runner.ts';
import { type PassKind, runPass } from './passes.ts';
import { laneViews, rowStateViews } from './row-state.ts';

const init = workerData as PassWorkerInit;
const state = rowStateViews(init.state);
const lane = laneViews(init.lane);
serveJobs(new Int32Array(init.control), (kind) => runPass(kind as PassKind, state, lane, init.begin, init.end));
