/**
 * Import of a 30-minute MIT-BIH record (100, 2 x 650,000 samples at 360 Hz, with its .atr) into
 * a real SQLite library, in-process as the import job runs it, split by stage: reading and
 * checking the files, storing (samples, annotations, reference beats and the pyramid, one
 * transaction), which together are the time until the session reviews, and then the beat
 * detection that follows as its own job. The median of RUNS runs counts; each run imports a new
 * session into the same library, as a user importing records one after the other.
 */
import { join } from 'node:path';
import { detectPendingBeats } from '../../src/main/analysis/offline/detect-beats';
import { readRecordingFile, storeRecording } from '../../src/main/analysis/offline/import-record';
import { Library } from '../../src/main/storage';
import { findSharedData } from '../../test/helpers/shared-data';
import { tempDir } from '../../test/helpers/temp-dir';
import { median, type BenchCase, type Metric } from '../types';

const RECORD = 'ecg/mitdb/100.hea';
const RUNS = 5;

const importRecord: BenchCase = {
  name: 'import',
  description: `import of the 30-minute MIT-BIH record 100 (.hea, .dat, .atr): until reviewable, and until its beats are detected (median of ${RUNS})`,
  async run(): Promise<Record<string, Metric>> {
    const data = findSharedData([RECORD, 'ecg/mitdb/100.dat', 'ecg/mitdb/100.atr']);
    if (!data) return {}; // findSharedData said which files are missing
    const dir = tempDir('bench-import');
    try {
      const library = new Library(join(dir.path, 'library.db'));
      const stages = { read: [] as number[], store: [] as number[], detect: [] as number[] };
      let beats = 0;
      for (let run = 0; run < RUNS; run++) {
        (globalThis as { gc?: () => void }).gc?.();
        const t0 = performance.now();
        const rec = readRecordingFile(join(data, RECORD));
        const t1 = performance.now();
        const id = storeRecording(library, rec);
        const t2 = performance.now();
        beats = detectPendingBeats(library, id) ?? 0;
        const t3 = performance.now();
        stages.read.push(t1 - t0);
        stages.store.push(t2 - t1);
        stages.detect.push(t3 - t2);
      }
      library.close();
      const read = median(stages.read);
      const store = median(stages.store);
      const detect = median(stages.detect);
      const reviewable = median(stages.read.map((r, i) => r + stages.store[i]));
      const withBeats = median(stages.read.map((r, i) => r + stages.store[i] + stages.detect[i]));
      return {
        reviewableMs: { value: reviewable, unit: 'ms', target: '< 200' },
        readMs: { value: read, unit: 'ms' },
        storeMs: { value: store, unit: 'ms' },
        detectBeatsMs: { value: detect, unit: 'ms' },
        untilBeatsMs: { value: withBeats, unit: 'ms' },
        beats: { value: beats, unit: 'beats' },
      };
    } finally {
      dir.cleanup();
    }
  },
};

export default importRecord;
