/**
 * One session's share of an ML dataset: its windows cut from the chosen streams, resampled, with
 * labels and quality flags, written as Parquet parts (and .npy shards) under the dataset folder.
 * A window touching a lost sample is skipped and counted, never filled. Parts are written to
 * `.partial` and renamed; a part already there (an earlier, interrupted run) is kept as it is.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { kurtosisSqi } from '../analysis/dsp/ecg/ecg-sqi';
import { magnitude, windowActivity } from '../analysis/dsp/imu/activity';
import { cutWindow, resamplePlan, type SignalInput } from '../analysis/inference/windowing';
import { loadSessionFrom, type InputStream } from '../analysis/offline/load-input';
import { npyHeader } from '../formats/dataset/npy';
import type { SplitName } from '../formats/dataset/split';
import { centredWindows, overlappingText, slidingWindows, stepAt, type PlannedWindow, type WindowAnchor } from '../formats/dataset/windows';
import { currentBeats } from './corrected-beats';
import { PARTIAL_SUFFIX, withFile } from './export-csv';
import { protocolSteps } from './protocol-steps';
import type { Library, StoredSession } from './library';
import { writeParquet, type ParquetColumn, type ParquetValues } from './parquet';

/** What the windows are, the same for every session of a dataset. */
export interface DatasetSpec {
  /** Stream names (or keys) to cut, in column order. */
  streams: string[];
  /** Window length and step, s. */
  window: number;
  step: number;
  /** Hz every stream is resampled to; absent: each keeps its own rate. */
  rate?: number;
  around?: WindowAnchor;
  /** Label sources attached: label events, the beat class (beat windows), the protocol step. */
  labels: LabelSource[];
  npy: boolean;
  /** Windows per Parquet part (and .npy shard), at most: fewer where they are long (PART_SAMPLES). */
  windowsPerPart: number;
}

export const LABEL_SOURCES = ['label', 'beat', 'marker', 'step'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

/** Where one session's windows go. */
export interface SessionTarget {
  sessionId: number;
  /** The Hive partition value: the participant, or `session-<id>` for a session without one. */
  group: string;
  split: SplitName;
}

export interface SessionParts {
  sessionId: number;
  windows: number;
  /** Samples written (windows x channels x samples per window). */
  samples: number;
  /** Windows not written, per reason. */
  skipped: Record<string, number>;
  /** The whole session was left out, and why (a stream it lacks). */
  excluded?: string;
  /** Parts written or found from an earlier run, relative to the dataset folder. */
  parts: string[];
  /** Windows per value of the main label (see mainLabel). */
  labels: Record<string, number>;
  /** Columns of sample lists: name, channels' stream, samples per window. */
  columns: { name: string; stream: string; samples: number }[];
}

export interface PartsProgress {
  windowsDone: number;
  windowsTotal: number;
}

/** Samples a part holds at most (16 MB of float32): the part is in memory, and DuckDB holds a few copies of it, while it is written. */
const PART_SAMPLES = 4_000_000;

const SKIP_GAP = 'touches lost samples';
const SKIP_EDGE = 'runs past the recording';
const SKIP_REJECTED = 'beat rejected as artifact';

/** The label a window is classed by in y-<n>.npy: the beat class, else the marker, else the label text, else the step. */
export function mainLabel(labels: Record<string, string>): string {
  return labels.beat_class ?? labels.marker ?? labels.label ?? labels.step ?? '';
}

/** Resolves requested names to the session's raw streams; a message when one is missing or ambiguous. */
function resolveStreams(session: StoredSession, names: readonly string[]): { keys: string[] } | { excluded: string } {
  const keys: string[] = [];
  for (const name of names) {
    const found = session.streams.filter((s) => !s.derivedFrom && (s.key === name || s.name === name));
    if (found.length === 0) return { excluded: `no raw stream "${name}"` };
    if (found.length > 1) return { excluded: `stream "${name}" is ambiguous (${found.map((s) => s.key).join(', ')}): give its key` };
    keys.push(found[0].key);
  }
  return { keys };
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_]+/g, '_');
}

