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
  },
});
