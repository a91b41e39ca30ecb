import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportRange } from '../../shared/types';
import {
  beatCode,
  chooseWfdbScale,
  encodeMitAnnotations,
  encodeSamples,
  encodeWfdbHeader,
  INVALID_SAMPLE,
  NOTE_CODE,
  quantisationStep,
  toAdc,
  type WfdbAnnotationOut,
  type WfdbScale,
  type WritableFormat,
} from '../formats/wfdb';
import { currentBeats } from './corrected-beats';
import { checkExportRange, chunksIn, PARTIAL_SUFFIX, selectStreams, withFile, type ExportProgress } from './export-csv';
import { edfStreams, EXPORTED_EVENTS } from './export-edf';
import type { Library, StoredChunk, StoredStream } from './library';

/** Values per channel looked at to find its quantisation step: enough to meet every level a signal uses often. */
const STEP_SAMPLES = 1 << 16;
/** Frames encoded per write: bounded memory for any length. */
const BLOCK_FRAMES = 1 << 14;
/** The annotator of the beats: the reference-annotation name, so WFDB tools (and our import) take them as the record's beats. */
export const BEATS_ANNOTATOR = 'atr';
/** The annotator of markers, labels, steps, notes and gaps (NOTE annotations with the text as AUX). */
export const EVENTS_ANNOTATOR = 'events';

interface ScannedStream {
  stream: StoredStream;
  lo: Float64Array;
  hi: Float64Array;
  /** The first values of each channel, for its quantisation step. */
  head: Float64Array[];
  headLength: number[];
  firstIndex: number;
  endIndex: number;
  firstT0: number;
  samples: number;
}

interface RecordPlan {
  name: string;
  rate: number;
  start: number;
  frames: number;
  format: WritableFormat;
  streams: { scanned: ScannedStream; offset: number; scales: WfdbScale[] }[];
}

/**
 * Writes a session (or a range of it, seconds from its start) as WFDB records in `dir`: one per
 * sample rate (`session_<id>` when there is one rate, else `session_<id>_<rate>hz`), each a `.hea`
 * and one frame-interleaved `.dat` (format 212 where every channel fits 12 bits at its scale, else
 * 16). A channel whose values lie on a grid (an ADC's steps: an imported MIT-BIH or EDF file, a
 * board's counts) gets one ADC unit per step, so its resolution is kept; computed values get the
 * finest 16-bit scale. A lost stretch holds the format's invalid value (-2048 / -32768), which
 * WFDB readers return as "no sample": WFDB has no other gap marker. Beats of ECG streams (the
 * current set, rejected ones left out, classes as MIT codes, N when unclassified; derived streams
 * have none) go to `<record>.atr`; markers, labels,
 * steps, notes and gaps to `<record>.events` as NOTE annotations with their text as AUX.
 * `streams`: keys to include (all fixed-rate streams when absent). Files are written `.partial`
 * and renamed when all are complete; removed on a failure or a cancel (onProgress throwing).
 */
