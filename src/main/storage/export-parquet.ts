import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportRange } from '../../shared/types';
import { checkExportRange, chunksIn, fileNames, PARTIAL_SUFFIX, type ExportProgress } from './export-csv';
import type { Library, StoredChunk, StoredSession, StoredStream } from './library';
import { writeParquet, type ParquetBatch, type ParquetColumn, type ParquetType } from './parquet';

/** Rows per row group of a stream's file: about a second of scanning per group at 1 kHz x 16 channels is 250k rows. */
export const STREAM_ROW_GROUP = 250_000;
/** Rows gathered from the stored chunks before they go to the writer: fewer, fuller DuckDB chunks. */
const BATCH_ROWS = 16_384;
/** The file that marks a folder as a Parquet export of ours (one this may replace). */
const SESSIONS_FILE = 'sessions.parquet';

export interface ParquetExportOptions {
  range?: ExportRange;
  /** Stream keys (or names) to include; every stream when absent. */
  streams?: readonly string[];
  onProgress?: (p: ExportProgress) => void;
}

/**
 * Writes sessions as a Hive-partitioned Parquet tree that DuckDB, pyarrow, Polars, Spark and Ray
 * read as one dataset:
 *
 *     dir/participant=<p>/session=<id>/<stream>.parquet   t, t_epoch, sample, one column per channel
 *     dir/sessions.parquet                                 one row per session
 *     dir/events.parquet                                   every event of those sessions
 *
 * `t` is seconds from the session start, `t_epoch` host time (Unix seconds), `sample` the
 * stream's sample index; lost samples are rows that are not there, never filled. `<p>` is the
 * participant's pseudonymous id with anything but letters, digits, `.`, `_` and `-` made `_`
 * (`unknown` when there is none); sessions.parquet keeps it as recorded.
 *
 * Written into `dir.partial` and renamed to `dir` only when complete; on a failure or a cancel
 * (onProgress throwing) the partial tree is removed. An existing `dir` is replaced only when it
 * is an earlier export (it holds sessions.parquet); any other non-empty folder is refused.
 */
