import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests spawn ptys, SQLite writers and Chromium; keep the pool small.
    maxWorkers: 2,
    // A test that forgets --db must never touch the user's real library.
    env: { VITALSCOPE_DB: join(tmpdir(), 'vitalscope-test-default.db') },
  },
});