export function exportSessionWfdb(library: Library, sessionId: number, dir: string, onProgress?: (p: ExportProgress) => void, range: ExportRange = {}, streams?: readonly string[]): string[] {
  checkExportRange(range);
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  const a = session.startedAt + (range.from ?? -Infinity);
  const b = session.startedAt + (range.to ?? Infinity);
  const chosen = edfStreams(selectStreams(session, streams));
  if (chosen.length === 0) throw new Error(`session ${sessionId} has no stream with a fixed sample rate to export as WFDB`);
  const progress: ExportProgress = { stream: '', samplesDone: 0, samplesTotal: 2 * chosen.reduce((n, s) => n + s.samples, 0), bytesWritten: 0 };
  const scanned = chosen.map((s) => scan(library, s, a, b, progress, onProgress)).filter((s) => s.samples > 0);
  if (scanned.length === 0) throw new Error(`session ${sessionId} has no samples${range.from !== undefined || range.to !== undefined ? ' in the range asked for' : ''}`);
  progress.samplesTotal = 2 * scanned.reduce((n, s) => n + s.samples, 0);
  progress.samplesDone = progress.samplesTotal / 2;

  const records = planRecords(sessionId, scanned);
  const events = library.events(sessionId).filter((e) => EXPORTED_EVENTS.has(e.kind) && e.t < b && e.t + e.duration >= a);
  const createdDir = mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const count = (bytes: number): void => {
    progress.bytesWritten += bytes;
  };
  try {
    for (const record of records) {
      const dat = join(dir, `${record.name}.dat`);
      files.push(dat);
      const lines = writeSignals(library, record, a, b, dat, count, progress, onProgress);
      const hea = join(dir, `${record.name}.hea`);
      files.push(hea);
      const header = encodeWfdbHeader({
        record: record.name,
        fs: record.rate,
        frames: record.frames,
        start: record.start,
        signals: lines,
        comments: [`Vitalscope session ${sessionId}${session.participant ? `, participant ${session.participant}` : ''}; lost samples hold the invalid value ${INVALID_SAMPLE[record.format]}`],
      });
      withFile(hea, count, (write) => write(header));
      const at = (t: number): number => Math.round((t - record.start) * record.rate);
      const inRecord = (sample: number): boolean => sample >= 0 && sample < record.frames;
      const ecg = record.streams.filter((s) => s.scanned.stream.kind === 'ecg' && !s.scanned.stream.derivedFrom);
      if (ecg.length > 0) {
        const beats: WfdbAnnotationOut[] = [];
        for (const { scanned: s } of ecg) {
          const set = currentBeats(library, sessionId, s.stream.key);
          set.t.forEach((t, i) => {
            const sample = at(session.startedAt + t);
            if (!set.rejected[i] && inRecord(sample) && session.startedAt + t >= a && session.startedAt + t < b) beats.push({ sample, code: beatCode(set.classes?.[i]) });
          });
        }
        files.push(writeAnnotations(dir, record.name, BEATS_ANNOTATOR, beats, count));
      }
      const notes = events
        .map((e): WfdbAnnotationOut => ({ sample: Math.max(0, at(e.t)), code: NOTE_CODE, aux: `${e.kind}${e.stream ? ` ${e.stream}` : ''}: ${e.text}${e.duration > 0 ? ` [${Number(e.duration.toFixed(6))} s]` : ''}` }))
        .filter((n) => inRecord(n.sample));
      if (notes.length > 0) files.push(writeAnnotations(dir, record.name, EVENTS_ANNOTATOR, notes, count));
    }
    for (const file of files) renameSync(file + PARTIAL_SUFFIX, file);
    onProgress?.(progress);
    return files;
  } catch (error) {
    for (const file of files) rmSync(file + PARTIAL_SUFFIX, { force: true });
    if (createdDir && readdirSync(dir).length === 0) rmdirSync(dir);
    throw error;
  }
}

/** First pass: each channel's range and first values, and the stream's extent in sample indices. */
function scan(library: Library, stream: StoredStream, a: number, b: number, progress: ExportProgress, onProgress?: (p: ExportProgress) => void): ScannedStream {
  const channels = stream.channels.length;
  const s: ScannedStream = {
    stream,
    lo: new Float64Array(channels).fill(Infinity),
    hi: new Float64Array(channels).fill(-Infinity),
    head: stream.channels.map(() => new Float64Array(STEP_SAMPLES)),
    headLength: stream.channels.map(() => 0),
    firstIndex: -1,
    endIndex: -1,
    firstT0: NaN,
    samples: 0,
  };
  progress.stream = stream.name;
  for (const chunk of chunksIn(library, stream.id, a, b)) {
    if (chunk.n === 0) continue;
    if (s.firstIndex < 0) {
      s.firstIndex = chunk.index;
      s.firstT0 = chunk.t0;
    }
    s.endIndex = chunk.index + chunk.n;
    for (let c = 0; c < channels; c++) {
      let [l, h] = [s.lo[c], s.hi[c]];
      for (let i = c * chunk.n, end = i + chunk.n; i < end; i++) {
        const v = chunk.data[i];
        if (v < l) l = v;
        if (v > h) h = v;
      }
      [s.lo[c], s.hi[c]] = [l, h];
      const room = STEP_SAMPLES - s.headLength[c];
      if (room > 0) {
        const take = chunk.data.subarray(c * chunk.n, c * chunk.n + Math.min(room, chunk.n));
        s.head[c].set(take, s.headLength[c]);
        s.headLength[c] += take.length;
      }
    }
    s.samples += chunk.n;
    progress.samplesDone += chunk.n;
    onProgress?.(progress);
  }
  return s;
}

