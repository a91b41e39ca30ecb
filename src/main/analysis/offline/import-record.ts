/**
 * A WFDB record imported as a finished session that reviews like a recorded one: its signals as
 * streams (ECG as kind ecg), chunked as the recorder stores them, with the min/max pyramid; the
 * detector's beats as the ECG stream's detected beats (the offline analysis, the live pipeline
 * replayed); and the reference annotations (`.atr` beside the `.hea`), when present, as its
 * corrected beat set with a class per beat (MIT code letters; beat codes only). Everything is
 * read and checked before the session is made; a failure or a cancel part-way removes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { SessionEvent, StreamKind } from '../../../shared/types';
import { annotationMnemonic, isBeatCode, parseMitAnnotations, type WfdbAnnotations } from '../../formats/wfdb';
import { writeCorrectedBeats } from '../../storage/corrected-beats';
import type { Library } from '../../storage/library';
import { analyze, forEachRun } from './analyze';
import { kindForWfdbLabel, readWfdbRecord, recordInput, type InputChannel, type WfdbRecord } from './load-input';

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

interface RecordStream {
  key: string;
  kind: StreamKind;
  fs: number;
  channels: InputChannel[];
}

/** The session an earlier import made of the record at `hea` (its absolute path), or null. */
export function importedRecordSession(library: Library, hea: string): number | null {
  const row = library.db.prepare("SELECT id FROM sessions WHERE json_extract(meta, '$.source.wfdb') = ? ORDER BY id DESC LIMIT 1").get(resolve(hea)) as { id: number } | undefined;
  return row?.id ?? null;
}

/** Imports the record at `hea` as a new session; returns its id. Throws one line naming the file and what is wrong, having kept nothing. */
export function importWfdbRecord(library: Library, hea: string, options: ImportRecordOptions = {}): number {
  const path = resolve(hea);
  const rec = readChecked(path);
  const streams = streamsOf(rec);
  const ecg = streams.find((s) => s.kind === 'ecg');
  const atrPath = path.replace(/\.hea$/i, '.atr');
  const annotations = existsSync(atrPath) ? readAnnotations(atrPath, rec, ecg) : null;
  const beats = ecg ? (analyze(recordInput(path, rec)).ecg?.beats ?? []) : [];
  const startedAt = Date.now() / 1000;
  const sessionId = library.createSession(`record ${rec.header.record}`, options.participant ?? '', startedAt);
  try {
    library.db.prepare('UPDATE sessions SET meta = ? WHERE id = ?').run(JSON.stringify({ source: { wfdb: path } }), sessionId);
    const total = streams.reduce((n, s) => n + s.channels[0].data.length, 0);
    let done = 0;
    let end = startedAt;
    for (const s of streams) {
      const streamId = library.addStream(sessionId, null, { key: s.key, deviceId: '', name: s.key, kind: s.kind, rate: s.fs, channels: s.channels.map((c) => ({ label: c.label, unit: c.unit })) });
      const length = s.channels[0].data.length;
      end = Math.max(end, startedAt + length / s.fs);
      forEachRun(
        s.channels[0].data,
        0,
        length,
        (start, stop) => {
          for (let i0 = start; i0 < stop; i0 += CHUNK_SAMPLES) {
            const i1 = Math.min(stop, i0 + CHUNK_SAMPLES);
            library.write(sessionId, [{ streamId, chunk: chunkOf(s, i0, i1, startedAt) }], []);
            done += i1 - i0;
            options.onProgress?.({ stage: `${s.key} samples`, done, total });
          }
        },
        (start, stop) => library.write(sessionId, [], [{ streamId, event: gapEvent(s, start, stop, startedAt) }]),
      );
      if (s === ecg) {
        const marks = beats.map((b): SessionEvent => ({ kind: 'beat', t: startedAt + b / s.fs, duration: 0, text: 'R', key: s.key }));
        library.write(sessionId, [], marks.map((event) => ({ streamId, event })));
        if (annotations) writeCorrectedBeats(library, streamId, annotations);
      }
    }
    library.endSession(sessionId, end);
    options.onProgress?.({ stage: 'overview (pyramid)', done: total, total });
    library.ensurePyramid(sessionId);
    return sessionId;
  } catch (error) {
    library.deleteSession(sessionId);
    throw error;
  }
}

