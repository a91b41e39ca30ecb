import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRecordingFile } from '../../src/main/analysis/offline/import-record';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { readEdf } from '../../src/main/formats/edf';
import { annotationMnemonic, parseMitAnnotations, parseWfdbHeader } from '../../src/main/formats/wfdb';
import { JobRunner } from '../../src/main/jobs';
import { currentBeats, detectedBeats, editBeats, exportSessionCsv, exportSessionEdf, exportSessionWfdb, Library, sessionDetail } from '../../src/main/storage';
import { cliOn } from '../helpers/cli';
import { findSharedData } from '../helpers/shared-data';
import { REVIEW_START, writeReviewSession } from '../helpers/review-session';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('wfdb-io');
const dbPath = join(dir.path, 'library.db');
let sessionId: number;
beforeAll(() => {
  const library = new Library(dbPath);
  sessionId = writeReviewSession(library).sessionId;
  library.addLabel(sessionId, null, REVIEW_START + 20, 12.5, 'walking');
  // A class on the third beat, and the fifth rejected: the export writes the current set.
  const beats = currentBeats(library, sessionId, 'sim/ecg').t;
  editBeats(library, sessionId, 'sim/ecg', [{ op: 'classify', t: beats[2], class: 'V' }, { op: 'reject', t: beats[4] }]);
  library.close();
});
afterAll(() => dir.cleanup());

/** Each stored sample of `key` against `read` (indexed from the stream's first sample), the worst difference per channel. */
function worstDifference(library: Library, id: number, key: string, read: (channel: number, index: number) => number): number[] {
  const stream = library.session(id)!.streams.find((s) => s.key === key)!;
  const worst = stream.channels.map(() => 0);
  for (const chunk of library.chunks(stream.id)) {
    for (let c = 0; c < stream.channels.length; c++) for (let i = 0; i < chunk.n; i++) worst[c] = Math.max(worst[c], Math.abs(read(c, chunk.index + i) - chunk.data[c * chunk.n + i]));
  }
  return worst;
}

/** A stream's samples per channel by index, lost ones NaN. */
function samplesOf(library: Library, id: number, key: string): Float32Array[] {
  const stream = library.session(id)!.streams.find((s) => s.key === key)!;
  const chunks = [...library.chunks(stream.id)];
  const length = Math.max(...chunks.map((c) => c.index + c.n));
  const out = stream.channels.map(() => new Float32Array(length).fill(NaN));
  for (const c of chunks) out.forEach((o, k) => o.set(c.data.subarray(k * c.n, (k + 1) * c.n), c.index));
  return out;
}

