// The one entry for every worker thread, in plain JS: workers do not inherit the parent's
// TypeScript loader, so register tsx here, then load the worker's own module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
