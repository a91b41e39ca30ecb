/**
 * A recording read from a file (WFDB, EDF/BDF, our CSV export), in the shape a session is made
 * of: streams of sample runs, events, reference beats. The readers beside this module make one;
 * import-record.ts stores it.
 */
import type { EventKind, StreamKind } from '../../../shared/types';
import { kindForWfdbLabel } from './load-input';

export interface RecordingStream {
  key: string;
  name: string;
  kind: StreamKind;
  fs: number;
  channels: { label: string; unit: string }[];
  derivedFrom?: string;
  /** Runs of samples: `at`, the first one's index from the recording's start; one array per channel. NaN in channel 0 is a lost sample. */
  segments: { at: number; data: (Float32Array | Float64Array)[] }[];
  /** Reference beats (seconds from the start, MIT class letters): the stream's corrected set. */
  reference?: { t: number[]; classes: string[] };
  /** Beats the file already has (seconds from the start): stored as detected instead of running the detector. */
  beats?: number[];
}

export interface RecordingEvent {
  kind: EventKind;
  /** Seconds from the start. */
  t: number;
  duration: number;
  text: string;
  /** The stream it concerns, by name. */
  stream?: string;
}

export interface Recording {
  name: string;
  /** Format name (wfdb, edf, bdf, csv) and the file's absolute path. */
  format: string;
  path: string;
  /** Seconds since the epoch of sample 0. */
  startedAt: number;
  streams: RecordingStream[];
  events: RecordingEvent[];
  /** What the import left out and why: kept in the session as note events. */
  notes: string[];
}

export const EVENT_KINDS = ['gap', 'marker', 'device', 'note', 'beat', 'step', 'label'] as const satisfies readonly EventKind[];

const IMU_UNITS = /^(g|m\/s\^?2|m\/s²|deg\/s|dps|rad\/s|°\/s)$/i;

/**
 * A signal's kind from its label, as WFDB and CSV labels go (ECG leads I, II, MLII, V1..V6, "ECG";
 * PPG, PLETH, red/ir/green; acc/gyro/ax..gz), else from its unit (g, m/s², deg/s: IMU); else other.
 * A voltage alone says nothing: EEG and EMG are in µV too.
 */
export function guessStreamKind(label: string, unit: string): StreamKind {
  return kindForWfdbLabel(label) ?? (IMU_UNITS.test(unit.trim()) ? 'imu' : 'other');
}

/** Event kinds our exports write as text (`kind[ stream]: text`); gaps come back from the samples, not the text. */
const TEXT_KINDS: ReadonlySet<string> = new Set(['marker', 'label', 'step', 'note', 'device', 'gap']);

/**
 * An annotation text as an event: one our EDF/WFDB export wrote (`label ecg: walking`, a WFDB
 * NOTE's ` [12.5 s]` duration) gets its kind, stream and duration back; any other is a marker, or
 * a label when it has a duration. Null for a gap (the import finds those in the samples).
 */
export function eventFromText(text: string, t: number, duration: number | null): RecordingEvent | null {
  const m = /^(\w+)(?: (\S+))?: ([\s\S]*?)(?: \[(\d+(?:\.\d+)?) s\])?$/.exec(text);
  if (m && TEXT_KINDS.has(m[1])) {
    if (m[1] === 'gap') return null;
    const d = duration ?? (m[4] !== undefined ? Number(m[4]) : 0);
    return { kind: m[1] as EventKind, t, duration: d, text: m[3], ...(m[2] ? { stream: m[2] } : {}) };
  }
  return { kind: duration ? 'label' : 'marker', t, duration: duration ?? 0, text };
}

/** Signals grouped into streams by kind and rate (keys: the kind, then kind-2, ...). */
export function groupByKind<C extends { label: string; unit: string; fs: number }>(signals: readonly C[]): { key: string; kind: StreamKind; fs: number; members: C[] }[] {
  const streams: { key: string; kind: StreamKind; fs: number; members: C[] }[] = [];
  for (const c of signals) {
    const kind = guessStreamKind(c.label, c.unit);
    let s = streams.find((x) => x.kind === kind && x.fs === c.fs);
    if (!s) {
      const same = streams.filter((x) => x.kind === kind).length;
      streams.push((s = { key: same ? `${kind}-${same + 1}` : kind, kind, fs: c.fs, members: [] }));
    }
    s.members.push(c);
  }
  return streams;
}

/** `file: message; nothing imported`, the one line a failed import gives. */
export function importError(file: string, message: string): Error {
  return new Error(`${file}: ${message}; nothing imported`);
}
