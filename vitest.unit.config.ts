import { defineConfig } from 'vitest/config';

// `npm run test:unit`: the pure tests (domain rules, parsing, rendering, the clock), in seconds.
// No global setup: they need neither the database template nor the IRC network.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // The property tests run hundreds of cases: a deadline for a busy machine, not a measure.
    testTimeout: 60_000,
    expect: { poll: { timeout: 15_000 } },
  },
});
