import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/main/command-args';
import { createEngine, type Engine } from '../../src/main/engine';
import { readEdf } from '../../src/main/formats/edf';
import { Library, exportSessionCsv, exportSessionEdf } from '../../src/main/storage';
import { UPLOAD_PART_BYTES } from '../../src/shared/api';
import type { JobState } from '../../src/shared/types';
import { cliOn } from '../helpers/cli';
import { writeReviewSession } from '../helpers/review-session';
import { findSharedData } from '../helpers/shared-data';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('export-streams');
const dbPath = join(dir.path, 'library.db');
const cli = cliOn(dbPath);
let sessionId: number;

beforeAll(() => {
  const library = new Library(dbPath);
  sessionId = writeReviewSession(library).sessionId;
  library.close();
});
afterAll(() => dir.cleanup());

const lines = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n');

async function ended(engine: Engine, job: JobState): Promise<JobState> {
  for (;;) {
    const state = (await engine.getStatus()).jobs.find((j) => j.id === job.id)!;
    if (state.state !== 'running') return state;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a choice of streams in an export', () => {
  it('CSV: only the chosen streams, and the events of those streams or of none', () => {
    const library = new Library(dbPath, { readonly: true });
    const files = exportSessionCsv(library, sessionId, join(dir.path, 'ppg-only'), undefined, {}, ['sim/ppg']);
    expect(files.map((f) => f.slice(dirname(f).length + 1))).toEqual(['ppg.csv', 'events.csv']);
    expect(lines(files[0])).toHaveLength(1 + 120 * 100);
    // The ECG's gap and beats are left out with the ECG; the session's marker stays.
    expect(lines(files[1]).slice(1).map((r) => r.split(',')[2])).toEqual(['marker']);
    const both = exportSessionCsv(library, sessionId, join(dir.path, 'ecg-hr'), undefined, { from: 59, to: 62 }, ['sim/hr', 'sim/ecg']);
    // In the session's order, whatever order they were asked in.
    expect(both.map((f) => f.slice(dirname(f).length + 1))).toEqual(['ecg.csv', 'hr.csv', 'events.csv']);
    expect(lines(both[2]).slice(1).map((r) => r.split(',')[2])).toContain('gap');
    expect(() => exportSessionCsv(library, sessionId, join(dir.path, 'bad'), undefined, {}, ['sim/ecg', 'sim/spo2'])).toThrow(
      `session ${sessionId} has no stream "sim/spo2" (its streams: sim/ecg, sim/ppg, sim/hr)`,
    );
    expect(() => exportSessionCsv(library, sessionId, join(dir.path, 'none'), undefined, {}, [])).toThrow(/no stream chosen/);
    library.close();
    expect(existsSync(join(dir.path, 'bad'))).toBe(false);
  });

  it('EDF+: only the chosen streams\' signals', () => {
    const library = new Library(dbPath, { readonly: true });
    const file = exportSessionEdf(library, sessionId, join(dir.path, 'ppg.edf'), 'edf', undefined, { from: 0, to: 30 }, ['sim/ppg']);
    const edf = readEdf(readFileSync(file));
    expect(edf.signals.map((s) => s.label)).toEqual(['ppg red', 'ppg ir']);
    // Only the PPG, which lost nothing: continuous.
    expect(edf.header.reserved).toBe('EDF+C');
    expect(edf.annotations.map((a) => a.text)).toEqual(['marker: stand up']);
    expect(() => exportSessionEdf(library, sessionId, join(dir.path, 'x.edf'), 'edf', undefined, {}, ['ecg'])).toThrow(`session ${sessionId} has no stream "ecg"`);
    library.close();
  });

  it('the engine: exportSession({format, range, streams}) in its own folder; an unknown stream is refused before a job starts', async () => {
    const engine = await createEngine({ dbPath });
    try {
      const job = await ended(engine, await engine.exportSession(sessionId, { format: 'csv', range: { from: 10, to: 20 }, streams: ['sim/hr'] }));
      expect(job.title).toBe(`CSV export of session ${sessionId} (10 to 20 s, 1 of 3 streams)`);
      expect(job.output!.dir).toBe(join(dir.path, 'exports', `session-${sessionId}-10-20s-hr-csv`));
      expect(readdirSync(job.output!.dir!).sort()).toEqual(['events.csv', 'hr.csv']);
      expect(lines(join(job.output!.dir!, 'hr.csv'))).toHaveLength(1 + 10);
      await expect(engine.exportSession(sessionId, { format: 'edf', streams: ['sim/nope'] })).rejects.toThrow(`session ${sessionId} has no stream "sim/nope"`);
      expect((await engine.getStatus()).jobs.filter((j) => j.kind === 'export-edf')).toEqual([]);
    } finally {
      await engine.close();
    }
    expect(parseCommand('exportSession', [1, { format: 'bdf', streams: ['sim/ecg'] }]).args).toEqual([1, { format: 'bdf', streams: ['sim/ecg'] }]);
    expect(() => parseCommand('exportSession', [1, { format: 'gdf' }])).toThrow(/bad arguments for exportSession/);
    expect(() => parseCommand('exportSession', [1, { format: 'csv', streams: [] }])).toThrow(/bad arguments for exportSession/);
  });

  it('CLI: export --streams KEY,KEY; an unknown key exits 1 naming it, an empty one 2', async () => {
    const out = join(dir.path, 'cli-csv');
    const done = await cli('export', String(sessionId), '--format', 'csv', '--out', out, '--streams', 'sim/ecg,sim/hr');
    expect(done.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['ecg.csv', 'events.csv', 'hr.csv']);
    const unknown = await cli('export', String(sessionId), '--format', 'bdf', '--out', join(dir.path, 'u.bdf'), '--streams', 'sim/ecg,spo2');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`session ${sessionId} has no stream "spo2" (its streams: sim/ecg, sim/ppg, sim/hr)`);
    expect(existsSync(join(dir.path, 'u.bdf'))).toBe(false);
    const empty = await cli('export', String(sessionId), '--out', join(dir.path, 'e'), '--streams', 'sim/ecg,');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--streams "sim/ecg,": a comma-separated list of stream keys');
    const help = await cli('--help');
    expect(help.stdout).toMatch(/csv +\(--out DIR\) one CSV per stream/);
    expect(help.stdout).toMatch(/edf +\(--out FILE\) one 16-bit EDF\+ file/);
  });
});

