import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fixture, CLI and oracle suites spawn Go and the built binary; give them room.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