describe('WFDB export', () => {
  it('a job writes a record per rate whose samples match within one step, lost samples invalid, beats with classes in .atr and events as NOTEs', async () => {
    const runner = new JobRunner({ dbPath });
    const out = join(dir.path, 'wfdb');
    const job = await runner.wait(runner.start({ kind: 'export-wfdb', title: 'WFDB export', sessionId, params: { sessionId, dir: out } }).id);
    expect(job.state, job.error).toBe('done');
    expect(readdirSync(out).sort()).toEqual(['session_1_100hz.dat', 'session_1_100hz.events', 'session_1_100hz.hea', 'session_1_1hz.dat', 'session_1_1hz.events', 'session_1_1hz.hea', 'session_1_250hz.atr', 'session_1_250hz.dat', 'session_1_250hz.events', 'session_1_250hz.hea']);
    const library = new Library(dbPath, { readonly: true });
    try {
      for (const [record, key] of [['session_1_250hz', 'sim/ecg'], ['session_1_100hz', 'sim/ppg'], ['session_1_1hz', 'sim/hr']] as const) {
        const hea = join(out, `${record}.hea`);
        const header = parseWfdbHeader(readFileSync(hea, 'latin1'));
        const rec = readWfdbRecord(hea);
        // Float32 values of a computed signal: the finest 16-bit scale; one ADC step is 1 / gain.
        expect(header.signals.every((s) => s.format === 16)).toBe(true);
        const worst = worstDifference(library, sessionId, key, (c, i) => rec.signals[c].data[i]);
        worst.forEach((w, c) => expect(w, `${record} ${c}`).toBeLessThanOrEqual(0.5 / header.signals[c].gain + 1e-6));
      }
      // The lost ECG second reads as missing, never as values.
      const ecg = readWfdbRecord(join(out, 'session_1_250hz.hea')).signals[0];
      expect(Array.from(ecg.data.subarray(60 * 250, 61 * 250)).every(Number.isNaN)).toBe(true);
      expect(Array.from(ecg.data.subarray(59 * 250, 60 * 250)).some(Number.isNaN)).toBe(false);
      expect(readFileSync(join(out, 'session_1_250hz.hea'), 'latin1')).toContain('lost samples hold the invalid value -32768');

      const beats = currentBeats(library, sessionId, 'sim/ecg');
      const atr = parseMitAnnotations(readFileSync(join(out, 'session_1_250hz.atr')));
      const kept = beats.t.filter((_, i) => !beats.rejected[i]);
      expect(atr.samples).toEqual(kept.map((t) => Math.round(t * 250)));
      expect(atr.codes.map(annotationMnemonic).slice(0, 5)).toEqual(['N', 'N', 'V', 'N', 'N']);
      const notes = parseMitAnnotations(readFileSync(join(out, 'session_1_250hz.events')));
      expect(notes.aux).toContain('marker: stand up');
      expect(notes.aux).toContain('label: walking [12.5 s]');
      expect(notes.aux).toContain('gap ecg: 5 packets lost (250 samples) [1 s]');
      expect(notes.samples[notes.aux.indexOf('label: walking [12.5 s]')]).toBe(20 * 250);
    } finally {
      library.close();
    }
  });

  it('keeps a quantised source\'s resolution in format 212, honours the streams filter and the range, and re-imports within one step', () => {
    const library = new Library(join(dir.path, 'quantised.db'));
    try {
      const id = library.createSession('adc counts', 'P-Q', REVIEW_START);
      const ecg = library.addStream(id, null, { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate: 360, channels: [{ label: 'MLII', unit: 'mV' }] });
      library.addStream(id, null, { key: 'b/temp', deviceId: 'b', name: 'temp', kind: 'temp', rate: 360, channels: [{ label: 'skin', unit: 'degC' }] });
      const n = 3600;
      const data = Float32Array.from({ length: n }, (_, i) => (Math.round(400 * Math.sin(i / 20)) - 17) / 200);
      library.write(id, [{ streamId: ecg, chunk: { key: 'b/ecg', index: 0, t0: REVIEW_START, dt: 1 / 360, n, data } }], []);
      library.endSession(id, REVIEW_START + 10);
      const out = join(dir.path, 'quantised');
      const files = exportSessionWfdb(library, id, out, undefined, { from: 2, to: 8 }, ['b/ecg']);
      expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['session_1.atr', 'session_1.dat', 'session_1.hea']);
      const header = parseWfdbHeader(readFileSync(join(out, 'session_1.hea'), 'latin1'));
      expect(header.signals.map((s) => [s.format, s.gain, s.units, s.description])).toEqual([[212, 200, 'mV', 'ecg MLII']]);
      const rec = readWfdbRecord(join(out, 'session_1.hea'));
      expect(rec.signals[0].data.length).toBe(6 * 360);
      // One ADC unit per step of the source: every sample exact (as Float32).
      expect(Array.from(rec.signals[0].data)).toEqual(Array.from(data.subarray(720, 2880)));
      expect(() => exportSessionWfdb(library, id, join(dir.path, 'none'), undefined, {}, ['b/nope'])).toThrow('session 1 has no stream "b/nope" (its streams: b/ecg, b/temp)');
      expect(existsSync(join(dir.path, 'none'))).toBe(false);

      const back = importRecordingFile(library, join(out, 'session_1.hea'));
      const detail = sessionDetail(library, back);
      expect(detail.streams.map((s) => [s.kind, s.rate, s.samples])).toEqual([['ecg', 360, 2160]]);
      const stored = library.chunks(library.session(back)!.streams[0].id);
      const got = new Float32Array(2160);
      for (const c of stored) got.set(c.data, c.index);
      expect(Array.from(got)).toEqual(Array.from(data.subarray(720, 2880)));
    } finally {
      library.close();
    }
  });

  it('our WFDB, EDF+ and CSV exports re-import as sessions: samples within one step, the gap a gap, beats and events kept', () => {
    const library = new Library(dbPath);
    try {
      const out = join(dir.path, 'reimport');
      const wfdbFiles = exportSessionWfdb(library, sessionId, join(out, 'wfdb'));
      const fromWfdb = importRecordingFile(library, wfdbFiles.find((f) => f.endsWith('_250hz.hea'))!);
      const w = sessionDetail(library, fromWfdb);
      expect(w.events.filter((e) => e.kind === 'gap').map((e) => [e.t, e.duration])).toEqual([[60, 1]]);
      expect(w.events.find((e) => e.kind === 'label')).toMatchObject({ t: 20, duration: 12.5, text: 'walking' });
      const source = currentBeats(library, sessionId, 'sim/ecg');
      const reference = currentBeats(library, fromWfdb, 'ecg');
      expect(reference.set).toBe('corrected');
      expect(reference.t).toHaveLength(source.t.length - 1);
      expect(reference.classes![2]).toBe('V');

      const edf = exportSessionEdf(library, sessionId, join(out, 'session.edf'), 'edf');
      const fromEdf = importRecordingFile(library, edf, { participant: 'P-EDF' });
      const e = sessionDetail(library, fromEdf);
      expect(e).toMatchObject({ participant: 'P-EDF', status: 'complete' });
      expect(e.streams.map((s) => [s.key, s.kind, s.rate, s.channels.map((c) => c.label)])).toEqual([
        ['sim/ecg', 'ecg', 250, ['Lead I']],
        ['sim/ppg', 'ppg', 100, ['red', 'ir']],
        ['sim/hr', 'ecg', 1, ['HR']],
      ]);
      expect(e.events.filter((x) => x.kind === 'gap' && x.key === 'sim/ecg').map((x) => [x.t, x.duration])).toEqual([[60, 1]]);
      expect(e.events.filter((x) => x.kind === 'marker').map((x) => [x.t, x.text])).toEqual([[10, 'stand up']]);
      expect(e.events.find((x) => x.kind === 'label')).toMatchObject({ t: 20, duration: 12.5, text: 'walking' });
      const file = readEdf(readFileSync(edf));
      const startShift = Math.round((library.session(fromEdf)!.startedAt - REVIEW_START) * 250);
      expect(startShift).toBe(0);
      for (const key of ['sim/ecg', 'sim/ppg']) {
        const signals = file.signals.filter((s) => s.transducer.endsWith(`(${key})`));
        const source = samplesOf(library, sessionId, key);
        const worst = worstDifference(library, fromEdf, key, (c, i) => source[c][i]);
        // Within one step of the file's 16-bit scale (and Float32 storage).
        worst.forEach((v, c) => expect(v, `${key} ${c}`).toBeLessThanOrEqual((signals[c].physicalMax - signals[c].physicalMin) / 65535));
      }

      const csvDir = join(out, 'csv');
      exportSessionCsv(library, sessionId, csvDir);
      const fromCsv = importRecordingFile(library, csvDir);
      const c = sessionDetail(library, fromCsv);
      expect(c.streams.map((s) => [s.key, s.kind, s.rate, s.samples])).toEqual([
        ['ecg', 'ecg', 250, 119 * 250],
        ['hr', 'other', 1, 119],
        ['ppg', 'ppg', 100, 120 * 100],
      ]);
      expect(c.events.filter((x) => x.kind === 'gap').map((x) => [x.key, x.t, x.duration])).toEqual([
        ['ecg', 60, 1],
        ['hr', 60, 1],
      ]);
      // events.csv's beats are the stream's detected beats: the detector did not run.
      const detected = detectedBeats(library, sessionId, 'sim/ecg').t;
      const csvBeats = currentBeats(library, fromCsv, 'ecg');
      expect(csvBeats.set).toBe('detected');
      expect(csvBeats.t).toHaveLength(detected.length);
      expect(Math.max(...csvBeats.t.map((t, i) => Math.abs(t - detected[i])))).toBeLessThan(2e-6);
      expect(c.events.find((x) => x.kind === 'label')).toMatchObject({ t: 20, duration: 12.5, text: 'walking' });
      const one = importRecordingFile(library, join(csvDir, 'ppg.csv'));
      expect(sessionDetail(library, one).streams.map((s) => [s.key, s.channels])).toEqual([['ppg', [{ label: 'red', unit: 'au' }, { label: 'ir', unit: 'au' }]]]);
    } finally {
      library.close();
    }
  });
});