/** The record, refusing what the import would get wrong: a truncated signal file, or no signal at all. */
function readChecked(path: string): WfdbRecord {
  const where = basename(path);
  if (!existsSync(path)) throw new Error(`${path}: no such record`);
  let rec: WfdbRecord;
  try {
    rec = readWfdbRecord(path);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}; nothing imported`);
  }
  if (rec.signals.length === 0) throw new Error(`${where}: the header declares no signals; nothing imported`);
  const declared = rec.header.samples;
  if (declared !== null && !rec.header.segments) {
    rec.signals.forEach((s, i) => {
      const expected = Math.round((declared * s.fs) / rec.header.fs);
      if (s.data.length < expected) {
        throw new Error(`${where}: signal ${i} (${s.label}) in ${rec.header.signals[i].fileName} is truncated: ${s.data.length} of the ${expected} samples the header declares; nothing imported`);
      }
    });
  }
  return rec;
}

/** Signals grouped by kind and rate, one stream each (keys: the kind, then kind-2, ...). */
function streamsOf(rec: WfdbRecord): RecordStream[] {
  const streams: RecordStream[] = [];
  for (const c of rec.signals) {
    const kind = kindForWfdbLabel(c.label) ?? 'other';
    let s = streams.find((x) => x.kind === kind && x.fs === c.fs);
    if (!s) {
      const same = streams.filter((x) => x.kind === kind).length;
      streams.push((s = { key: same ? `${kind}-${same + 1}` : kind, kind, fs: c.fs, channels: [] }));
    }
    s.channels.push(c);
  }
  return streams;
}

/** The reference beats of the annotation file as a corrected set with classes, checked against the record. */
function readAnnotations(atrPath: string, rec: WfdbRecord, ecg: RecordStream | undefined): { t: number[]; rejected: boolean[]; classes: string[] } {
  const where = basename(atrPath);
  let ann: WfdbAnnotations;
  try {
    ann = parseMitAnnotations(new Uint8Array(readFileSync(atrPath)));
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}; nothing imported`);
  }
  if (!ecg) throw new Error(`${where}: reference annotations for a record with no ECG signal (signals: ${rec.signals.map((s) => s.label).join(', ')}); nothing imported`);
  const length = ecg.channels[0].data.length;
  const beat = ann.codes.map(isBeatCode);
  const last = ann.samples.findIndex((s, k) => beat[k] && s >= length);
  if (last >= 0) throw new Error(`${where}: annotation ${last + 1} (${annotationMnemonic(ann.codes[last])}) is at sample ${ann.samples[last]}, past the record's end (${length} samples); nothing imported`);
  const t = ann.samples.filter((_, k) => beat[k]).map((s) => s / ecg.fs);
  const classes = ann.codes.filter((_, k) => beat[k]).map(annotationMnemonic);
  return { t, rejected: t.map(() => false), classes };
}

/** A lost stretch of the record: a gap event, never stored samples. */
function gapEvent(s: RecordStream, i0: number, i1: number, startedAt: number): SessionEvent {
  return { kind: 'gap', key: s.key, t: startedAt + i0 / s.fs, duration: (i1 - i0) / s.fs, text: `${i1 - i0} samples missing in the record`, lost: i1 - i0 };
}

/** Samples [i0, i1) of a stream as a stored chunk (channel-major). */
function chunkOf(s: RecordStream, i0: number, i1: number, startedAt: number) {
  const n = i1 - i0;
  const data = new Float32Array(n * s.channels.length);
  s.channels.forEach((c, k) => data.set(c.data.subarray(i0, i1), k * n));
  return { key: s.key, index: i0, t0: startedAt + i0 / s.fs, dt: 1 / s.fs, n, data };
}
