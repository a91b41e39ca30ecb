import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  chooseRange,
  concatBytes,
  DIGITAL_RANGE,
  encodeEdfHeader,
  encodeRecord,
  encodeTal,
  layoutRecords,
  MAX_RECORD_BYTES,
  packAnnotations,
  recordBytes,
  recordTimings,
  scaling,
  timeKeepingTal,
  type EdfVariant,
  type EdfWriteHeader,
  type RecordBlock,
  type SampleRun,
} from '../formats/edf';
import type { EventKind, ExportRange } from '../../shared/types';
import { checkExportRange, chunksIn, exportedEvents, PARTIAL_SUFFIX, selectStreams, withFile, type ExportProgress } from './export-csv';
import type { Library, StoredChunk, StoredStream } from './library';

/** Record durations aimed at: about a second, as EDF tools expect. */
const TARGET_RECORD_S = 1;
/** Beats are left to WFDB annotation files: one TAL each would outweigh the signals. */
export const EXPORTED_EVENTS: ReadonlySet<EventKind> = new Set(['marker', 'label', 'step', 'gap', 'note', 'device']);
/** Bytes an annotation signal holds at least; more signals are added where a record needs them. */
const MIN_ANNOTATION_BYTES = 120;

/** What goes into the file: the raw streams and the derived ones with a fixed rate (not the irregular ones). */
export function edfStreams(streams: readonly StoredStream[]): StoredStream[] {
  return streams.filter((s) => s.rate > 0 && s.samples > 0);
}

interface Scanned {
  stream: StoredStream;
  runs: SampleRun[];
  lo: Float64Array;
  hi: Float64Array;
  samples: number;
}

/**
 * Writes a session (or a range of it, seconds from its start) as one EDF+ or BDF+ file: every
 * stream with a fixed rate, one signal per channel; markers, labels, steps, notes and gaps as
 * annotations. EDF+D when samples were lost (each block of records starts where data resumes),
 * EDF+C otherwise. Two passes over the stored chunks (ranges and runs, then the records), so
 * memory stays flat. Written as `file.partial` and renamed when complete; removed on any failure
 * or a cancel (onProgress throwing).
 */
export function exportSessionEdf(
  library: Library,
  sessionId: number,
  file: string,
  variant: EdfVariant,
  onProgress?: (p: ExportProgress) => void,
  range: ExportRange = {},
  streamKeys?: readonly string[],
): string {
  checkExportRange(range);
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  const a = session.startedAt + (range.from ?? -Infinity);
  const b = session.startedAt + (range.to ?? Infinity);
  const chosen = selectStreams(session, streamKeys);
  const streams = edfStreams(chosen);
  if (streams.length === 0) throw new Error(`session ${sessionId} has no ${streamKeys ? 'chosen ' : ''}stream with a fixed sample rate to export as ${variant.toUpperCase()}`);

  const progress: ExportProgress = { stream: '', samplesDone: 0, samplesTotal: 2 * streams.reduce((n, s) => n + s.samples, 0), bytesWritten: 0 };
  const scanned = streams.map((stream) => scan(library, stream, a, b, progress, onProgress)).filter((s) => s.samples > 0);
  if (scanned.length === 0) throw new Error(`session ${sessionId} has no samples${range.from !== undefined || range.to !== undefined ? ' in the range asked for' : ''}`);
  progress.samplesTotal = 2 * scanned.reduce((n, s) => n + s.samples, 0);
  progress.samplesDone = progress.samplesTotal / 2;

  const signals = scanned.flatMap((s) =>
    s.stream.channels.map((c, i) => ({
      label: `${s.stream.name} ${c.label}`,
      transducer: `${s.stream.kind}${s.stream.derivedFrom ? ` derived from ${s.stream.derivedFrom}` : ''} (${s.stream.key})`,
      physicalDimension: c.unit,
      ...chooseRange(s.lo[i], s.hi[i], `stream ${s.stream.name}, channel ${c.label}`),
      prefiltering: '',
      samplesPerRecord: 0,
    })),
  );
  const events = exportedEvents(library, sessionId, chosen)
    .filter((e) => EXPORTED_EVENTS.has(e.kind) && e.t < b && e.t + e.duration >= a)
    .map((e) => ({ t: e.t, duration: e.kind === 'label' || e.kind === 'gap' ? e.duration : 0, text: `${e.kind}${e.stream ? ` ${e.stream}` : ''}: ${e.text}` }));

  // The longest record nearest a second that holds every rate exactly and stays within 61,440 bytes.
  const width = DIGITAL_RANGE[variant].bytes;
  let plan: Plan | null = null;
  for (const timing of recordTimings(scanned.map((s) => s.stream.rate), TARGET_RECORD_S)) {
    const candidate = planRecords(scanned, timing.duration, timing.samplesPerRecord, events, width);
    for (const [i, s] of signals.entries()) s.samplesPerRecord = timing.samplesPerRecord[channelStream(scanned, i)];
    const header: EdfWriteHeader = {
      variant,
      discontinuous: candidate.discontinuous,
      patientCode: session.participant,
      equipment: 'Vitalscope',
      start: candidate.fileStart,
      records: candidate.records,
      recordDuration: timing.text,
      signals,
      annotationSignals: candidate.annotationSignals,
      annotationSamples: candidate.annotationSamples,
    };
    if (recordBytes(header) <= MAX_RECORD_BYTES) {
      plan = { ...candidate, header };
      break;
    }
  }
  if (!plan) throw new Error(`session ${sessionId}: no data record of at most ${MAX_RECORD_BYTES} bytes holds its ${signals.length} signals at their rates (${scanned.map((s) => s.stream.rate).join(', ')} Hz)`);

  const count = (bytes: number): void => {
    progress.bytesWritten += bytes;
  };
  mkdirSync(dirname(file), { recursive: true });
  try {
    withFile(file, count, (write) => {
      write(encodeEdfHeader(plan.header));
      writeRecords(library, plan, scanned, a, b, write, () => onProgress?.(progress), progress);
    });
    renameSync(file + PARTIAL_SUFFIX, file);
    return file;
  } catch (error) {
    rmSync(file + PARTIAL_SUFFIX, { force: true });
    throw error;
  }
}