const data = findSharedData(['edf/edfReader_cran/edfPlusC.edf', 'edf/edfReader_cran/edfPlusD.edf', 'edf/edfReader_cran/bdfPlusC.bdf', 'edf/test_edfann.edf']);
describe.skipIf(!data)('EDF oracle files imported as sessions', () => {
  it('EDF+C, EDF+D (breaks between records as gaps) and BDF+C: samples, annotations as events, start time', () => {
    const library = new Library(join(dir.path, 'oracles.db'));
    try {
      const cran = join(data!, 'edf/edfReader_cran');
      for (const name of ['edfPlusC.edf', 'bdfPlusC.bdf']) {
        const file = join(cran, name);
        const edf = readEdf(readFileSync(file));
        const id = importRecordingFile(library, file);
        const detail = sessionDetail(library, id);
        expect(library.session(id)!.startedAt).toBe(edf.header.startMs / 1000);
        const channels = detail.streams.flatMap((s) => s.channels.map((c) => c.label));
        expect(channels.sort()).toEqual(edf.signals.map((s) => s.label.trim()).sort());
        for (const stream of detail.streams) {
          const worst = worstDifference(library, id, stream.key, (c, i) => edf.signals.find((s) => s.label.trim() === stream.channels[c].label)!.data[i]);
          // Float32 storage of the physical values.
          worst.forEach((w) => expect(w).toBeLessThanOrEqual(1e-4));
        }
        expect(detail.events.filter((e) => e.kind === 'marker' || e.kind === 'label').map((e) => [e.t, e.duration, e.text])).toEqual(edf.annotations.map((a) => [a.onset, a.duration ?? 0, a.text]));
        expect(detail.events.some((e) => e.kind === 'gap')).toBe(false);
      }
      const d = importRecordingFile(library, join(cran, 'edfPlusD.edf'));
      const detail = sessionDetail(library, d);
      const ecg = detail.streams.find((s) => s.kind === 'ecg')!;
      expect(ecg.samples).toBe(11 * 200);
      expect(detail.events.filter((e) => e.kind === 'gap' && e.key === ecg.key).map((e) => [e.t, e.duration])).toEqual([
        [1, 1],
        [3, 1],
        [10, 2],
        [13, 2],
        [16, 3],
      ]);
      const chunks = [...library.chunks(library.session(d)!.streams.find((s) => s.key === ecg.key)!.id)];
      expect(chunks.map((c) => c.index / 200)).toEqual([0, 2, 4, 12, 15, 19]);
    } finally {
      library.close();
    }
  });

  it('refuses bad files with one line naming the file and the field, importing nothing', () => {
    const library = new Library(join(dir.path, 'bad.db'));
    try {
      const good = readFileSync(join(data!, 'edf/edfReader_cran/edfPlusC.edf'));
      const bad = join(dir.path, 'bad');
      mkdirSync(bad);
      const write = (name: string, bytes: Uint8Array | string): string => {
        writeFileSync(join(bad, name), bytes);
        return join(bad, name);
      };
      expect(() => importRecordingFile(library, write('cut.edf', good.subarray(0, good.length - 100)))).toThrow(/^cut\.edf: truncated: header field "number of data records" says \d+ records of \d+ bytes, the file holds \d+ \(\d+ bytes\); nothing imported$/);
      expect(() => importRecordingFile(library, write('text.edf', 'hello, this is not EDF'.padEnd(300)))).toThrow('text.edf: not an EDF/BDF file: the version field is "hello, t", not "0" (EDF) or 0xFF "BIOSEMI" (BDF); nothing imported');
      const wrongCount = Buffer.from(good);
      wrongCount.write('7   ', 252, 'latin1');
      expect(() => importRecordingFile(library, write('count.edf', wrongCount))).toThrow(/^count\.edf: header field "number of bytes in header record" is \d+, but 7 signals make a 2048-byte header; nothing imported$/);
      expect(() => importRecordingFile(library, join(data!, 'edf/test_edfann.edf'))).toThrow('test_edfann.edf: the file has annotations only, no signal to review (1 annotation signal); nothing imported');
      expect(() => importRecordingFile(library, write('x.csv', 'a,b\n1,2\n3,4\n'))).toThrow('x.csv: column 1 is "a", not time_s: not a stream file of a Vitalscope CSV export; nothing imported');
      expect(() => importRecordingFile(library, write('back.csv', 'time_s,ecg [mV]\n0.000,1\n0.004,2\n0.002,3\n'))).toThrow('back.csv: time_s at row 4 is 0.002, not after 0.004; nothing imported');
      expect(() => importRecordingFile(library, write('notes.txt', 'x'))).toThrow('notes.txt: ".txt" is no recording format Vitalscope imports (.hea, .edf, .bdf, .rec, .csv or a CSV export folder); nothing imported');
      expect(library.sessions()).toEqual([]);
    } finally {
      library.close();
    }
  });
});

