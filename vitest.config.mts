import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests spawn ptys, SQLite writers and Chromium; keep the pool small.
    maxWorkers: 2,
  },
});
