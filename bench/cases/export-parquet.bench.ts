import { join } from 'node:path';
import { Library, exportSessionsParquet } from '../../src/main/storage';
import { writeSyntheticSession } from '../../test/helpers/synthetic-session';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

/** Minutes of stored 16 ch x 1 kHz data; `BENCH_PARQUET_MINUTES` changes it. */
const MINUTES = Number(process.env.BENCH_PARQUET_MINUTES ?? 30);
const CHANNELS = 16;
const RATE = 1000;
const RUNS = 2;

/**
 * Parquet export of a long session from a real SQLite library into a Hive tree, as the
 * export-parquet job runs it (stored chunks -> DuckDB appender -> COPY to Parquet); samples
 * count every channel's value, as for EDF. The best of RUNS counts, as the run least disturbed
 * by the other work of a shared machine; the peak RSS growth shows the memory stays bounded.
 */
const exportParquet: BenchCase = {
  name: 'export-parquet',
  description: `Parquet export of ${MINUTES} min of 16 ch x 1 kHz from a SQLite library`,
  async run() {
    const dir = tempDir('bench-parquet');
    try {
      const library = new Library(join(dir.path, 'library.db'));
      const { sessionId, samples } = writeSyntheticSession(library, { seconds: MINUTES * 60, rate: RATE, channels: CHANNELS, name: 'long session' });
      const total = samples * CHANNELS;
      let best = 0;
      let rssGrowth = 0;
      for (let run = 0; run < RUNS; run++) {
        (globalThis as { gc?: () => void }).gc?.();
        const before = process.memoryUsage().rss;
        let peak = before;
        const started = performance.now();
        await exportSessionsParquet(library, [sessionId], join(dir.path, 'out'), { onProgress: () => (peak = Math.max(peak, process.memoryUsage.rss())) });
        best = Math.max(best, total / ((performance.now() - started) / 1000));
        rssGrowth = Math.max(rssGrowth, peak - before);
      }
      library.close();
      return {
        parquetSamplesPerSecond: { value: best, unit: 'samples/s', target: '>= 5000000' },
        parquetPeakRssGrowth: { value: rssGrowth, unit: 'bytes' },
      };
    } finally {
      dir.cleanup();
    }
  },
};

export default exportParquet;