describe('importing uploaded files', () => {
  const data = findSharedData(['ecg/mitdb/100.hea', 'ecg/mitdb/100.dat', 'ecg/mitdb/100.atr']);

  async function upload(engine: Engine, file: string): Promise<string> {
    const bytes = readFileSync(file);
    const id = `up-${file.split('/').pop()!.replace('.', '-')}`;
    for (let offset = 0; offset === 0 || offset < bytes.length; offset += UPLOAD_PART_BYTES) {
      await engine.uploadImportPart(id, offset, bytes.subarray(offset, offset + UPLOAD_PART_BYTES).toString('base64'));
    }
    return id;
  }

  it.skipIf(!data)('a WFDB record\'s three files go into one imports folder and its .hea is imported as a session; a file it cannot read fails alone', async () => {
    const engine = await createEngine({ dbPath });
    try {
      const files = ['100.hea', '100.dat', '100.atr'].map((f) => join(data!, 'ecg/mitdb', f));
      const uploads = await Promise.all(files.map((f) => upload(engine, f)));
      const notes = 'notes-txt';
      await engine.uploadImportPart(notes, 0, Buffer.from('not a recording').toString('base64'));
      const results = await engine.importUploads([
        ...uploads.map((uploadId, i) => ({ uploadId, fileName: files[i].split('/').pop()! })),
        { uploadId: notes, fileName: 'notes.txt' },
      ]);
      expect(results.map((r) => [r.fileName, r.partOf ?? null, !!r.job])).toEqual([
        ['100.hea', null, true],
        ['100.dat', '100.hea', false],
        ['100.atr', '100.hea', false],
        ['notes.txt', null, true],
      ]);
      const folder = dirname(results[0].path);
      expect(dirname(folder)).toBe(join(dir.path, 'imports'));
      expect(readdirSync(folder).sort()).toEqual(['100.atr', '100.dat', '100.hea', 'notes.txt']);
      expect(readFileSync(join(folder, '100.dat')).equals(readFileSync(files[1]))).toBe(true);
      const record = await ended(engine, results[0].job!);
      expect(record.state).toBe('done');
      const [id] = record.output!.sessionIds!;
      expect((await engine.getSessionDetail(id)).streams[0].channels.map((c) => c.label)).toContain('MLII');
      const bad = await ended(engine, results[3].job!);
      expect(bad.state).toBe('failed');
      expect(bad.error).toContain('notes.txt');
      // The parts are gone once taken; an upload never sent is named.
      await expect(engine.importUploads([{ uploadId: uploads[0], fileName: '100.hea' }])).rejects.toThrow(`no session file upload ${uploads[0]}: send its file first`);
      await expect(engine.uploadImportPart('gap', 5, 'AAAA')).rejects.toThrow('session file upload gap: a part at byte 5, but 0 bytes have arrived');
    } finally {
      await engine.close();
    }
    expect(() => parseCommand('importUploads', [[{ uploadId: 'a', fileName: '../100.hea' }]])).toThrow(/bad arguments for importUploads/);
    expect(() => parseCommand('importUploads', [[]])).toThrow(/bad arguments for importUploads/);
  });
});
