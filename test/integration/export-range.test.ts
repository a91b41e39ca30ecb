import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/main/command-args';
import { createEngine } from '../../src/main/engine';
import { Library, exportSessionCsv } from '../../src/main/storage';
import { writeSyntheticSession } from '../helpers/synthetic-session';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('export-range');
const dbPath = join(dir.path, 'library.db');
let id: number;
/** The whole session's CSV files: what each range is cut from. */
let full: Record<string, string[]>;

const rows = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
const time = (row: string) => Number(row.split(',')[0]);

beforeAll(() => {
  const library = new Library(dbPath);
  // 150 s at 250 Hz in 0.8 s chunks: ranges cut chunks, and cross the 60 s read windows.
  id = writeSyntheticSession(library, { seconds: 150, rate: 250, channels: 3, chunkSamples: 200 }).sessionId;
  full = Object.fromEntries(exportSessionCsv(library, id, join(dir.path, 'full')).map((f) => [basename(f), rows(f)]));
  library.close();
});
afterAll(() => dir.cleanup());

describe('CSV export of a time range', () => {
  it.each([
    [{ from: 30.3, to: 95.1 }, 30.3, 95.1],
    [{ from: 100 }, 100, Infinity],
    [{ to: 0.5 }, -Infinity, 0.5],
  ])('%j holds exactly the whole export rows of the range, streams and events', (range, from, to) => {
    const library = new Library(dbPath, { readonly: true });
    const files = exportSessionCsv(library, id, join(dir.path, `range-${from}-${to}`), undefined, range);
    library.close();
    const ecg = rows(files[0]);
    const want = full['ecg16.csv'].filter((r, i) => i === 0 || (time(r) >= from - 1e-6 && time(r) < to - 1e-6));
    expect(ecg.length).toBeGreaterThan(100);
    expect(ecg).toEqual(want);
    const events = rows(files[1]);
    const wantEvents = full['events.csv'].filter((r, i) => i === 0 || (time(r) >= from && time(r) < to));
    expect(events).toEqual(wantEvents);
  });

  it('runs as an engine job with the range in its title and folder; a bad range is refused at once', async () => {
    const engine = await createEngine({ dbPath });
    try {
      const job = await engine.exportSession(id, { format: 'csv', range: { from: 74, to: 76 } });
      expect(job.title).toBe(`CSV export of session ${id} (74 to 76 s)`);
      let state = job;
      while (state.state === 'running') {
        await new Promise((r) => setTimeout(r, 25));
        state = (await engine.getStatus()).jobs.find((j) => j.id === job.id)!;
      }
      expect(state.state).toBe('done');
      expect(state.output!.dir).toMatch(new RegExp(`session-${id}-74-76s-csv$`));
      const ecg = rows(state.output!.files![0]);
      // 2 s at 250 Hz, and the mid-session gap event at 75 s.
      expect(ecg).toHaveLength(1 + 500);
      expect(rows(state.output!.files![1]).slice(1).map((r) => r.split(',')[2])).toEqual(['gap']);
      await expect(engine.exportSession(id, { format: 'csv', range: { from: 5, to: 5 } })).rejects.toThrow('export range: to (5 s) must be after from (5 s)');
    } finally {
      await engine.close();
    }
    expect(() => parseCommand('exportSession', [id, { format: 'csv', range: { from: 1, until: 2 } }])).toThrow(/bad arguments for exportSession/);
    expect(() => parseCommand('exportSession', [id, { from: 1 }])).toThrow(/bad arguments for exportSession/);
    expect(parseCommand('exportSession', [id, { format: 'csv', range: { from: 1 } }]).args).toEqual([id, { format: 'csv', range: { from: 1 } }]);
  });
});
