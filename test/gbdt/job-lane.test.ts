import { describe, expect, it, vi } from 'vitest';
import { awaitJob, controlBlock, postJob, startLane, stopLane } from '../../src/gbdt/parallel/job-lane.ts';

describe('training worker lanes fail loudly, never hang', () => {
  it('rejects a worker that cannot load', async () => {
    await expect(startLane(new URL('./fixtures/broken-worker.ts', import.meta.url), { control: controlBlock() })).rejects.toThrow('broken on load');
  });

  it('turns an exception inside a job into an error on the waiting thread', async () => {
    const lane = await startLane(new URL('./fixtures/failing-worker.ts', import.meta.url), { control: controlBlock() });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      postJob(lane, 1);
      expect(() => awaitJob(lane)).toThrow(/^a training worker failed: Error: this job always fails\n\s+at /);
    } finally {
      await stopLane(lane);
      quiet.mockRestore();
    }
  });
});