/** Cuts and writes session `target.sessionId`'s windows under `dir`. */
export async function writeSessionParts(library: Library, dir: string, spec: DatasetSpec, target: SessionTarget, onProgress?: (p: PartsProgress) => void): Promise<SessionParts> {
  const { sessionId } = target;
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  const result: SessionParts = { sessionId, windows: 0, samples: 0, skipped: {}, parts: [], labels: {}, columns: [] };
  const resolved = resolveStreams(session, spec.streams);
  if ('excluded' in resolved) return { ...result, excluded: resolved.excluded };
  const imuKey = session.streams.find((s) => !s.derivedFrom && s.kind === 'imu' && s.channels.length >= 3)?.key;
  const input = loadSessionFrom(library, sessionId, undefined, new Set([...resolved.keys, ...(imuKey ? [imuKey] : [])]));
  const streams = resolved.keys.map((k) => input.streams.find((s) => s.key === k));
  const notSignal = streams.findIndex((s) => !s);
  if (notSignal >= 0) return { ...result, excluded: `stream "${spec.streams[notSignal]}" is not a raw ECG, PPG or IMU signal` };
  const signals = streams as InputStream[];
  const imu = imuKey ? input.streams.find((s) => s.key === imuKey) : undefined;

  const cutters = signals.map((s) => {
    const rate = spec.rate ?? s.fs;
    const shape: SignalInput = { name: s.key!, source: 'signal', kind: s.kind, channels: s.channels.length, rate, before: spec.window, after: 0, normalise: { type: 'none' }, layout: 'NCW' };
    const samples = Math.round(spec.window * rate);
    const stream = session.streams.find((x) => x.key === s.key)!;
    for (const c of s.channels) result.columns.push({ name: `${safe(stream.name)}_${safe(c.label)}`, stream: stream.key, samples });
    return { s, shape, plan: resamplePlan(s.fs, rate), samples, length: s.channels[0].data.length };
  });
  if (new Set(result.columns.map((c) => c.name)).size < result.columns.length) {
    for (const [i, c] of result.columns.entries()) c.name = `${c.name}_${i}`;
  }

  const windows = planWindows(library, session, spec, signals);
  const labelEvents = library
    .eventsBetween(sessionId, ['label'], 0, Number.MAX_VALUE)
    .filter((e) => e.key === undefined || resolved.keys.includes(e.key))
    .map((e) => ({ t: e.t - session.startedAt, duration: e.duration, text: e.text }));
  const steps = protocolSteps(library, sessionId, session.startedAt);

  const part = new PartBuffer(dir, spec, target, result);
  const progress = { windowsDone: 0, windowsTotal: windows.length };
  for (const w of windows) {
    progress.windowsDone++;
    if (progress.windowsDone % 256 === 0) onProgress?.(progress);
    if (w.rejected) {
      count(result.skipped, SKIP_REJECTED);
      continue;
    }
    const cut: Float32Array[] = [];
    let refusal: string | null = null;
    for (const c of cutters) {
      const read = (ch: number, i: number) => c.s.channels[ch].data[i];
      const x = cutWindow(read, { first: 0, end: c.length }, c.s.fs, c.shape, c.plan, c.s.positionAt!(w.start));
      if (typeof x === 'string') {
        refusal = x === 'gap' ? SKIP_GAP : SKIP_EDGE;
        break;
      }
      cut.push(x);
    }
    if (refusal) {
      count(result.skipped, refusal);
      continue;
    }
    const labels: Record<string, string> = {};
    if (spec.labels.includes('label')) labels.label = overlappingText(labelEvents, w.start, w.end);
    if (spec.labels.includes('beat') && spec.around === 'beats') labels.beat_class = w.centre ?? '';
    if (spec.labels.includes('marker') && spec.around === 'markers') labels.marker = w.centre ?? '';
    if (spec.labels.includes('step')) labels.step = stepAt(steps, (w.start + w.end) / 2);
    count(result.labels, mainLabel(labels));
    await part.add(w, cut, labels, quality(signals[0], imu, w));
    result.windows++;
  }
  await part.flush();
  onProgress?.(progress);
  return result;
}

interface Window extends PlannedWindow {
  rejected?: boolean;
}

/** The session's windows: sliding over the time every stream covers, or centred on the first stream's current beats or on the markers. */
function planWindows(library: Library, session: StoredSession, spec: DatasetSpec, signals: InputStream[]): Window[] {
  if (spec.around === 'beats') {
    const beats = currentBeats(library, session.id, signals[0].key!);
    return centredWindows(
      beats.t.map((t, i) => ({ t, text: beats.classes?.[i] ?? '' })),
      spec.window,
    ).map((w, i) => ({ ...w, rejected: beats.rejected[i] }));
  }
  if (spec.around === 'markers') {
    const markers = library.eventsBetween(session.id, ['marker'], 0, Number.MAX_VALUE).map((e) => ({ t: e.t - session.startedAt, text: e.text }));
    return centredWindows(markers, spec.window);
  }
  const from = Math.max(...signals.map((s) => s.timeAt!(0)));
  const to = Math.min(...signals.map((s) => s.timeAt!(s.channels[0].data.length)));
  return slidingWindows(from, to, spec.window, spec.step);
}

