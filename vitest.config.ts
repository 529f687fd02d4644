import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // PGlite starts in seconds, not milliseconds, and end-to-end tests spawn whole bots, several
    // in a row (the wiki's edit round trips): a deadline for a machine busy with other jobs, where
    // everything runs several times slower, not a measure.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Two cores: more workers only make the database-heavy files slower.
    maxWorkers: 2,
    // A condition polled for is a deadline, not a measure: a loaded machine may need more than
    // the default second.
    expect: { poll: { timeout: 15_000 } },
  },
});
