/**
 * A recording file imported as a finished session that reviews like a recorded one: a WFDB record
 * (.hea), an EDF/EDF+/BDF/BDF+ file (.edf, .bdf, .rec), or our CSV export (its folder, or one
 * stream .csv), read by the reader for its extension. Its streams are stored chunked as the
 * recorder stores them, lost stretches as gap events (never samples), with the min/max pyramid;
 * the file's own beats as the first ECG stream's detected beats, else that stream is marked for
 * the detector (detect-beats.ts, run after the import); reference beats (a WFDB .atr) as its
 * corrected set with classes. Everything is read and checked before the session is made, and it
 * is written in one transaction: a failure or a cancel part-way leaves nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Chunk, SessionEvent } from '../../../shared/types';
import { writeCorrectedBeats } from '../../storage/corrected-beats';
import type { Library } from '../../storage/library';
import { PyramidBuilder } from '../../storage/pyramid';
import { forEachRun } from './analyze';
import { beatsPending } from './detect-beats';
import type { Recording, RecordingEvent, RecordingStream } from './recording';
import { readCsvRecording } from './recording-csv';
import { readEdfRecording } from './recording-edf';
import { readWfdbRecording } from './recording-wfdb';

/** Samples per stored chunk: ~11 s of MIT-BIH, a few hundred rows for half an hour. */
const CHUNK_SAMPLES = 4096;

export interface ImportProgress {
  stage: string;
  done: number;
  total: number;
}

export interface ImportRecordOptions {
  participant?: string;
  /** Called per chunk written; it may throw to cancel (the session is then removed). */
  onProgress?(p: ImportProgress): void;
}

const READERS: { test: (file: string) => boolean; read: (file: string) => Recording }[] = [
  { test: (f) => /\.hea$/i.test(f), read: readWfdbRecording },
  { test: (f) => /\.(edf|bdf|rec)$/i.test(f), read: readEdfRecording },
  { test: (f) => /\.csv$/i.test(f) || (existsSync(f) && statSync(f).isDirectory()), read: readCsvRecording },
];

/** Whether `file` is a recording this module imports (else it may be a library file). */
export function isRecordingFile(file: string): boolean {
  return READERS.some((r) => r.test(file));
}

/** The session an earlier import made of the file at `file` (its absolute path), or null. */
export function importedRecordSession(library: Library, file: string): number | null {
  const row = library.db.prepare("SELECT id FROM sessions WHERE EXISTS (SELECT 1 FROM json_each(meta, '$.source') WHERE value = ?) ORDER BY id DESC LIMIT 1").get(resolve(file)) as { id: number } | undefined;
  return row?.id ?? null;
}

/**
 * Imports the recording at `file` as a new session, its beats left to `detectPendingBeats`;
 * returns its id. Throws one line naming the file and what is wrong, having kept nothing.
 */
export function importRecordingFile(library: Library, file: string, options: ImportRecordOptions = {}): number {
  return storeRecording(library, readRecordingFile(file), options);
}

/** The recording at `file`, read whole by the reader for its extension and checked. */
export function readRecordingFile(file: string): Recording {
  const path = resolve(file);
  const reader = READERS.find((r) => r.test(path));
  if (!reader) throw new Error(`${basename(path)}: "${extname(path)}" is no recording format Vitalscope imports (.hea, .edf, .bdf, .rec, .csv or a CSV export folder); nothing imported`);
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  return reader.read(path);
}

/**
 * Writes a recording read whole as a finished session, in one transaction (a failure or a cancel
 * part-way leaves nothing): samples in chunks, each stream's pyramid built as its chunks go in,
 * gaps, events and reference beats. The detector's beats are left to `detectPendingBeats` (a job
 * of its own), so the session reviews at once.
 */
