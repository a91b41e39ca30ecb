import { join } from 'node:path';
import { JobRunner } from '../../src/main/jobs';
import { Library } from '../../src/main/storage';
import { writeSyntheticSession } from '../../test/helpers/synthetic-session';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

/** Sessions and minutes of 4 ch x 1 kHz each; `BENCH_DATASET_MINUTES` changes the length. */
const SESSIONS = 4;
const MINUTES = Number(process.env.BENCH_DATASET_MINUTES ?? 15);
const CHANNELS = 4;
const RATE = 1000;

/**
 * Dataset building as `vitalscope dataset --workers 2` runs it (a dataset job, two session
 * workers, each with its own read-only library connection): 2 s windows of every channel at the
 * source rate into Parquet parts. Samples/s: samples written (windows x channels x samples) over
 * the job's wall time, worker start-up included.
 */
const dataset: BenchCase = {
  name: 'dataset',
  description: `ML dataset build, ${SESSIONS} sessions x ${MINUTES} min of ${CHANNELS} ch x 1 kHz, 2 s windows, 2 workers`,
  async run() {
    const dir = tempDir('bench-dataset');
    try {
      const dbPath = join(dir.path, 'library.db');
      const library = new Library(dbPath);
      for (let s = 0; s < SESSIONS; s++) writeSyntheticSession(library, { seconds: MINUTES * 60, rate: RATE, channels: CHANNELS, name: `session ${s}` });
      library.close();
      const runner = new JobRunner({ dbPath });
      const started = performance.now();
      const { id } = runner.start({ kind: 'dataset', title: 'bench', sessionId: 0, params: { request: { out: join(dir.path, 'out'), streams: ['ecg16'], window: 2, workers: 2 } } });
      const job = await runner.wait(id);
      const seconds = (performance.now() - started) / 1000;
      await runner.close();
      if (job.state !== 'done') throw new Error(job.error ?? job.state);
      // The synthetic session's gap event marks no lost samples: every window is written.
      const samples = SESSIONS * Math.floor((MINUTES * 60) / 2) * 2 * RATE * CHANNELS;
      return {
        samplesPerSecond: { value: samples / seconds, unit: 'samples/s', target: '>= 2000000' },
        seconds: { value: seconds, unit: 's' },
      };
    } finally {
      dir.cleanup();
    }
  },
};

export default dataset;
