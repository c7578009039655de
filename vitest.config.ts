import { defineConfig } from 'vitest/config';
import LongestFirst from './test/longestFirst.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A timeout here only catches hangs: no test asserts how long anything takes (that is `npm run
    // bench`), and a loaded machine can take several times as long as an idle one.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Two cores on CI: two files at a time keeps MNIST-sized tests from starving each other.
    maxWorkers: 2,
    // Test files share a worker's module graph (MNIST and the wasm kernels load once per worker, not
    // per file): the suite's import time drops from ~30 s to ~13 s. No test relies on a fresh module
    // graph (the suite passes the same either way).
    isolate: false,
    sequence: { sequencer: LongestFirst },
  },
});
