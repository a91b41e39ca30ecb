import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // DuckDB's native binding comes with @duckdb/node-api (a dependency, external already); the Parquet writer copies typed arrays through it.
        external: ['@duckdb/node-bindings'],
        // The Electron shell, the plain-Node CLI (which also hosts the web face), the analysis
        // worker thread and the jobs' worker thread share chunks.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli.ts'),
          'analysis-worker': resolve(__dirname, 'src/main/analysis/worker.ts'),
          'job-worker': resolve(__dirname, 'src/main/jobs/job-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
