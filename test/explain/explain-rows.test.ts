/** @module Reason codes over many rows on worker threads: the same result as one thread, bit for bit, and worker failures as clear errors. */
import { describe, expect, it } from 'vitest';
import { TreeExplainer, topFeatures } from '../../src/explain/index.ts';
import { explainRows, explainThreads, MIN_ROWS_PER_THREAD } from '../../src/explain/parallel/explain-rows.ts';
import { randomEnsemble, randomRows } from '../helpers/random-ensemble.ts';

const model = randomEnsemble({ seed: 7, numTrees: 20, maxDepth: 5, numFeatures: 8 });
const ROWS = 3 * MIN_ROWS_PER_THREAD + 77;
const x = Float32Array.from(randomRows(model, ROWS, 3));

describe('explainRows', () => {
  it('gives every row the top reasons TreeExplainer gives it, on 1 thread and on 3 alike', async () => {
    const skip = new Uint8Array(ROWS).fill(1);
    skip[5] = 0;
    const one = await explainRows(model, x, ROWS, 3, { threads: 1, explain: skip });
    const three = await explainRows(model, x, ROWS, 3, { threads: 3, explain: skip });
    expect([one.threads, three.threads]).toEqual([1, 3]);
    expect(Buffer.from(three.feature.buffer).equals(Buffer.from(one.feature.buffer))).toBe(true);
    expect(Buffer.from(three.contribution.buffer).equals(Buffer.from(one.contribution.buffer))).toBe(true);
    expect(Array.from(one.feature.subarray(15, 18))).toEqual([-1, -1, -1]);
    const explainer = new TreeExplainer(model);
    for (const r of [0, 1, 999, ROWS - 1]) {
      const phi = explainer.explain(x, undefined, r * model.numFeatures);
      const top = topFeatures(phi, 3, model.numFeatures);
      expect(Array.from(one.feature.subarray(r * 3, r * 3 + top.length))).toEqual(top);
      expect(Array.from(one.contribution.subarray(r * 3, r * 3 + top.length))).toEqual(top.map((j) => phi[j]));
    }
  });

  it('reports progress up to every row', async () => {
    const seen: number[] = [];
    await explainRows(model, x, ROWS, 2, { threads: 2, onProgress: (done, total) => { expect(total).toBe(ROWS); seen.push(done); } });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(ROWS);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('uses one thread per core for 0, and fewer threads than asked for on few rows', () => {
    expect(explainThreads(4, 10)).toBe(1);
    expect(explainThreads(4, 2 * MIN_ROWS_PER_THREAD)).toBe(2);
    expect(explainThreads(1, 100 * MIN_ROWS_PER_THREAD)).toBe(1);
    expect(explainThreads(0, 1000 * MIN_ROWS_PER_THREAD)).toBeGreaterThanOrEqual(1);
  });

  it('turns an exception in a worker into one error naming the worker and the exception', async () => {
    const failing = new URL('./fixtures/failing-explain-worker.ts', import.meta.url);
    const err = await explainRows(model, x, ROWS, 3, { threads: 2, workerModule: failing }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('a reason-code worker failed: RangeError: no memory left for the path buffers');
    // The worker's stack is kept for WINNOW_DEBUG.
    expect((err as Error).stack).toMatch(/failing-explain-worker\.ts/);
  });

  it('reports a worker thread that ended in the middle of its rows instead of waiting for it', async () => {
    const exiting = new URL('./fixtures/exiting-explain-worker.ts', import.meta.url);
    await expect(explainRows(model, x, ROWS, 3, { threads: 2, workerModule: exiting }))
      .rejects.toThrow(/^a reason-code worker stopped \(exit code 3\) before it finished its rows$/);
  });

  it('refuses a model without cover before starting any worker', async () => {
    const bare = { ...model, trees: model.trees.map((t) => ({ ...t, cover: t.cover.map(() => 0) })) };
    await expect(explainRows(bare, x, ROWS, 3, { threads: 2, workerModule: new URL('file:///nonexistent.ts') })).rejects.toThrow(/cover/);
  });
});