/** One record per rate: its start (the earliest first sample), each stream's frame offset, scales and format. */
function planRecords(sessionId: number, scanned: readonly ScannedStream[]): RecordPlan[] {
  const rates = [...new Set(scanned.map((s) => s.stream.rate))].sort((x, y) => y - x);
  return rates.map((rate) => {
    const members = scanned.filter((s) => s.stream.rate === rate);
    const start = Math.min(...members.map((s) => s.firstT0));
    const streams = members.map((s) => {
      const scales = s.stream.channels.map((_, c) => chooseWfdbScale(s.lo[c], s.hi[c], quantisationStep(s.head[c].subarray(0, s.headLength[c]))));
      return { scanned: s, offset: Math.round((s.firstT0 - start) * rate), scales };
    });
    const frames = Math.max(...streams.map((s) => s.offset + s.scanned.endIndex - s.scanned.firstIndex));
    const format: WritableFormat = streams.every((s) => s.scales.every((x) => x.fits212)) ? 212 : 16;
    const rateName = String(rate).replace('.', 'p');
    return { name: rates.length === 1 ? `session_${sessionId}` : `session_${sessionId}_${rateName}hz`, rate, start, frames, format, streams };
  });
}

/** Second pass: the .dat, frame-interleaved, a block of frames at a time; returns the header's signal lines. */
function writeSignals(library: Library, record: RecordPlan, a: number, b: number, dat: string, count: (bytes: number) => void, progress: ExportProgress, onProgress?: (p: ExportProgress) => void) {
  const columns = record.streams.flatMap((s, k) => s.scales.map((scale, c) => ({ stream: k, channel: c, scale })));
  const width = columns.length;
  const checksums = new Int32Array(width);
  const initial = new Int32Array(width).fill(INVALID_SAMPLE[record.format]);
  const cursors = record.streams.map((s) => new FrameCursor(chunksIn(library, s.scanned.stream.id, a, b)[Symbol.iterator](), s.offset - s.scanned.firstIndex));
  const block = new Int32Array(BLOCK_FRAMES * width);
  const firstColumn = record.streams.map((_, k) => columns.findIndex((c) => c.stream === k));
  withFile(dat, count, (write) => {
    for (let f0 = 0; f0 < record.frames; f0 += BLOCK_FRAMES) {
      const f1 = Math.min(record.frames, f0 + BLOCK_FRAMES);
      const frames = block.subarray(0, (f1 - f0) * width).fill(INVALID_SAMPLE[record.format]);
      record.streams.forEach((s, k) => {
        progress.samplesDone += cursors[k].fill(f0, f1, (frame, chunk, i) => {
          for (let c = 0; c < s.scales.length; c++) frames[(frame - f0) * width + firstColumn[k] + c] = toAdc(chunk.data[c * chunk.n + i], s.scales[c], record.format);
        });
      });
      for (let i = 0; i < frames.length; i++) checksums[i % width] = (checksums[i % width] + frames[i]) & 0xffff;
      if (f0 === 0) initial.set(frames.subarray(0, width));
      write(encodeSamples(frames, record.format));
      onProgress?.(progress);
    }
  });
  return columns.map(({ stream, channel, scale }, i) => {
    const s = record.streams[stream].scanned.stream;
    return {
      fileName: `${record.name}.dat`,
      format: record.format,
      gain: scale.gain,
      baseline: scale.baseline,
      units: s.channels[channel].unit,
      initialValue: initial[i],
      checksum: checksums[i] >= 0x8000 ? checksums[i] - 0x10000 : checksums[i],
      description: `${s.name} ${s.channels[channel].label}`,
    };
  });
}

function writeAnnotations(dir: string, record: string, annotator: string, annotations: WfdbAnnotationOut[], count: (bytes: number) => void): string {
  const file = join(dir, `${record}.${annotator}`);
  const bytes = encodeMitAnnotations(annotations.sort((x, y) => x.sample - y.sample));
  withFile(file, count, (write) => write(bytes));
  return file;
}

/** A stream's stored samples, read forward, placed at frame `offset + chunk index`. */
class FrameCursor {
  private chunk: StoredChunk | null = null;
  private at = 0;
  constructor(
    private readonly chunks: Iterator<StoredChunk>,
    private readonly offset: number,
  ) {}

  /** Calls `put` for each of the stream's samples in frames [f0, f1); returns how many. */
  fill(f0: number, f1: number, put: (frame: number, chunk: StoredChunk, i: number) => void): number {
    let done = 0;
    for (;;) {
      if (!this.chunk || this.at >= this.chunk.n) {
        const next = this.chunks.next();
        if (next.done) return done;
        this.chunk = next.value;
        this.at = 0;
      }
      const frame0 = this.offset + this.chunk.index;
      while (this.at < this.chunk.n) {
        const frame = frame0 + this.at;
        if (frame >= f1) return done;
        if (frame >= f0) {
          put(frame, this.chunk, this.at);
          done++;
        }
        this.at++;
      }
    }
  }
}
