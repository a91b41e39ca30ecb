/**
 * Numeric CSV reader for recordings: a header row of labels (or none: then ch0, ch1, ...),
 * one row per sample, an optional time column (`time`, `t`, `timestamp`, with an optional unit
 * like "Time [s]") giving seconds, and channels grouped into streams by label:
 * ecg/ekg/ii/mlii -> ECG, ppg/pleth/red/ir/green -> PPG, acc/ax/ay/az/gyro/gx/gy/gz -> IMU.
 * Pure: text in, columns out (no file access).
 */
import type { StreamKind } from '../../shared/types';

export interface CsvTable {
  labels: string[];
  /** One column per label; NaN where a cell is empty or not a number. */
  columns: Float64Array[];
  rows: number;
}

export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new Error('CSV is empty');
  const delimiter = lines[0].includes(',') ? ',' : lines[0].includes(';') ? ';' : lines[0].includes('\t') ? '\t' : ',';
  const first = lines[0].split(delimiter).map((c) => c.trim().replace(/^"|"$/g, ''));
  const hasHeader = first.some((c) => c.length > 0 && !Number.isFinite(Number(c)));
  const labels = hasHeader ? first.map((l, i) => l || `ch${i}`) : first.map((_, i) => `ch${i}`);
  const body = hasHeader ? lines.slice(1) : lines;
  const columns = labels.map(() => new Float64Array(body.length));
  for (let r = 0; r < body.length; r++) {
    const cells = body[r].split(delimiter);
    for (let c = 0; c < labels.length; c++) {
      const cell = cells[c];
      const v = cell === undefined || cell.trim() === '' ? NaN : Number(cell);
      columns[c][r] = Number.isFinite(v) ? v : NaN;
    }
  }
  return { labels, columns, rows: body.length };
}

/** A label without its unit suffix, lower case: "Time [s]" -> "time", " PLETH" -> "pleth". */
export function normaliseLabel(label: string): string {
  return label
    .replace(/\s*[[(].*$/, '')
    .trim()
    .toLowerCase();
}

const TIME_LABELS = new Set(['time', 't', 'timestamp', 'time_s', 'seconds', 'sec']);

export function kindForLabel(label: string): StreamKind | null {
  const l = normaliseLabel(label);
  if (/^(ecg|ekg)\w*$/.test(l) || l === 'ii' || l === 'mlii') return 'ecg';
  if (/^(ppg|pleth|red|ir|green)\w*$/.test(l)) return 'ppg';
  if (/^(acc|gyro)\w*$/.test(l) || /^[ag][xyz]$/.test(l)) return 'imu';
  return null;
}

export interface CsvStream {
  kind: StreamKind;
  fs: number;
  labels: string[];
  /** Column data, one per label. */
  channels: Float64Array[];
}

export interface CsvRecording {
  fs: number;
  /** Seconds of the first row (0 without a time column). */
  t0: number;
  streams: CsvStream[];
  /** Columns matching no kind (left out of the streams). */
  ignored: string[];
}

export interface CsvGroupOptions {
  /** Sample rate, Hz; required when there is no time column. */
  rate?: number;
  /** Overrides: label (as written or normalised) -> kind; kind 'other' leaves the column out. */
  kinds?: Record<string, StreamKind>;
}

/** Finds the time column and groups the other columns into ECG / PPG / IMU streams. */
export function groupCsvStreams(table: CsvTable, options: CsvGroupOptions = {}): CsvRecording {
  const overrides = new Map(Object.entries(options.kinds ?? {}).map(([k, v]) => [normaliseLabel(k), v]));
  let timeCol = -1;
  table.labels.forEach((l, i) => {
    if (timeCol < 0 && TIME_LABELS.has(normaliseLabel(l)) && !overrides.has(normaliseLabel(l))) timeCol = i;
  });
  if (options.rate !== undefined && !(Number.isFinite(options.rate) && options.rate > 0)) throw new Error(`the sample rate ${options.rate} Hz is not a positive number`);
  let fs = options.rate ?? NaN;
  let t0 = 0;
  if (timeCol >= 0) {
    const t = table.columns[timeCol];
    t0 = t[0];
    if (options.rate === undefined) {
      const diffs: number[] = [];
      for (let i = 1; i < Math.min(t.length, 2001); i++) if (Number.isFinite(t[i] - t[i - 1])) diffs.push(t[i] - t[i - 1]);
      diffs.sort((a, b) => a - b);
      const dt = diffs[diffs.length >> 1];
      if (!(dt > 0)) throw new Error(`time column "${table.labels[timeCol]}" does not increase; give the sample rate with --rate`);
      fs = 1 / dt;
      if (!Number.isFinite(fs)) throw new Error(`time column "${table.labels[timeCol]}" steps by ${dt} s, too little to give a sample rate; give it with --rate`);
      // Times printed in decimal give e.g. 100.00000000000213 Hz: snap to a whole rate when that close.
      if (Math.abs(fs - Math.round(fs)) < 1e-6 * fs) fs = Math.round(fs);
    }
  }
  if (!(fs > 0)) throw new Error('the CSV has no time column (time, t): give the sample rate with --rate HZ');
  const byKind = new Map<StreamKind, CsvStream>();
  const ignored: string[] = [];
  table.labels.forEach((label, i) => {
    if (i === timeCol) return;
    const kind = overrides.get(normaliseLabel(label)) ?? overrides.get(label) ?? kindForLabel(label);
    if (!kind || kind === 'other') {
      ignored.push(label);
      return;
    }
    let s = byKind.get(kind);
    if (!s) byKind.set(kind, (s = { kind, fs, labels: [], channels: [] }));
    s.labels.push(label);
    s.channels.push(table.columns[i]);
  });
  return { fs, t0, streams: [...byKind.values()], ignored };
}

/** Rows of text fields (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks). */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new Error(`a quoted field opened on row ${rows.length + 1} is never closed`);
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
