import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // DuckDB loads and generated data sets make some tests take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: run files in parallel, but not so many that loads starve each other.
    maxWorkers: 2,
  },
});