export async function exportSessionsParquet(library: Library, sessionIds: readonly number[], dir: string, options: ParquetExportOptions = {}): Promise<string[]> {
  const range = options.range ?? {};
  checkExportRange(range);
  const sessions = sessionIds.map((id) => library.session(id) ?? fail(`no session ${id} in ${library.path}`));
  if (sessions.length === 0) throw new Error(`no finished session in ${library.path} to export`);
  for (const s of sessions) if (s.status === 'recording') throw new Error(`session ${s.id} is still recording: stop it first`);
  const chosen = sessions.map((s) => chooseStreams(s, options.streams));
  if (options.streams) {
    const found = new Set(chosen.flat().flatMap((s) => [s.key, s.name]));
    const missing = options.streams.filter((k) => !found.has(k));
    if (missing.length > 0) throw new Error(`no stream ${missing.join(', ')} in session${sessions.length > 1 ? 's' : ''} ${sessions.map((s) => s.id).join(', ')}`);
  }
  checkTarget(dir);

  const partial = dir + PARTIAL_SUFFIX;
  rmSync(partial, { recursive: true, force: true });
  const progress: ExportProgress = { stream: '', samplesDone: 0, samplesTotal: chosen.flat().reduce((n, s) => n + s.samples, 0), bytesWritten: 0 };
  const files: string[] = [];
  try {
    mkdirSync(partial, { recursive: true });
    const exported: string[][] = [];
    for (const [i, session] of sessions.entries()) {
      const folder = join(`participant=${partitionValue(session.participant)}`, `session=${session.id}`);
      const names = fileNames(chosen[i]);
      exported.push(names);
      for (const [k, stream] of chosen[i].entries()) {
        const file = join(folder, `${names[k]}.parquet`);
        progress.stream = `session ${session.id}: ${stream.name}`;
        await writeParquet(join(partial, file), streamColumns(library, stream), streamBatches(library, session, stream, range, progress, options.onProgress), { rowGroupSize: STREAM_ROW_GROUP });
        files.push(file);
        progress.bytesWritten += statSync(join(partial, file)).size;
      }
    }
    await writeParquet(join(partial, SESSIONS_FILE), SESSION_COLUMNS, [sessionRows(library, sessions, exported)]);
    await writeParquet(join(partial, 'events.parquet'), EVENT_COLUMNS, [eventRows(library, sessions, range)]);
    files.push(SESSIONS_FILE, 'events.parquet');
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    renameSync(partial, dir);
    return files.map((f) => join(dir, f));
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Every finished session of the library (not one being recorded), oldest first. */
export function finishedSessionIds(library: Library): number[] {
  return library
    .sessions()
    .filter((s) => s.status !== 'recording')
    .map((s) => s.id)
    .reverse();
}

function fail(message: string): never {
  throw new Error(message);
}

function chooseStreams(session: StoredSession, wanted: readonly string[] | undefined): StoredStream[] {
  return session.streams.filter((s) => !wanted || wanted.includes(s.key) || wanted.includes(s.name));
}

/** Refuses to replace a folder that is not an earlier Parquet export: it may hold anything. */
function checkTarget(dir: string): void {
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw new Error(`cannot write ${dir}: ${(error as Error).message}`);
  }
  if (entries.length > 0 && !entries.includes(SESSIONS_FILE)) throw new Error(`${dir} is a folder with other files in it: export into an empty or new folder (an earlier Parquet export there is replaced)`);
}

/** A participant id as a Hive partition value: safe in a path on every OS and never empty. */
export function partitionValue(participant: string): string {
  const safe = participant.trim().replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || /^\.+$/.test(safe) ? 'unknown' : safe;
}

/** t, t_epoch, sample, then a column per channel named by its label (made unique): FLOAT, or DOUBLE where the stream stores doubles. */
function streamColumns(library: Library, stream: StoredStream): ParquetColumn[] {
  const chunks = library.chunks(stream.id);
  const first: StoredChunk | undefined = chunks.next().value;
  chunks.return(undefined);
  const type: ParquetType = first?.data instanceof Float64Array ? 'DOUBLE' : 'FLOAT';
  const used = new Set(['t', 't_epoch', 'sample']);
  const channels = stream.channels.map((c, i) => {
    let name = c.label.trim() || `ch${i + 1}`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${c.label.trim() || `ch${i + 1}`}_${n}`;
    used.add(name.toLowerCase());
    return { name, type };
  });
  return [{ name: 't', type: 'DOUBLE' }, { name: 't_epoch', type: 'DOUBLE' }, { name: 'sample', type: 'BIGINT' }, ...channels];
}

/** A stream's stored chunks (within the range) in batches of about BATCH_ROWS rows, reporting progress per chunk. */
function* streamBatches(library: Library, session: StoredSession, stream: StoredStream, range: ExportRange, progress: ExportProgress, onProgress?: (p: ExportProgress) => void): Generator<ParquetBatch> {
  const origin = session.startedAt;
  const channels = stream.channels.length;
  let pending: StoredChunk[] = [];
  let rows = 0;
  const flush = (): ParquetBatch => {
    const t = new Float64Array(rows);
    const epoch = new Float64Array(rows);
    const sample = new Float64Array(rows);
    const data = Array.from({ length: channels }, () => (pending[0].data instanceof Float64Array ? new Float64Array(rows) : new Float32Array(rows)));
    let at = 0;
    for (const c of pending) {
      for (let i = 0; i < c.n; i++) {
        const host = c.t0 + i * c.dt;
        epoch[at + i] = host;
        t[at + i] = host - origin;
        sample[at + i] = c.index + i;
      }
      for (let ch = 0; ch < channels; ch++) data[ch].set(c.data.subarray(ch * c.n, (ch + 1) * c.n), at);
      at += c.n;
    }
    const batch = { rows, columns: [t, epoch, sample, ...data] };
    pending = [];
    rows = 0;
    return batch;
  };
  for (const chunk of chunksIn(library, stream.id, origin + (range.from ?? -Infinity), origin + (range.to ?? Infinity))) {
    if (chunk.n === 0) continue;
    pending.push(chunk);
    rows += chunk.n;
    progress.samplesDone += chunk.n;
    onProgress?.(progress);
    if (rows >= BATCH_ROWS) yield flush();
  }
  if (rows > 0) yield flush();
}

const SESSION_COLUMNS: ParquetColumn[] = [
  { name: 'session', type: 'BIGINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'participant', type: 'VARCHAR' },
  { name: 'study', type: 'VARCHAR' },
  { name: 'started_at', type: 'DOUBLE' },
  { name: 'duration', type: 'DOUBLE' },
  { name: 'device', type: 'VARCHAR' },
  { name: 'firmware', type: 'VARCHAR' },
  { name: 'tags', type: 'VARCHAR[]' },
  { name: 'streams', type: 'VARCHAR[]' },
];

/** One row per session; `streams`: the files written under its folder (without .parquet). */
function sessionRows(library: Library, sessions: readonly StoredSession[], streams: readonly string[][]): ParquetBatch {
  const devices = sessions.map((s) => library.sessionDevices(s.id));
  const firmware = devices.map((d) => [...new Set(d.map((x) => x.firmware).filter((f): f is string => f !== null))].join(', ') || null);
  return {
    rows: sessions.length,
    columns: [
      sessions.map((s) => s.id),
      sessions.map((s) => s.name),
      sessions.map((s) => s.participant),
      sessions.map((s) => s.study || null),
      sessions.map((s) => s.startedAt),
      sessions.map((s) => (s.endedAt === null ? null : s.endedAt - s.startedAt)),
      devices.map((d) => d.map((x) => x.label).join(', ') || null),
      firmware,
      sessions.map((s) => s.tags),
      streams,
    ],
  };
}

const EVENT_COLUMNS: ParquetColumn[] = [
  { name: 'session', type: 'BIGINT' },
  { name: 'kind', type: 'VARCHAR' },
  { name: 't', type: 'DOUBLE' },
  { name: 'duration', type: 'DOUBLE' },
  { name: 'text', type: 'VARCHAR' },
  { name: 'stream', type: 'VARCHAR' },
];

/** Every event of the sessions (beats and steps included) that overlaps the range; t in seconds from its session's start. */
function eventRows(library: Library, sessions: readonly StoredSession[], range: ExportRange): ParquetBatch {
  const session: number[] = [];
  const kind: string[] = [];
  const t: number[] = [];
  const duration: number[] = [];
  const text: string[] = [];
  const stream: (string | null)[] = [];
  for (const s of sessions) {
    const a = s.startedAt + (range.from ?? -Infinity);
    const b = s.startedAt + (range.to ?? Infinity);
    for (const e of library.events(s.id)) {
      if (!(e.t < b && e.t + e.duration >= a)) continue;
      session.push(s.id);
      kind.push(e.kind);
      t.push(e.t - s.startedAt);
      duration.push(e.duration);
      text.push(e.text);
      stream.push(e.stream);
    }
  }
  return { rows: session.length, columns: [session, kind, Float64Array.from(t), Float64Array.from(duration), text, stream] };
}
