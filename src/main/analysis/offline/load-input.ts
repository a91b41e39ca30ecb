/**
 * Loads an analysis input from disk (or the library): a WFDB record (.hea, single- or
 * multi-segment), a CSV file, or a recorded session id. The parsing itself is pure and lives in
 * src/main/formats; this module only reads files and stitches segments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { StreamKind } from '../../../shared/types';
import { groupCsvStreams, kindForLabel, parseCsv } from '../../formats/csv-reader';
import { decodeSamples, demuxSignals, parseWfdbHeader, type WfdbHeader, WfdbError, assertSupportedFormat } from '../../formats/wfdb';
import { correctedBeats } from '../../storage/corrected-beats';
import { Library, type StoredChunk } from '../../storage/library';

export interface InputChannel {
  label: string;
  unit: string;
  fs: number;
  data: Float32Array | Float64Array;
}

export interface InputStream {
  /** A recorded stream's key (sessions only). */
  key?: string;
  kind: StreamKind;
  fs: number;
  channels: InputChannel[];
  /** A recorded stream's beats as the user corrected them: positions in samples of `channels` (fractional), ascending; their classes where set. */
  correctedBeats?: { positions: number[]; rejected: boolean[]; classes?: (string | null)[] };
  /** For a recorded stream: the time of a sample position of `channels`, in s from the session start (each chunk has its own timing). */
  timeAt?(position: number): number;
  /** For a recorded stream: the sample position of `channels` at time `t` (s from the session start); the inverse of timeAt. */
  positionAt?(t: number): number;
  /** A recorded session's labels (its own and the session-wide ones), as [start, end) sample positions of `channels`. */
  labels?: { start: number; end: number; text: string }[];
}

export interface LoadedInput {
  source: string;
  streams: InputStream[];
  /** All channels in input order (for --signal by index). */
  channels: InputChannel[];
  notes: string[];
}

export interface LoadOptions {
  rate?: number;
  kinds?: Record<string, StreamKind>;
  db?: string;
}

export interface WfdbRecord {
  header: WfdbHeader;
  signals: InputChannel[];
  notes: string[];
}

/** Reads a WFDB record from its .hea path; multi-segment records are joined (gaps as NaN). */
export function readWfdbRecord(heaPath: string): WfdbRecord {
  const dir = dirname(heaPath);
  const header = parseWfdbHeader(readFileSync(heaPath, 'latin1'));
  if (header.segments) return readMultiSegment(header, dir);
  const notes: string[] = [];
  const signals: InputChannel[] = new Array(header.signals.length);
  for (const s of header.signals) assertSupportedFormat(s.format, `signal "${s.description || s.fileName}" of record ${header.record}`);
  const files = [...new Set(header.signals.map((s) => s.fileName))];
  for (const file of files) {
    const idx = header.signals.map((s, i) => (s.fileName === file ? i : -1)).filter((i) => i >= 0);
    const specs = idx.map((i) => header.signals[i]);
    const path = join(dir, file);
    if (!existsSync(path)) throw new WfdbError(`signal file ${file} of record ${header.record} not found in ${dir}`);
    const samples = decodeSamples(new Uint8Array(readFileSync(path)), specs[0].format, specs[0].byteOffset);
    const decoded = demuxSignals(samples, specs, header.fs, header.samples);
    const frames = decoded[0].data.length / decoded[0].spec.samplesPerFrame;
    if (header.samples !== null && frames < header.samples) {
      notes.push(`${file} is truncated: it holds ${frames} of the ${header.samples} samples per signal the header declares; analysed what is there`);
    }
    if (specs.some((s) => s.skew)) notes.push(`record ${header.record}: signal skew is ignored`);
    decoded.forEach((d, k) => {
      signals[idx[k]] = { label: d.spec.description || `sig${idx[k]}`, unit: d.spec.units, fs: d.fs, data: d.data };
    });
  }
  return { header, signals, notes };
}