/** Quality flags of a window: lost share around it, the ECG kSQI, the IMU's motion. */
function quality(first: InputStream, imu: InputStream | undefined, w: Window): Record<string, number | null> {
  const fs = first.fs;
  const n = Math.round((w.end - w.start) * fs);
  const p = Math.round(first.positionAt!(w.start));
  const data = first.channels[0].data;
  // The window is whole (or it was skipped): what is lost within one window's length either side says how near a gap it lies.
  const a = Math.max(0, p - n);
  const b = Math.min(data.length, p + 2 * n);
  let lost = 0;
  for (let i = a; i < b; i++) if (data[i] !== data[i]) lost++;
  const out: Record<string, number | null> = { missing_near: b > a ? lost / (b - a) : null };
  out.ecg_ksqi = first.kind === 'ecg' ? kurtosisSqi(data, p, p + n) : null;
  out.motion_sd = null;
  if (imu) {
    const i0 = Math.max(0, Math.round(imu.positionAt!(w.start)));
    const i1 = Math.min(imu.channels[0].data.length, Math.round(imu.positionAt!(w.end)));
    if (i1 > i0) {
      const axes = new Float64Array(3 * (i1 - i0));
      for (let c = 0; c < 3; c++) axes.set(imu.channels[c].data.subarray(i0, i1), c * (i1 - i0));
      out.motion_sd = windowActivity(magnitude(axes, i1 - i0)).sd;
    }
  }
  return out;
}

function count(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Windows gathered for the part being filled; written when full. */
class PartBuffer {
  private n = 0;
  private rows: { w: Window; cut: Float32Array[]; labels: Record<string, string>; quality: Record<string, number | null> }[] = [];

  constructor(
    private readonly dir: string,
    private readonly spec: DatasetSpec,
    private readonly target: SessionTarget,
    private readonly result: SessionParts,
  ) {}

  async add(w: Window, cut: Float32Array[], labels: Record<string, string>, quality: Record<string, number | null>): Promise<void> {
    this.rows.push({ w, cut, labels, quality });
    const perWindow = this.result.columns.reduce((sum, c) => sum + c.samples, 0);
    if (this.rows.length >= this.spec.windowsPerPart || this.rows.length * perWindow >= PART_SAMPLES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const { target, result, rows } = this;
    const name = `part-${target.sessionId}-${this.n}`;
    const rel = join(`split=${target.split}`, `participant=${target.group}`, `${name}.parquet`);
    const file = join(this.dir, rel);
    const channels = result.columns.length;
    // Every column has the same samples per window only when all streams share one rate; .npy needs that.
    const samples = result.columns[0].samples;
    result.samples += rows.length * result.columns.reduce((s, c) => s + c.samples, 0);
    result.parts.push(rel);
    if (!existsSync(file)) {
      const table = this.table();
      await writeParquet(file, table.map((c) => c.column), [{ rows: rows.length, columns: table.map((c) => c.values) }]);
    }
    if (this.spec.npy) {
      const npyDir = join(this.dir, 'npy', target.split);
      const x = join(npyDir, `x-${target.sessionId}-${this.n}.npy`);
      if (!existsSync(x)) {
        mkdirSync(npyDir, { recursive: true });
        withFile(x, () => {}, (write) => {
          write(npyHeader('<f4', [rows.length, channels, samples]));
          for (const r of rows) for (const c of r.cut) write(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        });
        renameSync(x + PARTIAL_SUFFIX, x);
      }
      const meta = join(npyDir, `meta-${target.sessionId}-${this.n}.json`);
      withFile(meta, () => {}, (write) => write(JSON.stringify({ part: rel, windows: rows.map((r) => ({ session: target.sessionId, participant: target.group, t_start: r.w.start, t_end: r.w.end, label: mainLabel(r.labels), ...r.labels, ...r.quality })) })));
      renameSync(meta + PARTIAL_SUFFIX, meta);
    }
    this.rows = [];
    this.n++;
  }

  /** Metadata columns, then one FLOAT[n] column per stream channel. */
  private table(): { column: ParquetColumn; values: ParquetValues }[] {
    const { rows, target } = this;
    const col = (name: string, type: ParquetColumn['type'], values: ParquetValues) => ({ column: { name, type }, values });
    return [
      col('session', 'INTEGER', rows.map(() => target.sessionId)),
      col('participant', 'VARCHAR', rows.map(() => target.group)),
      col('streams', 'VARCHAR', rows.map(() => this.spec.streams.join(','))),
      col('t_start', 'DOUBLE', rows.map((r) => r.w.start)),
      col('t_end', 'DOUBLE', rows.map((r) => r.w.end)),
      ...Object.keys(rows[0].labels).map((l) => col(l, 'VARCHAR', rows.map((r) => r.labels[l]))),
      ...Object.keys(rows[0].quality).map((q) => col(q, 'DOUBLE', rows.map((r) => r.quality[q]))),
      ...this.signalColumns(),
    ];
  }

  private signalColumns(): { column: ParquetColumn; values: ParquetValues }[] {
    const { rows, result } = this;
    const out: { column: ParquetColumn; values: ParquetValues }[] = [];
    let column = 0;
    rows[0].cut.forEach((first, s) => {
      const size = result.columns[column].samples;
      const nch = first.length / size;
      for (let ch = 0; ch < nch; ch++, column++) {
        const data = new Float32Array(rows.length * size);
        rows.forEach((r, i) => data.set(r.cut[s].subarray(ch * size, (ch + 1) * size), i * size));
        out.push({ column: { name: result.columns[column].name, type: `FLOAT[${size}]` }, values: data });
      }
    });
    return out;
  }
}
