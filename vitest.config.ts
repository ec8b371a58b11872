import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // vitest's default is one worker fewer than the cores: on the 2-core CI machines, one, so test
    // files ran one after another. Much of the suite waits (child processes, kills and restarts,
    // PostgreSQL, NATS, Chromium), and two files at a time took the suite from 456 s to 309 s here.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