/** First pass: a stream's runs of consecutive samples and each channel's min and max (NaN left out). */
function scan(library: Library, stream: StoredStream, a: number, b: number, progress: ExportProgress, onProgress?: (p: ExportProgress) => void): Scanned {
  const channels = stream.channels.length;
  const lo = new Float64Array(channels).fill(Infinity);
  const hi = new Float64Array(channels).fill(-Infinity);
  const runs: SampleRun[] = [];
  let next = -1;
  let samples = 0;
  progress.stream = stream.name;
  for (const chunk of chunksIn(library, stream.id, a, b)) {
    if (chunk.n === 0) continue;
    if (chunk.index === next) runs[runs.length - 1].n += chunk.n;
    else runs.push({ t: chunk.t0, n: chunk.n });
    next = chunk.index + chunk.n;
    for (let c = 0; c < channels; c++) {
      let l = lo[c];
      let h = hi[c];
      for (let i = c * chunk.n, end = i + chunk.n; i < end; i++) {
        const v = chunk.data[i];
        if (v < l) l = v;
        if (v > h) h = v;
      }
      lo[c] = l;
      hi[c] = h;
    }
    samples += chunk.n;
    progress.samplesDone += chunk.n;
    onProgress?.(progress);
  }
  return { stream, runs, lo, hi, samples };
}

interface Plan {
  header: EdfWriteHeader;
  fileStart: number;
  duration: number;
  samplesPerRecord: number[];
  blocks: RecordBlock[];
  records: number;
  discontinuous: boolean;
  /** Per record, its annotation signals' contents. */
  annotations: Uint8Array[][];
  annotationSignals: number;
  annotationSamples: number;
}

/** Records, blocks and the annotations' place for one record duration. */
function planRecords(scanned: readonly Scanned[], duration: number, samplesPerRecord: number[], events: readonly { t: number; duration: number; text: string }[], width: number): Omit<Plan, 'header'> {
  const blocks = layoutRecords(
    scanned.map((s, i) => ({ rate: s.stream.rate, samplesPerRecord: samplesPerRecord[i], runs: s.runs })),
    duration,
  );
  // The header's start has whole seconds; each record's TAL gives the fraction.
  const fileStart = Math.floor(blocks[0].start);
  const starts: number[] = [];
  for (const block of blocks) for (let k = 0; k < block.records; k++) starts.push(block.start - fileStart + k * duration);
  const perRecord: Uint8Array[][] = starts.map(() => []);
  for (const e of events) {
    const onset = e.t - fileStart;
    perRecord[Math.max(0, lastAtOrBefore(starts, onset))].push(encodeTal(onset, e.duration > 0 ? e.duration : null, [e.text]));
  }
  const largest = Math.max(0, ...perRecord.flat().map((t) => t.length)) + timeKeepingTal(starts.at(-1)!).length;
  const capacity = Math.ceil(Math.max(MIN_ANNOTATION_BYTES, largest) / width) * width;
  const annotations = perRecord.map((tals, r) => packAnnotations(starts[r], tals, capacity).map(concatBytes));
  const lost = scanned.some((s) => s.runs.length > 1);
  return {
    fileStart,
    duration,
    samplesPerRecord,
    blocks,
    records: starts.length,
    discontinuous: lost || blocks.length > 1,
    annotations,
    annotationSignals: Math.max(...annotations.map((a) => a.length)),
    annotationSamples: capacity / width,
  };
}