export function storeRecording(library: Library, rec: Recording, options: ImportRecordOptions = {}): number {
  const ecg = rec.streams.find((s) => s.kind === 'ecg' && !s.derivedFrom);
  const startedAt = rec.startedAt;
  const total = rec.streams.reduce((n, s) => n + s.segments.reduce((m, g) => m + g.data[0].length, 0), 0);
  return library.db.transaction((): number => {
    const sessionId = library.createSession(rec.name, options.participant ?? '', startedAt);
    const meta = { source: { [rec.format]: rec.path }, ...(ecg && !ecg.beats ? beatsPending(ecg.key) : {}) };
    library.db.prepare('UPDATE sessions SET meta = ? WHERE id = ?').run(JSON.stringify(meta), sessionId);
    let done = 0;
    let end = startedAt;
    const ids = new Map<string, number>();
    for (const s of rec.streams) {
      const streamId = library.addStream(sessionId, null, { key: s.key, deviceId: '', name: s.name, kind: s.kind, rate: s.fs, channels: s.channels, ...(s.derivedFrom ? { derivedFrom: s.derivedFrom } : {}) });
      ids.set(s.name, streamId);
      const pyramid = new PyramidBuilder(s.channels.length);
      const chunks: { streamId: number; chunk: Chunk }[] = [];
      const events: { streamId: number; event: SessionEvent }[] = [];
      let next = s.segments[0]?.at ?? 0;
      for (const g of s.segments) {
        if (g.at > next) events.push({ streamId, event: gapEvent(s, next, g.at, startedAt) });
        const length = g.data[0].length;
        next = g.at + length;
        end = Math.max(end, startedAt + next / s.fs);
        forEachRun(
          g.data[0],
          0,
          length,
          (start, stop) => {
            for (let i0 = start; i0 < stop; i0 += CHUNK_SAMPLES) {
              const i1 = Math.min(stop, i0 + CHUNK_SAMPLES);
              const chunk = chunkOf(s, g, i0, i1, startedAt);
              chunks.push({ streamId, chunk });
              pyramid.add(chunk);
              done += i1 - i0;
              options.onProgress?.({ stage: `${s.key} samples`, done, total });
            }
          },
          (start, stop) => events.push({ streamId, event: gapEvent(s, g.at + start, g.at + stop, startedAt) }),
        );
      }
      pyramid.end();
      for (const t of s.beats ?? []) events.push({ streamId, event: { kind: 'beat', t: startedAt + t, duration: 0, text: 'R', key: s.key } });
      library.write(sessionId, chunks, events, { pyramid: [{ streamId, rows: pyramid.pending() }] });
      if (s.reference) writeCorrectedBeats(library, streamId, { t: s.reference.t, rejected: s.reference.t.map(() => false), classes: s.reference.classes });
    }
    const events: RecordingEvent[] = [...rec.events, ...rec.notes.map((text): RecordingEvent => ({ kind: 'note', t: 0, duration: 0, text }))];
    library.write(
      sessionId,
      [],
      events.map((e) => {
        const streamId = e.stream !== undefined ? (ids.get(e.stream) ?? null) : null;
        const key = streamId !== null ? rec.streams.find((s) => s.name === e.stream)!.key : undefined;
        return { streamId, event: { kind: e.kind, t: startedAt + e.t, duration: e.duration, text: e.text, ...(key ? { key } : {}) } };
      }),
    );
    library.endSession(sessionId, end, true);
    return sessionId;
  })();
}

/** A lost stretch of the recording: a gap event, never stored samples. */
function gapEvent(s: RecordingStream, i0: number, i1: number, startedAt: number): SessionEvent {
  return { kind: 'gap', key: s.key, t: startedAt + i0 / s.fs, duration: (i1 - i0) / s.fs, text: `${i1 - i0} samples missing in the recording`, lost: i1 - i0 };
}

/** Samples [i0, i1) of a run as a stored chunk (channel-major). */
function chunkOf(s: RecordingStream, g: RecordingStream['segments'][number], i0: number, i1: number, startedAt: number) {
  const n = i1 - i0;
  const data = new Float32Array(n * g.data.length);
  g.data.forEach((c, k) => data.set(c.subarray(i0, i1), k * n));
  return { key: s.key, index: g.at + i0, t0: startedAt + (g.at + i0) / s.fs, dt: 1 / s.fs, n, data };
}
