import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../src/main/analysis/evaluation/evaluate-command';
import { detectPendingBeats, pendingBeatDetections } from '../../src/main/analysis/offline/detect-beats';
import { importedRecordSession, importRecordingFile } from '../../src/main/analysis/offline/import-record';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { annotationMnemonic, isBeatCode, parseMitAnnotations } from '../../src/main/formats/wfdb';
import { currentBeats, detectedBeats, editBeats, Library, sessionDetail } from '../../src/main/storage';
import { createEngine } from '../../src/main/engine';
import { cliOn } from '../helpers/cli';
import { jobEnded } from '../helpers/job-ended';
import { until } from '../helpers/until';
import { findSharedData } from '../helpers/shared-data';
import { tempDir } from '../helpers/temp-dir';

const MODEL = join(__dirname, '../../resources/models/pvc/pvc.onnx');
const dir = tempDir('wfdb-import');
afterAll(() => dir.cleanup());

const data = findSharedData(['ecg/mitdb/100s.hea', 'ecg/mitdb/100s.dat', 'ecg/mitdb/100s.atr']);
const source = data && join(data, 'ecg/mitdb');

/** A copy of record 100s in its own folder, `change` applied to its files' bytes. */
function copyRecord(name: string, change: Partial<Record<'hea' | 'dat' | 'atr', (b: Buffer) => Buffer | null>> = {}): string {
  const folder = join(dir.path, name);
  mkdirSync(folder);
  for (const ext of ['hea', 'dat', 'atr'] as const) {
    const bytes = readFileSync(join(source!, `100s.${ext}`));
    const out = change[ext] ? change[ext]!(bytes) : bytes;
    if (out) writeFileSync(join(folder, `100s.${ext}`), out);
  }
  return join(folder, '100s.hea');
}

