import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRunSummary } from '../../shared/model-runs';
import { EVENTS_HEADER, eventRow, modelOutputRow, modelOutputsHeader, samplesHeader, samplesRows } from '../formats/csv';
import type { ExportRange } from '../../shared/types';
import type { Library, StoredChunk, StoredSession, StoredStream } from './library';
import { listModelRuns, modelRunOutputs } from './model-runs';
import { samplesIn } from './review-queries';

export interface ExportProgress {
  /** The stream being written. */
  stream: string;
  /** Samples written so far, over all streams. */
  samplesDone: number;
  samplesTotal: number;
  bytesWritten: number;
}

/** Files being written carry this suffix until the whole export is complete. */
export const PARTIAL_SUFFIX = '.partial';

/**
 * Writes one `<stream>.csv` per stream, `events.csv` and a `model-<run>.csv` per stored model run into `dir`, time in seconds from the
 * session start. When several devices have a stream of the same name, the file names carry the
 * device too (`<device>_<stream>.csv`). Streams are read chunk by chunk, so memory stays flat.
 *
 * `onProgress` runs after every chunk and may throw to abort (a cancelled job). Files are written
 * as `<name>.csv.partial` and renamed only when all are complete, so an earlier export in `dir`
 * stays whole until then; on any failure the partial files (and `dir`, if this made it) are
 * removed and a killed process leaves only files marked `.partial`.
 */
export function exportSessionCsv(
  library: Library,
  sessionId: number,
  dir: string,
  onProgress?: (p: ExportProgress) => void,
  range: ExportRange = {},
  streamKeys?: readonly string[],
): string[] {
  checkExportRange(range);
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  const streams = selectStreams(session, streamKeys);
  const createdDir = mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  try {
    const origin = session.startedAt;
    const a = origin + (range.from ?? -Infinity);
    const b = origin + (range.to ?? Infinity);
    const ranged = range.from !== undefined || range.to !== undefined;
    const names = fileNames(streams);
    const samplesTotal = streams.reduce((sum, s) => sum + (ranged ? expectedSamples(s, session, range) : s.samples), 0);
    const progress: ExportProgress = { stream: '', samplesDone: 0, samplesTotal, bytesWritten: 0 };
    const count = (bytes: number): void => {
      progress.bytesWritten += bytes;
    };
    for (const [i, stream] of streams.entries()) {
      const file = join(dir, `${names[i]}.csv`);
      files.push(file);
      progress.stream = stream.name;
      withFile(file, count, (write) => {
        write(samplesHeader(stream.channels));
        for (const chunk of ranged ? chunksIn(library, stream.id, a, b) : library.chunks(stream.id)) {
          if (chunk.n === 0) continue;
          write(samplesRows(chunk.t0, chunk.dt, chunk.n, chunk.data, origin));
          progress.samplesDone += chunk.n;
          onProgress?.(progress);
        }
      });
    }
    const eventsFile = join(dir, 'events.csv');
    files.push(eventsFile);
    withFile(eventsFile, count, (write) => {
      write(EVENTS_HEADER);
      for (const e of exportedEvents(library, sessionId, streams)) {
        // An interval event belongs to a range it overlaps.
        if (!(e.t < b && e.t + e.duration >= a)) continue;
        const text = e.stream ? `${e.stream}: ${e.text}` : e.text;
        write(eventRow(e.t, e.duration, e.kind, text, origin));
      }
    });
    for (const [name, run] of modelRunFiles(library, sessionId, streams)) {
      const file = join(dir, name);
      files.push(file);
      withFile(file, count, (write) => {
        const outputs = modelRunOutputs(library, sessionId, run.id);
        write(modelOutputsHeader(run.output === 'classes' ? run.labels : null, run.unit ?? ''));
        outputs.t.forEach((t, i) => {
          if (!(t >= a - origin && t < b - origin)) return;
          const k = outputs.label?.[i];
          const probs = outputs.probs?.map((p) => p[i]);
          write(modelOutputRow(Number(t.toFixed(6)), outputs.sample[i], k === undefined ? { value: outputs.value![i] } : { label: run.labels[k], probs }));
        });
      });
    }
    for (const file of files) renameSync(file + PARTIAL_SUFFIX, file);
    return files;
  } catch (error) {
    for (const file of files) rmSync(file + PARTIAL_SUFFIX, { force: true });
    if (createdDir && readdirSync(dir).length === 0) rmdirSync(dir);
    throw error;
  }
}

/** `model-<name>.csv` per stored model run on an exported stream (the name made safe for a file; the run id added where two would clash). */
function modelRunFiles(library: Library, sessionId: number, streams: readonly StoredStream[]): [string, ModelRunSummary][] {
  const used = new Set<string>();
  const keys = new Set(streams.map((s) => s.key));
  return listModelRuns(library, sessionId).filter((run) => keys.has(run.streamKey)).map((run) => {
    let name = `model-${run.name.replace(/[^\w.-]+/g, '_')}.csv`;
    if (used.has(name.toLowerCase())) name = name.replace(/\.csv$/, `-${run.id}.csv`);
    used.add(name.toLowerCase());
    return [name, run];
  });
}