function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let [lo, hi] = [0, sorted.length - 1];
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x + 1e-9) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function channelStream(scanned: readonly Scanned[], signal: number): number {
  let i = signal;
  for (const [s, { stream }] of scanned.entries()) {
    if (i < stream.channels.length) return s;
    i -= stream.channels.length;
  }
  throw new Error(`signal ${signal} has no stream`);
}

/** Reads a stream's samples forward, in the order the runs were scanned. */
class SampleCursor {
  private chunk: StoredChunk | null = null;
  private at = 0;
  constructor(private readonly chunks: Iterator<StoredChunk>) {}

  /** Copies the next `n` samples into each channel's buffer from `offset`. */
  take(n: number, into: Float64Array[], offset: number): number {
    let done = 0;
    while (done < n) {
      if (!this.chunk || this.at === this.chunk.n) {
        const next = this.chunks.next();
        if (next.done) throw new Error('the session changed while it was exported: fewer samples than scanned');
        this.chunk = next.value;
        this.at = 0;
        continue;
      }
      const k = Math.min(n - done, this.chunk.n - this.at);
      for (let c = 0; c < into.length; c++) into[c].set(this.chunk.data.subarray(c * this.chunk.n + this.at, c * this.chunk.n + this.at + k), offset + done);
      this.at += k;
      done += k;
    }
    return done;
  }
}

/** Second pass: every record of every block, each stream's runs at their slots, "no value" elsewhere. */
function writeRecords(library: Library, plan: Plan, scanned: readonly Scanned[], a: number, b: number, write: (data: Uint8Array) => void, report: () => void, progress: ExportProgress): void {
  const { header, samplesPerRecord } = plan;
  const scales = header.signals.map((s) => scaling(header.variant, s));
  const buffers = scanned.map((s, i) => s.stream.channels.map(() => new Float64Array(samplesPerRecord[i])));
  const flat = buffers.flat();
  const cursors = scanned.map((s) => new SampleCursor(chunksIn(library, s.stream.id, a, b)[Symbol.iterator]()));
  const size = recordBytes(header);
  // Several records per write: fewer system calls.
  const batch = Math.max(1, Math.floor((1 << 20) / size));
  const out = new Uint8Array(size * batch);
  let inBatch = 0;
  let r = 0;
  for (const block of plan.blocks) {
    const pending = scanned.map(() => [] as { slot: number; n: number }[]);
    for (const p of block.placements) pending[p.stream].push({ slot: p.slot, n: p.n });
    const next = scanned.map(() => 0);
    for (let k = 0; k < block.records; k++, r++) {
      for (const [s, spr] of samplesPerRecord.entries()) {
        const first = k * spr;
        const last = first + spr;
        for (const buffer of buffers[s]) buffer.fill(NaN);
        // A placement may cover several records: consume the part of it in this one.
        while (next[s] < pending[s].length && pending[s][next[s]].slot < last) {
          const p = pending[s][next[s]];
          const from = Math.max(p.slot, first);
          const to = Math.min(p.slot + p.n, last);
          progress.samplesDone += cursors[s].take(to - from, buffers[s], from - first);
          if (p.slot + p.n > last) {
            break;
          }
          next[s]++;
        }
      }
      encodeRecord(header, scales, flat, plan.annotations[r], out.subarray(inBatch * size, (inBatch + 1) * size));
      if (++inBatch === batch) {
        write(out);
        inBatch = 0;
        report();
      }
    }
  }
  if (inBatch > 0) write(out.subarray(0, inBatch * size));
  report();
}