describe.skipIf(!data)('a WFDB record imported as a session', () => {
  it('round-trips the samples and the annotations, with detected beats and the pyramid, and is remembered by path', () => {
    const library = new Library(join(dir.path, 'round.db'));
    try {
      const hea = join(source!, '100s.hea');
      const id = importRecordingFile(library, hea, { participant: 'P7' });
      const detail = sessionDetail(library, id);
      expect(detail).toMatchObject({ name: 'record 100s', participant: 'P7', status: 'complete' });
      expect(detail.streams.map((s) => [s.key, s.kind, s.rate, s.channels.map((c) => c.label), s.samples])).toEqual([['ecg', 'ecg', 360, ['MLII', 'V5'], 21600]]);
      expect(detail.duration).toBeCloseTo(60, 6);

      const rec = readWfdbRecord(hea);
      const stream = library.session(id)!.streams[0];
      const got = [new Float32Array(21600), new Float32Array(21600)];
      for (const c of library.chunks(stream.id)) for (let k = 0; k < 2; k++) got[k].set(c.data.subarray(k * c.n, (k + 1) * c.n), c.index);
      expect(got[0]).toEqual(rec.signals[0].data);
      expect(got[1]).toEqual(rec.signals[1].data);
      expect(library.hasPyramid(stream.id)).toBe(true);
      // Built as the chunks went in, it is the pyramid a rebuild from the stored chunks makes.
      const pyramidRows = () => library.db.prepare('SELECT level, first_index, t0, dt, n, samples, data FROM pyramid WHERE stream_id = ? ORDER BY level, first_index').all(stream.id);
      const built = pyramidRows();
      expect(built.length).toBeGreaterThan(3);
      library.db.prepare('UPDATE streams SET pyramid = 0 WHERE id = ?').run(stream.id);
      library.ensurePyramid(id);
      expect(pyramidRows()).toEqual(built);

      const ann = parseMitAnnotations(new Uint8Array(readFileSync(join(source!, '100s.atr'))));
      const beat = ann.codes.map(isBeatCode);
      const reference = currentBeats(library, id, 'ecg');
      expect(reference.set).toBe('corrected');
      expect(reference.t).toEqual(ann.samples.filter((_, k) => beat[k]).map((s) => s / 360));
      expect(reference.classes).toEqual(ann.codes.filter((_, k) => beat[k]).map(annotationMnemonic));
      expect(reference.classes!.filter((c) => c === 'A')).toHaveLength(1);
      // The detector's own beats follow the import as a step of their own, beside the reference: about one per reference beat.
      expect(detectedBeats(library, id, 'ecg').t).toEqual([]);
      expect(pendingBeatDetections(library)).toEqual([{ sessionId: id, key: 'ecg' }]);
      const detected = detectPendingBeats(library, id);
      expect(detectedBeats(library, id, 'ecg').t).toHaveLength(detected!);
      expect(Math.abs(detected! - reference.t.length)).toBeLessThanOrEqual(2);
      expect(pendingBeatDetections(library)).toEqual([]);
      expect(detectPendingBeats(library, id)).toBeNull();
      expect(detectedBeats(library, id, 'ecg').t).toHaveLength(detected!);
      expect(importedRecordSession(library, hea)).toBe(id);
      expect(importedRecordSession(library, join(dir.path, 'other.hea'))).toBeNull();
    } finally {
      library.close();
    }
  });

  it('through the engine, the session is listed once imported and its detected beats follow from a job of their own', { timeout: 30_000 }, async () => {
    const engine = await createEngine({ dbPath: join(dir.path, 'engine.db'), listPorts: async () => [] });
    try {
      const imported = await jobEnded(engine, (await engine.importSessionFile(copyRecord('engine', { atr: () => null }))).id);
      const [id] = imported.output!.sessionIds!;
      expect((await engine.listSessions()).map((s) => [s.id, s.status])).toEqual([[id, 'complete']]);
      const detect = await until('the beat detection job', async () => (await engine.getStatus()).jobs.find((j) => j.kind === 'detect-beats' && j.sessionId === id));
      expect((await jobEnded(engine, detect.id)).state).toBe('done');
      const beats = await engine.getBeats(id, 'ecg');
      expect(beats.set).toBe('detected');
      expect(beats.t.length).toBeGreaterThan(60);
    } finally {
      await engine.close();
    }
  });

  it('keeps a multi-segment record\'s null segment a gap: one gap event with its lost samples, no samples stored there', () => {
    const library = new Library(join(dir.path, 'multi.db'));
    try {
      copyRecord('multi', { atr: () => null });
      writeFileSync(join(dir.path, 'multi', 'multi.hea'), 'multi/3 2 360 46800\n100s 21600\n~ 3600\n100s 21600\n');
      const id = importRecordingFile(library, join(dir.path, 'multi', 'multi.hea'));
      const detail = sessionDetail(library, id);
      expect(detail.streams[0].samples).toBe(43200);
      expect(detail.events.filter((e) => e.kind === 'gap').map((e) => [e.t, e.duration, e.lost])).toEqual([[60, 10, 3600]]);
      const chunks = [...library.chunks(library.session(id)!.streams[0].id)];
      expect(chunks.some((c) => c.index < 25200 && c.index + c.n > 21600)).toBe(false);
    } finally {
      library.close();
    }
  });

  it('refuses a truncated, inconsistent or unreadable record with one line naming the file and field, importing nothing', () => {
    const library = new Library(join(dir.path, 'bad.db'));
    try {
      const truncated = copyRecord('truncated', { dat: (b) => b.subarray(0, 30000) });
      expect(() => importRecordingFile(library, truncated)).toThrow('100s.hea: signal 0 (MLII) in 100s.dat is truncated: 10000 of the 21600 samples the header declares; nothing imported');
      // The header declares 10 s, the annotations run to 60 s.
      const short = copyRecord('short', { hea: (b) => Buffer.from(b.toString('latin1').replace('100s 2 360 21600', '100s 2 360 3600'), 'latin1') });
      expect(() => importRecordingFile(library, short)).toThrow(/^100s\.atr: annotation \d+ \(N\) is at sample \d+, past the record's end \(3600 samples\); nothing imported$/);
      const cutAtr = copyRecord('cut-atr', { atr: (b) => b.subarray(0, 51) });
      expect(() => importRecordingFile(library, cutAtr)).toThrow(/^100s\.atr: annotation file is truncated: .* at byte 50 .*; nothing imported$/);
      const garbage = copyRecord('garbage', { hea: () => Buffer.from('this is not a header\n') });
      expect(() => importRecordingFile(library, garbage)).toThrow(/^100s\.hea: .*; nothing imported$/);
      expect(library.sessions()).toEqual([]);
    } finally {
      library.close();
    }
  });

  it('evaluate over the imported session equals evaluate over the .hea; a session without classes is refused', { timeout: 60_000 }, async () => {
    const library = new Library(join(dir.path, 'eval.db'));
    try {
      const hea = join(source!, '100s.hea');
      const id = importRecordingFile(library, hea);
      const bare = importRecordingFile(library, copyRecord('bare', { atr: () => null }));
      detectPendingBeats(library, bare);
      const fromFile = await evaluateModel(MODEL, [hea]);
      const fromSession = await evaluateModel(MODEL, [String(id)], { library });
      expect(fromSession.records[0].record).toBe(`session ${id}`);
      expect(fromSession.classes).toEqual(fromFile.classes);
      expect(fromSession.confusion).toEqual(fromFile.confusion);
      expect(fromSession.excluded).toEqual(fromFile.excluded);
      expect(fromSession.classes.N.n).toBeGreaterThan(60);
      // A label with "motion" in it over the first 20 s makes the motion slice: the reference beats in it.
      const session = library.session(id)!;
      library.addLabel(id, null, session.startedAt, 20, 'motion (walking)');
      library.addLabel(id, null, session.startedAt + 30, 10, 'bad contact');
      const withMotion = await evaluateModel(MODEL, [String(id)], { library });
      const reference = currentBeats(library, id, 'ecg');
      const inMotion = reference.t.filter((t, i) => t < 20 && reference.classes![i] === 'N').length;
      expect(withMotion.slices.find((x) => x.band === 'in a labelled motion stretch')!.classes.N.n).toBe(inMotion);
      expect(inMotion).toBeGreaterThan(20);
      await expect(evaluateModel(MODEL, [String(bare)], { library })).rejects.toThrow(`session ${bare} has no beat classes: set them in review or import a WFDB record with annotations`);
      // A class set in review makes it a reference.
      const t = detectedBeats(library, bare, 'ecg').t[3];
      editBeats(library, bare, 'ecg', [{ op: 'classify', t, class: 'V' }]);
      const one = await evaluateModel(MODEL, [String(bare)], { library });
      expect(one.classes.V.n).toBe(1);
      // The model calls that normal beat N: a false negative, at the beat's time in the session (what the review opens).
      expect(one.worst).toHaveLength(1);
      expect(one.worst[0]).toMatchObject({ error: 'false negative', session: bare, reference: 'V', predicted: 'N' });
      expect(one.worst[0].t).toBeCloseTo(t, 2);
    } finally {
      library.close();
    }
  });

  it('vitalscope import REC.hea prints the new id; a bad record is one line, exit 1, nothing imported; beats --class and evaluate take the session', { timeout: 30_000 }, async () => {
    const cli = cliOn(join(dir.path, 'cli.db'));
    const ok = await cli('import', join(source!, '100s.hea'), '--participant', 'P1');
    expect(ok).toMatchObject({ code: 0, stdout: '1\n' });
    // The CLI detects the beats after printing the id; --no-detect leaves them to the app's next start.
    const later = await cli('import', copyRecord('cli-no-detect', { atr: () => null }), '--no-detect');
    expect(later).toMatchObject({ code: 0, stdout: '2\n' });
    const library = new Library(join(dir.path, 'cli.db'), { readonly: true });
    try {
      expect(detectedBeats(library, 1, 'ecg').t.length).toBeGreaterThan(60);
      expect(pendingBeatDetections(library)).toEqual([{ sessionId: 2, key: 'ecg' }]);
    } finally {
      library.close();
    }
    const bad = copyRecord('cli-truncated', { dat: (b) => b.subarray(0, 30000) });
    const refused = await cli('import', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([`vitalscope import: import of ${bad} failed: 100s.hea: signal 0 (MLII) in 100s.dat is truncated: 10000 of the 21600 samples the header declares; nothing imported`]);
    // The imported beats take a class from the CLI too, and the session is an evaluate input.
    const classed = await cli('beats', '1', '--stream', 'ecg', '--class', '1.0278:V', '--json');
    expect(JSON.parse(classed.stdout).classes.slice(0, 3)).toEqual(['N', 'V', 'N']);
    const wrong = await cli('beats', '1', '--stream', 'ecg', '--class', '1.0278:Z');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('class Z at 1.028 s: "Z" is not a beat class');
    const evaluated = await cli('evaluate', MODEL, '1', '--json');
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).records.map((r: { record: string }) => r.record)).toEqual(['session 1']);
    const list = await cli('sessions', '--json');
    expect(JSON.parse(list.stdout).map((s: { id: number; participant: string }) => [s.id, s.participant])).toEqual([[2, ''], [1, 'P1']]);
    const usage = await cli('import', join(dir.path, 'x.db'), '--participant', 'P');
    expect(usage.code).toBe(2);
  });
});