function readMultiSegment(header: WfdbHeader, dir: string): WfdbRecord {
  const notes: string[] = [];
  const parts: (WfdbRecord | { gap: number })[] = [];
  let layout: WfdbRecord | null = null;
  for (const seg of header.segments!) {
    const path = join(dir, `${seg.name}.hea`);
    if (seg.name === '~' || !existsSync(path)) {
      if (seg.name !== '~') notes.push(`segment ${seg.name} (${seg.samples} samples) has no header: treated as a gap`);
      parts.push({ gap: seg.samples });
      continue;
    }
    const rec = readWfdbRecord(path);
    if (rec.header.signals.length > 0 && rec.header.samples === 0) layout = layout ?? rec;
    else parts.push(rec);
  }
  // Signal set: the layout segment's, else the first real segment's; matched by label.
  const first = layout ?? (parts.find((p) => 'header' in p) as WfdbRecord | undefined);
  if (!first) throw new WfdbError(`multi-segment record ${header.record} has no readable segment`);
  const signals = first.signals.map((s) => {
    const ratio = s.fs / header.fs;
    const total = parts.reduce((n, p) => n + ('gap' in p ? p.gap : (p.header.samples ?? p.signals[0]?.data.length ?? 0)), 0) * ratio;
    const data = new Float32Array(Math.round(total)).fill(NaN);
    let o = 0;
    for (const p of parts) {
      if ('gap' in p) {
        o += Math.round(p.gap * ratio);
        continue;
      }
      const len = Math.round((p.header.samples ?? 0) * ratio);
      const match = p.signals.find((c) => c.label === s.label);
      if (match) data.set(match.data.subarray(0, len), o);
      o += len;
    }
    return { label: s.label, unit: s.unit, fs: s.fs, data };
  });
  notes.push(...parts.flatMap((p) => ('notes' in p ? p.notes : [])));
  return { header, signals, notes };
}

const WFDB_KIND: [RegExp, StreamKind][] = [
  [/^(ecg|ekg|ii|i|iii|mlii|ml|v\d?|avr|avl|avf|mli|mliii|lead)\b/i, 'ecg'],
  [/^(pleth|ppg|red|ir|green)/i, 'ppg'],
  [/^(acc|gyro|[ag][xyz]$)/i, 'imu'],
];

/** The kind of a WFDB signal from its description. */
export function kindForWfdbLabel(label: string): StreamKind | null {
  const k = kindForLabel(label);
  if (k) return k;
  for (const [re, kind] of WFDB_KIND) if (re.test(label.trim())) return kind;
  return null;
}

function groupChannels(channels: InputChannel[], kinds: Record<string, StreamKind>, kindOf: (label: string) => StreamKind | null): InputStream[] {
  const lower = new Map(Object.entries(kinds).map(([k, v]) => [k.toLowerCase(), v]));
  const streams: InputStream[] = [];
  for (const c of channels) {
    const kind = lower.get(c.label.toLowerCase()) ?? kindOf(c.label);
    if (!kind || kind === 'other') continue;
    let s = streams.find((x) => x.kind === kind && x.fs === c.fs);
    if (!s) streams.push((s = { kind, fs: c.fs, channels: [] }));
    s.channels.push(c);
  }
  return streams;
}

/** A WFDB record read already as an analysis input: its signals grouped into streams by kind and rate. */
export function recordInput(source: string, rec: WfdbRecord, kinds: Record<string, StreamKind> = {}): LoadedInput {
  return { source, channels: rec.signals, streams: groupChannels(rec.signals, kinds, kindForWfdbLabel), notes: rec.notes };
}

export function loadInput(input: string, options: LoadOptions = {}): LoadedInput {
  const kinds = options.kinds ?? {};
  if (/^\d+$/.test(input) && !existsSync(input)) return loadSession(Number(input), options);
  if (!existsSync(input)) throw new Error(`input ${input} not found (give a WFDB .hea, a .csv or a session id)`);
  const ext = extname(input).toLowerCase();
  if (ext === '.hea') return recordInput(input, readWfdbRecord(input), kinds);
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') {
    const table = parseCsv(readFileSync(input, 'utf8'));
    const rec = groupCsvStreams(table, { rate: options.rate, kinds });
    const channels: InputChannel[] = [];
    const streams = rec.streams.map((s) => {
      const chans = s.labels.map((label, k) => ({ label, unit: '', fs: s.fs, data: s.channels[k] }));
      channels.push(...chans);
      return { kind: s.kind, fs: s.fs, channels: chans };
    });
    const notes = rec.ignored.length ? [`columns not analysed: ${rec.ignored.join(', ')}`] : [];
    return { source: input, channels, streams, notes };
  }
  throw new Error(`unsupported input ${input}: give a WFDB .hea, a .csv or a session id`);
}

