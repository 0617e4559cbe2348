import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // A folder for what test files share in one run (tests/shared.ts).
    globalSetup: ['tests/globalSetup.ts'],
    // Timeouts guard against a hang, not against a slow machine: a test waits on events
    // (a progress line, a job's end, a selector), and a busy machine (another npm test
    // beside this one) can take several times as long as a quiet one.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Two cores: run files in parallel, but not so many that loads starve each other.
    maxWorkers: 2,
    // A worker keeps the modules it has imported from one test file to the next: importing
    // DuckDB, Express and the measures' modules again for each of ~80 files took 72-76 s of
    // the workers' time, and 14 s without. No test file relies on a module's state being
    // new: they pass the same either way (npm test, 852 tests).
    isolate: false,
    // One DuckDB thread per database in the tests and in the commands they start
    // (MET_THREADS, lib/threads.ts): two files already run side by side on the two cores, and
    // DuckDB's second thread then waits more than it works. Measured on tests/etl, model
    // and sql: 272 s with DuckDB's default, 212 s with one thread. The bench runs the
    // product as shipped, with DuckDB's default.
    env: { MET_THREADS: '1' },
  },
});
