/** @module Reason-code worker: builds its own TreeExplainer over the shared model, then explains chunks of the shared rows for each job. */
import { workerData } from 'node:worker_threads';
import { serveJobs } from '../../gbdt/parallel/job-lane.ts';
import { TreeExplainer } from '../tree-shap.ts';
import { chunkViews, explainChunks } from './explain-chunks.ts';
import type { ExplainWorkerInit } from './explain-rows.ts';

const init = workerData as ExplainWorkerInit;
// One explainer per thread: TreeExplainer keeps its path buffers and is not re-entrant.
const explainer = new TreeExplainer(init.model);
const views = chunkViews(init.buffers);
serveJobs(new Int32Array(init.control), () => {
  explainChunks(explainer, views);
});