function loadSession(id: number, options: LoadOptions): LoadedInput {
  if (!options.db) throw new Error(`"${id}" is not a file; to analyse session ${id} give its library with --db PATH`);
  const library = new Library(options.db);
  try {
    return loadSessionFrom(library, id, options.kinds);
  } finally {
    library.close();
  }
}

/** A recorded session's raw streams from an open library (a job's read-only one, say); only those of `keys` when given. */
export function loadSessionFrom(library: Library, id: number, kinds?: LoadOptions['kinds'], keys?: ReadonlySet<string>): LoadedInput {
  const session = library.session(id);
  if (!session) throw new Error(`no session ${id} in ${library.path}`);
  const streams: InputStream[] = [];
  const channels: InputChannel[] = [];
  const notes: string[] = [];
  const labels = library.eventsBetween(id, ['label'], 0, Number.MAX_VALUE);
  for (const st of session.streams) {
    if (keys && !keys.has(st.key)) continue;
    const nch = st.channels.length;
    // Sample indices count lost samples too: the input runs from the first recorded sample to the
    // last, and lost stretches stay NaN (a gap), never filled.
    const chunks = [...library.chunks(st.id)];
    const base = chunks[0]?.index ?? 0;
    const length = chunks.reduce((end, c) => Math.max(end, c.index + c.n), base) - base;
    const cols = st.channels.map(() => new Float32Array(length).fill(NaN));
    for (const chunk of chunks) {
      for (let c = 0; c < nch; c++) cols[c].set(chunk.data.subarray(c * chunk.n, (c + 1) * chunk.n), chunk.index - base);
    }
    if (length > st.samples) notes.push(`${st.name}: ${length - st.samples} lost samples are gaps (NaN)`);
    const chans = st.channels.map((ch, c) => ({ label: ch.label, unit: ch.unit, fs: st.rate, data: cols[c] }));
    channels.push(...chans);
    const kind = kinds?.[st.name] ?? st.kind;
    const corrected = correctedBeats(library, st.id);
    const at = (t: number) => samplePosition(chunks, base, t);
    const beats = corrected && { positions: corrected.t.map((t) => at(session.startedAt + t)), rejected: corrected.rejected, ...(corrected.classes ? { classes: corrected.classes } : {}) };
    const mine = labels.filter((e) => e.key === undefined || e.key === st.key).map((e) => ({ start: at(e.t), end: at(e.t + e.duration), text: e.text }));
    // Derived streams (HR series, metrics) are results, not signals to analyse again.
    const timeAt = (position: number) => sampleTime(chunks, base, position) - session.startedAt;
    const positionAt = (t: number) => at(session.startedAt + t);
    if (!st.derivedFrom && (kind === 'ecg' || kind === 'ppg' || kind === 'imu')) streams.push({ key: st.key, kind, fs: st.rate, channels: chans, labels: mine, timeAt, positionAt, ...(beats ? { correctedBeats: beats } : {}) });
  }
  return { source: `session ${id}`, streams, channels, notes };
}

/** The host time of sample position `p` (less `base`), from the chunk it lies in (or the last one before it). */
function sampleTime(chunks: readonly StoredChunk[], base: number, p: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].index - base <= p) lo = mid;
    else hi = mid - 1;
  }
  const c = chunks[lo];
  return c ? c.t0 + (p - (c.index - base)) * c.dt : 0;
}

/** Where host time `t` falls on a stream's sample index (less `base`), from the chunk it lies in: each chunk has its own timing. */
function samplePosition(chunks: readonly StoredChunk[], base: number, t: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].t0 <= t) lo = mid;
    else hi = mid - 1;
  }
  const c = chunks[lo];
  return c ? c.index - base + (t - c.t0) / c.dt : 0;
}
