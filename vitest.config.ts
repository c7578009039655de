import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A timeout here only catches hangs: no test asserts how long anything takes (that is `npm run
    // bench`), and a loaded machine can take several times as long as an idle one.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Two cores on CI: two files at a time keeps MNIST-sized tests from starving each other.
    maxWorkers: 2,
  },
});
