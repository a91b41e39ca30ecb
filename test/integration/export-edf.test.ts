import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEdf } from '../../src/main/formats/edf';
import { JobRunner } from '../../src/main/jobs';
import { Library, exportSessionEdf } from '../../src/main/storage';
import { cliOn } from '../helpers/cli';
import { REVIEW_START, writeReviewSession } from '../helpers/review-session';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('export-edf');
const dbPath = join(dir.path, 'library.db');
const cli = cliOn(dbPath);
let sessionId: number;
/** 40 markers in one second at 30 s: more than one annotation signal of a record holds. */
const DENSE = Array.from({ length: 40 }, (_, i) => ({ t: REVIEW_START + 30 + i / 40, text: `tap ${i}` }));

beforeAll(() => {
  const library = new Library(dbPath);
  sessionId = writeReviewSession(library).sessionId;
  library.write(
    sessionId,
    [],
    [
      ...DENSE.map((m) => ({ streamId: null, event: { kind: 'marker' as const, t: m.t, duration: 0, text: m.text } })),
      { streamId: null, event: { kind: 'label' as const, t: REVIEW_START + 20, duration: 12.5, text: 'walking' } },
    ],
  );
  library.close();
});
afterAll(() => dir.cleanup());

describe('EDF+/BDF+ export of a recorded session with a lost second', () => {
  for (const format of ['edf', 'bdf'] as const) {
    it(`${format}: a job in a worker writes EDF+D whose samples match the library within one step`, async () => {
      const runner = new JobRunner({ dbPath });
      const file = join(dir.path, `session.${format}`);
      const job = await runner.wait(runner.start({ kind: 'export-edf', title: 'EDF export', sessionId, params: { sessionId, file, format } }).id);
      expect(job.state).toBe('done');
      expect(job.progress.fraction).toBe(1);
      expect(job.output!.files).toEqual([file]);
      const bytes = readFileSync(file);
      const edf = readEdf(bytes);
      expect(edf.header.reserved).toBe(`${format.toUpperCase()}+D`);
      expect(edf.header.patient).toBe('P-REV X X X');
      expect(edf.signals.map((s) => [s.label, s.rate])).toEqual([
        ['ecg Lead I', 250],
        ['ppg red', 100],
        ['ppg ir', 100],
        ['hr HR', 1],
      ]);
      const recordBytes = (bytes.length - edf.header.headerBytes) / edf.header.records;
      expect(recordBytes).toBeLessThanOrEqual(61440);
      expect(edf.header.signals.filter((s) => s.annotations).length).toBeGreaterThan(1);

      const library = new Library(dbPath, { readonly: true });
      const session = library.session(sessionId)!;
      for (const [s, stream] of session.streams.entries()) {
        const signals = edf.signals.filter((x) => x.transducer.endsWith(`(${stream.key})`));
        for (const [c, signal] of signals.entries()) {
          const step = (signal.physicalMax - signal.physicalMin) / (signal.digitalMax - signal.digitalMin);
          let worst = 0;
          for (const chunk of library.chunks(stream.id)) {
            for (let i = 0; i < chunk.n; i++) worst = Math.max(worst, Math.abs(signal.data[chunk.index + i] - chunk.data[c * chunk.n + i]));
          }
          expect(worst, `${stream.name} ${s}`).toBeLessThanOrEqual(step / 2 + 1e-6);
        }
      }
      library.close();
      // The lost ECG second holds "no value" (the digital minimum), never made-up samples.
      const ecg = edf.signals[0];
      const noValue = (v: number): boolean => Math.abs(v - ecg.physicalMin) < 1e-9 * (ecg.physicalMax - ecg.physicalMin);
      expect(Array.from(ecg.data.subarray(60 * 250, 61 * 250)).every(noValue)).toBe(true);
      expect(Array.from(ecg.data.subarray(59 * 250, 60 * 250)).some(noValue)).toBe(false);

      const texts = edf.annotations.map((a) => a.text);
      for (const m of DENSE) expect(texts).toContain(`marker: ${m.text}`);
      expect(edf.annotations).toContainEqual({ onset: 60, duration: 1, text: 'gap ecg: 5 packets lost (250 samples)' });
      expect(edf.annotations).toContainEqual({ onset: 20, duration: 12.5, text: 'label: walking' });
      expect(edf.annotations).toContainEqual({ onset: 10, duration: null, text: 'marker: stand up' });
      expect(texts.filter((t) => t.startsWith('beat')).length).toBe(0);
    });
  }

  it('starts a new block of records where every stream resumes after a silence (EDF+D record starts)', () => {
    const library = new Library(join(dir.path, 'silence.db'));
    const id = library.createSession('silence', 'P 1', REVIEW_START);
    const stream = library.addStream(id, null, { key: 'sim/ecg', deviceId: 'sim', name: 'ecg', kind: 'ecg', rate: 250, channels: [{ label: 'I', unit: 'uV' }] });
    // 0-10 s, then nothing until 13.3 s, then 13.3-20 s.
    const chunk = (index: number, t0: number): Parameters<Library['write']>[1][number] => ({
      streamId: stream,
      chunk: { key: 'sim/ecg', index, t0, dt: 1 / 250, n: 250, data: Float32Array.from({ length: 250 }, (_, i) => Math.sin(index + i)) },
    });
    const chunks = [...Array.from({ length: 10 }, (_, s) => chunk(s * 250, REVIEW_START + s)), ...Array.from({ length: 7 }, (_, s) => chunk((13 + s) * 250 + 75, REVIEW_START + 13.3 + s))];
    library.write(id, chunks, []);
    library.endSession(id, REVIEW_START + 20.3);
    const file = exportSessionEdf(library, id, join(dir.path, 'silence.edf'), 'edf');
    library.close();
    const edf = readEdf(readFileSync(file));
    expect(edf.header.reserved).toBe('EDF+D');
    expect(edf.header.patient).toBe('P_1 X X X');
    expect(Array.from(edf.recordStarts).map((t) => Number(t.toFixed(6)))).toEqual([...Array.from({ length: 10 }, (_, s) => s), ...Array.from({ length: 7 }, (_, s) => 13.3 + s)]);
    expect(edf.signals[0].data[10 * 250]).toBeCloseTo(Math.sin(13 * 250 + 75), 3);
  });

  it('a range writes only its seconds; a failure leaves no file behind', () => {
    const library = new Library(dbPath, { readonly: true });
    const file = exportSessionEdf(library, sessionId, join(dir.path, 'range.edf'), 'edf', undefined, { from: 30, to: 40 });
    const edf = readEdf(readFileSync(file));
    expect(edf.header.records).toBe(10);
    expect(edf.annotations.filter((a) => a.text.startsWith('marker: tap')).length).toBe(40);
    // Cancelled while the records are written (the second pass, past half of the progress).
    let partialSeen = false;
    const cancel = (p: { samplesDone: number; samplesTotal: number }): void => {
      if (p.samplesDone <= 0.75 * p.samplesTotal) return;
      partialSeen ||= existsSync(join(dir.path, 'cancelled.edf.partial'));
      throw new Error('cancelled');
    };
    expect(() => exportSessionEdf(library, sessionId, join(dir.path, 'cancelled.edf'), 'edf', cancel)).toThrow('cancelled');
    expect(partialSeen).toBe(true);
    library.close();
    expect(readdirSync(dir.path).filter((f) => f.startsWith('cancelled'))).toEqual([]);
  });

  it('CLI: export --format edf|bdf writes the file and prints it; bad formats and ranges exit 2', async () => {
    const out = join(dir.path, 'cli.bdf');
    const done = await cli('export', String(sessionId), '--format', 'bdf', '--out', out, '--from', '0', '--to', '30');
    expect(done.code).toBe(0);
    expect(done.stdout).toBe(`${out}\n`);
    expect(readEdf(readFileSync(out)).header.records).toBe(30);
    const bad = await cli('export', String(sessionId), '--format', 'gdf', '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format "gdf" is not supported; supported: csv, edf, bdf, wfdb, parquet, sqlite');
    const none = await cli('export', '999', '--format', 'edf', '--out', join(dir.path, 'none.edf'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no session 999');
    expect(none.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(dir.path, 'none.edf'))).toBe(false);
  });
});
