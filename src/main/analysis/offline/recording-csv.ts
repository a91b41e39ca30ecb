/**
 * Our CSV export as a Recording: a folder (`<stream>.csv` per stream, `events.csv`; `model-*.csv`
 * are a model's outputs, not signals) or one stream file. A stream file is `time_s` (seconds from
 * the session start) then `<label> [<unit>]` columns; the rate is its median time step, and where
 * rows are missing (more than 1.5 steps apart) the stretch is a gap. `events.csv`'s beats become
 * the stream's detected beats (no detector run), its gaps are found again from the rows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EventKind } from '../../../shared/types';
import { parseCsv, parseCsvRows } from '../../formats/csv-reader';
import { EVENT_KINDS, guessStreamKind, importError, type Recording, type RecordingEvent, type RecordingStream } from './recording';

const EVENTS_FILE = 'events.csv';

export function readCsvRecording(path: string): Recording {
  const folder = statSync(path).isDirectory();
  const files = folder
    ? readdirSync(path)
        .filter((f) => f.toLowerCase().endsWith('.csv') && f !== EVENTS_FILE && !f.startsWith('model-'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (!folder && basename(path) === EVENTS_FILE) throw importError(EVENTS_FILE, 'holds events only: import the export folder, or a stream file of it');
  if (files.length === 0) throw importError(basename(path), 'the folder has no stream file (<stream>.csv) of a Vitalscope CSV export');
  const notes: string[] = [];
  const streams = files.flatMap((f) => {
    const s = readStreamFile(f);
    if (typeof s === 'string') notes.push(s);
    return typeof s === 'string' ? [] : [s];
  });
  if (streams.length === 0) throw importError(basename(path), notes.join('; '));
  const events = folder ? readEvents(join(path, EVENTS_FILE), streams) : [];
  return { name: `CSV ${basename(path).replace(/\.csv$/i, '')}`, format: 'csv', path, startedAt: Date.now() / 1000, streams, events, notes };
}

/** One stream file; a note (string) when its times are irregular (beat series, RR intervals): those are no sampled signal. */
function readStreamFile(file: string): RecordingStream | string {
  const where = basename(file);
  let table;
  try {
    table = parseCsv(readFileSync(file, 'utf8'));
  } catch (error) {
    throw importError(where, (error as Error).message);
  }
  if (table.labels[0] !== 'time_s') throw importError(where, `column 1 is "${table.labels[0]}", not time_s: not a stream file of a Vitalscope CSV export`);
  if (table.labels.length < 2) throw importError(where, 'there is no channel column after time_s');
  if (table.rows < 2) throw importError(where, `${table.rows} row${table.rows === 1 ? '' : 's'}: too few to give a sample rate`);
  const t = table.columns[0];
  const steps: number[] = [];
  for (let i = 1; i < t.length; i++) {
    const d = t[i] - t[i - 1];
    if (!(d > 0)) throw importError(where, `time_s at row ${i + 2} is ${Number.isNaN(t[i]) ? 'not a number' : `${t[i]}, not after ${t[i - 1]}`}`);
    steps.push(d);
  }
  const dt = [...steps].sort((a, b) => a - b)[steps.length >> 1];
  const irregular = steps.filter((d) => Math.abs(d - dt) > 0.01 * dt && d < 1.5 * dt).length;
  const stem = where.replace(/\.csv$/i, '');
  if (irregular > 0.01 * steps.length) return `${where}: irregular times (no fixed rate), left out`;
  let fs = 1 / dt;
  // Times written with 6 decimals give e.g. 250.0000001 Hz: a whole rate when that close.
  if (Math.abs(fs - Math.round(fs)) < 1e-4 * fs) fs = Math.round(fs);
  const channels = table.labels.slice(1).map((l) => {
    const m = /^(.*) \[(.*)\]$/.exec(l);
    return m ? { label: m[1], unit: m[2] } : { label: l, unit: '' };
  });
  const segments: RecordingStream['segments'] = [];
  let first = 0;
  for (let i = 1; i <= t.length; i++) {
    if (i < t.length && steps[i - 1] <= 1.5 * dt) continue;
    segments.push({ at: Math.round(t[first] * fs), data: table.columns.slice(1).map((c) => Float32Array.from(c.subarray(first, i))) });
    first = i;
  }
  const kind = guessStreamKind(stem, channels[0].unit) !== 'other' ? guessStreamKind(stem, channels[0].unit) : guessStreamKind(channels[0].label, channels[0].unit);
  return { key: stem, name: stem, kind, fs, channels, segments };
}

/** events.csv (`time_s,duration_s,kind,text`; a stream's events as `<stream>: text`); absent: none. */
function readEvents(file: string, streams: RecordingStream[]): RecordingEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  let rows: string[][];
  try {
    rows = parseCsvRows(text);
  } catch (error) {
    throw importError(EVENTS_FILE, (error as Error).message);
  }
  if (rows[0]?.join(',') !== 'time_s,duration_s,kind,text') throw importError(EVENTS_FILE, `the header is "${rows[0]?.join(',') ?? ''}", not time_s,duration_s,kind,text`);
  const events: RecordingEvent[] = [];
  rows.slice(1).forEach((row, i) => {
    const [t, duration, kind, body = ''] = row;
    if (row.length < 3 || !Number.isFinite(Number(t)) || !Number.isFinite(Number(duration))) throw importError(EVENTS_FILE, `row ${i + 2} is not time_s,duration_s,kind,text: "${row.join(',')}"`);
    if (!(EVENT_KINDS as readonly string[]).includes(kind)) throw importError(EVENTS_FILE, `row ${i + 2} has kind "${kind}"; kinds: ${EVENT_KINDS.join(', ')}`);
    if (kind === 'gap') return;
    const stream = streams.find((s) => body.startsWith(`${s.name}: `));
    const e: RecordingEvent = { kind: kind as EventKind, t: Number(t), duration: Number(duration), text: stream ? body.slice(stream.name.length + 2) : body, ...(stream ? { stream: stream.name } : {}) };
    if (e.kind === 'beat' && stream) (stream.beats ??= []).push(e.t);
    else events.push(e);
  });
  return events;
}