/**
 * The streams an export writes, in the session's order: those `keys` names (stream keys), all when
 * absent. A key the session does not have is an error listing the ones it has.
 */
export function selectStreams(session: StoredSession, keys?: readonly string[]): StoredStream[] {
  if (!keys) return session.streams;
  if (keys.length === 0) throw new Error(`export of session ${session.id}: no stream chosen (choose at least one of ${session.streams.map((s) => s.key).join(', ')})`);
  const unknown = keys.filter((k) => !session.streams.some((s) => s.key === k));
  if (unknown.length > 0) {
    throw new Error(`session ${session.id} has no stream ${unknown.map((k) => `"${k}"`).join(', ')} (its streams: ${session.streams.map((s) => s.key).join(', ')})`);
  }
  return session.streams.filter((s) => keys.includes(s.key));
}

/** A session's events, less those of streams left out of the export (session-wide events stay). */
export function exportedEvents(library: Library, sessionId: number, streams: readonly StoredStream[]): ReturnType<Library['events']> {
  const keys = new Set(streams.map((s) => s.key));
  return library.events(sessionId).filter((e) => e.key === undefined || keys.has(e.key));
}

/** Throws, saying what is wrong, for a range that cannot be exported. */
export function checkExportRange({ from, to }: ExportRange): void {
  for (const [name, v] of [['from', from], ['to', to]] as const) {
    if (v !== undefined && !Number.isFinite(v)) throw new Error(`export range: ${name} must be a number of seconds from the session start, got ${v}`);
  }
  if (from !== undefined && to !== undefined && !(to > from)) throw new Error(`export range: to (${to} s) must be after from (${from} s)`);
}

/** Seconds of chunks read at a time: bounded memory, few queries. */
const WINDOW_S = 60;

/**
 * A stream's samples at host times [a, b), chunk by chunk, cut at the range's edges: the chunk
 * that straddles a, then the chunks starting in [a, b) a window at a time, so memory stays flat.
 */
export function* chunksIn(library: Library, streamId: number, a: number, b: number): Generator<StoredChunk> {
  const starts = library.chunkStarts(streamId);
  if (!starts) return;
  if (a > starts.first) for (const c of library.chunksBetween(streamId, a, a)) yield cut(c, a, b);
  for (let w = Math.max(a, starts.first); w <= starts.last && w < b; w += WINDOW_S) {
    for (const c of library.chunksStartingIn(streamId, w, Math.min(w + WINDOW_S, b))) yield cut(c, a, b);
  }
}

function cut(c: StoredChunk, a: number, b: number): StoredChunk {
  const [i0, i1] = samplesIn(c, a, b);
  if (i0 === 0 && i1 === c.n) return c;
  const n = i1 - i0;
  const channels = c.data.length / c.n;
  const data = new (c.data instanceof Float64Array ? Float64Array : Float32Array)(n * channels);
  for (let ch = 0; ch < channels; ch++) data.set(c.data.subarray(ch * c.n + i0, ch * c.n + i1), ch * n);
  return { index: c.index + i0, t0: c.t0 + i0 * c.dt, dt: c.dt, n, data };
}

/** About how many samples of a stream a range holds, for the progress bar. */
function expectedSamples(stream: StoredStream, session: StoredSession, { from = 0, to }: ExportRange): number {
  const length = (session.endedAt ?? Infinity) - session.startedAt;
  const seconds = Math.max(0, Math.min(to ?? length, length) - Math.max(0, from));
  return stream.rate > 0 && Number.isFinite(seconds) ? Math.min(stream.samples, Math.round(seconds * stream.rate)) : stream.samples;
}

/** Writes `path` + PARTIAL_SUFFIX; an I/O error (a full disk) says which file it hit. */
export function withFile(path: string, count: (bytes: number) => void, body: (write: (data: string | Uint8Array) => void) => void): void {
  const partial = path + PARTIAL_SUFFIX;
  const fd = io(path, () => openSync(partial, 'w'));
  try {
    body((data) => count(io(path, () => (typeof data === 'string' ? writeSync(fd, data) : writeSync(fd, data)))));
  } finally {
    closeSync(fd);
  }
}

function io<T>(path: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw new Error(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** File names (without .csv) per stream: the stream name, prefixed by its device where names repeat. */
export function fileNames(streams: readonly { key: string; name: string }[]): string[] {
  const count = new Map<string, number>();
  for (const s of streams) count.set(s.name, (count.get(s.name) ?? 0) + 1);
  const used = new Set<string>(['events']);
  return streams.map((s) => {
    const device = s.key.endsWith(`/${s.name}`) ? s.key.slice(0, -s.name.length - 1) : s.key;
    const stem = count.get(s.name)! > 1 || s.name === 'events' ? `${deviceName(device)}_${safeName(s.name)}` : safeName(s.name);
    let base = stem;
    for (let n = 2; used.has(base); n++) base = `${stem}_${n}`;
    used.add(base);
    return base;
  });
}

/** A short name for a device id: `serial:/dev/ttyACM0` -> `ttyACM0`, `serial:/tmp/x/board-a` -> `board-a`. */
function deviceName(id: string): string {
  const path = id.replace(/^serial:/, '');
  return safeName(path.split('/').filter(Boolean).pop() ?? path) || 'device';
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
