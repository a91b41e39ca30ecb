/**
 * An EDF, EDF+C/D, BDF or BDF+ file as a Recording. Each data record's samples sit at its start
 * (the time-keeping TAL of EDF+D): records that follow each other make one run, and the time
 * between runs becomes a gap, no samples invented. Annotations become events (markers; labels
 * when they have a duration). A file Vitalscope wrote comes back as it left: streams by the key
 * in each signal's transducer field, kinds and derived streams restored, "no value" samples (the
 * digital minimum) as lost samples, and its `kind stream: text` annotations as those events.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { StreamKind } from '../../../shared/types';
import { STREAM_KINDS } from '../../../shared/types';
import { readEdf, type EdfFile, type EdfSignal } from '../../formats/edf';
import { eventFromText, groupByKind, importError, type Recording, type RecordingEvent, type RecordingStream } from './recording';

/** Our writer's transducer field: `<kind>[ derived from <key>] (<key>)`. */
const OUR_TRANSDUCER = /^(\w+)(?: derived from (\S+))? \((.+)\)$/;

export function readEdfRecording(path: string): Recording {
  const where = basename(path);
  let edf: EdfFile;
  try {
    edf = readEdf(new Uint8Array(readFileSync(path)));
  } catch (error) {
    throw importError(where, (error as Error).message);
  }
  const { header } = edf;
  if (edf.signals.length === 0) throw importError(where, `the file has annotations only, no signal to review (${header.signalCount} annotation signal${header.signalCount === 1 ? '' : 's'})`);
  if (!(header.recordDuration > 0)) throw importError(where, `header field "duration of a data record" is ${header.recordDuration}: signals need records that last`);
  for (let r = 1; r < edf.recordStarts.length; r++) {
    if (edf.recordStarts[r] < edf.recordStarts[r - 1] + header.recordDuration - 1e-6) {
      throw importError(where, `data record ${r + 1} starts at ${edf.recordStarts[r]} s, inside record ${r} (${edf.recordStarts[r - 1]} s + ${header.recordDuration} s)`);
    }
  }
  const ours = header.recordingFields?.[3] === 'Vitalscope' && edf.signals.every((s) => OUR_TRANSDUCER.test(s.transducer));
  const groups = ours ? ourStreams(edf.signals) : groupByKind(edf.signals.map((s) => ({ ...s, unit: s.physicalDimension, fs: s.rate }))).map((g) => ({ ...g, name: g.key, derivedFrom: undefined, labels: g.members.map((m) => m.label.trim()) }));
  const streams: RecordingStream[] = groups.map((g) => ({
    key: g.key,
    name: g.name,
    kind: g.kind,
    fs: g.fs,
    channels: g.members.map((m, i) => ({ label: g.labels[i], unit: m.physicalDimension.trim() })),
    ...(g.derivedFrom ? { derivedFrom: g.derivedFrom } : {}),
    segments: runs(edf, g.members, ours),
  }));
  const events: RecordingEvent[] = [];
  for (const a of edf.annotations) {
    const e = ours ? eventFromText(a.text, a.onset, a.duration) : { kind: a.duration ? ('label' as const) : ('marker' as const), t: a.onset, duration: a.duration ?? 0, text: a.text };
    if (e) events.push(e);
  }
  return { name: `${header.bdf ? 'BDF' : 'EDF'} ${basename(path).replace(/\.[^.]+$/, '')}`, format: header.bdf ? 'bdf' : 'edf', path, startedAt: header.startMs / 1000, streams, events, notes: [] };
}

/** Signals of a file we wrote, by the stream key in their transducer field; labels without the stream name we put before them. */
function ourStreams(signals: readonly EdfSignal[]) {
  const groups: { key: string; name: string; kind: StreamKind; fs: number; derivedFrom?: string; members: EdfSignal[]; labels: string[] }[] = [];
  for (const s of signals) {
    const [, kind, derivedFrom, key] = OUR_TRANSDUCER.exec(s.transducer)!;
    let g = groups.find((x) => x.key === key);
    const name = key.split('/').pop()!;
    if (!g) groups.push((g = { key, name, kind: (STREAM_KINDS as readonly string[]).includes(kind) ? (kind as StreamKind) : 'other', fs: s.rate, members: [], labels: [], ...(derivedFrom ? { derivedFrom } : {}) }));
    g.members.push(s);
    const label = s.label.trim();
    g.labels.push(label.startsWith(`${name} `) ? label.slice(name.length + 1) : label);
  }
  return groups;
}

/** The samples of `members` (one rate) as runs of consecutive records; in a file we wrote, "no value" samples as NaN. */
function runs(edf: EdfFile, members: readonly EdfSignal[], ours: boolean): RecordingStream['segments'] {
  const spr = members[0].samplesPerRecord;
  const duration = edf.header.recordDuration;
  const segments: RecordingStream['segments'] = [];
  let first = 0;
  for (let r = 1; r <= edf.recordStarts.length; r++) {
    const follows = r < edf.recordStarts.length && Math.abs(edf.recordStarts[r] - (edf.recordStarts[r - 1] + duration)) < 0.5 / members[0].rate;
    if (follows) continue;
    segments.push({
      at: Math.round(edf.recordStarts[first] * members[0].rate),
      data: members.map((m) => {
        const data = Float32Array.from(m.data.subarray(first * spr, r * spr));
        if (ours) {
          // Our writer keeps the digital minimum free of data: it means "no value".
          const noValue = m.physicalMin + (0.5 * (m.physicalMax - m.physicalMin)) / (m.digitalMax - m.digitalMin);
          for (let i = 0; i < data.length; i++) if (data[i] < noValue) data[i] = NaN;
        }
        return data;
      }),
    });
    first = r;
  }
  return segments;
}