describe('vitalscope export --format wfdb and import FILE...', () => {
  it('exports to DIR, imports several files printing each id, a bad one is one line, the others still import, exit 1', { timeout: 60_000 }, async () => {
    const cli = cliOn(dbPath);
    const out = join(dir.path, 'cli-wfdb');
    const exported = await cli('export', String(sessionId), '--format', 'wfdb', '--out', out, '--from', '0', '--to', '30');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.trim().split('\n')).toContain(join(out, 'session_1_250hz.hea'));
    const bad = join(dir.path, 'cli-bad.edf');
    writeFileSync(bad, 'not an edf at all'.padEnd(300));
    const before = JSON.parse((await cli('sessions', '--json')).stdout).length;
    const imported = await cli('import', join(out, 'session_1_250hz.hea'), bad, join(out, 'session_1_100hz.hea'), '--participant', 'P9');
    expect(imported.code).toBe(1);
    expect(imported.stdout).toBe(`${before + 1}\n${before + 2}\n`);
    // Progress lines (one a second off a terminal) come when an import runs long, as under load.
    const progress = /^(importing|session \d+) [\w ]+: \d+% \(/;
    expect(imported.stderr.trim().split('\n').filter((line) => !progress.test(line))).toEqual([`vitalscope import: import of ${bad} failed: cli-bad.edf: not an EDF/BDF file: the version field is "not an e", not "0" (EDF) or 0xFF "BIOSEMI" (BDF); nothing imported`]);
    const usage = await cli('export', String(sessionId), '--format', 'wfdb');
    expect(usage).toMatchObject({ code: 2 });
    expect(usage.stderr).toContain('--out DIR is required');
  });
});
