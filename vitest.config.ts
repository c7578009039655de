import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores on CI: two files at a time keeps MNIST-sized tests from starving each other.
    maxWorkers: 2,
  },
});
