/**
 * A WFDB record (.hea, single- or multi-segment) as a Recording: its signals grouped into streams
 * by kind and rate; the reference annotations (`.atr` beside the `.hea`) as the first ECG
 * stream's reference beats with classes, their other annotations (rhythm, noise, comments) as
 * markers; and a `.events` file (what our WFDB export writes) as events.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { annotationMnemonic, isBeatCode, NOTE_CODE, parseMitAnnotations, type WfdbAnnotations } from '../../formats/wfdb';
import { readWfdbRecord, type WfdbRecord } from './load-input';
import { eventFromText, groupByKind, importError, type Recording, type RecordingEvent, type RecordingStream } from './recording';

export function readWfdbRecording(path: string): Recording {
  const rec = readChecked(path);
  const streams: RecordingStream[] = groupByKind(rec.signals).map((g) => ({
    key: g.key,
    name: g.key,
    kind: g.kind,
    fs: g.fs,
    channels: g.members.map((c) => ({ label: c.label, unit: c.unit })),
    segments: [{ at: 0, data: g.members.map((c) => c.data) }],
  }));
  const ecg = streams.find((s) => s.kind === 'ecg');
  const events: RecordingEvent[] = [];
  const atr = path.replace(/\.hea$/i, '.atr');
  if (existsSync(atr)) {
    const ann = readAnnotationFile(atr);
    if (!ecg) throw importError(basename(atr), `reference annotations for a record with no ECG signal (signals: ${rec.signals.map((s) => s.label).join(', ')})`);
    const length = ecg.segments[0].data[0].length;
    const beat = ann.codes.map(isBeatCode);
    const late = ann.samples.findIndex((s, k) => beat[k] && s >= length);
    if (late >= 0) throw importError(basename(atr), `annotation ${late + 1} (${annotationMnemonic(ann.codes[late])}) is at sample ${ann.samples[late]}, past the record's end (${length} samples)`);
    ecg.reference = { t: [], classes: [] };
    ann.codes.forEach((code, k) => {
      const t = ann.samples[k] / ecg.fs;
      if (beat[k]) {
        ecg.reference!.t.push(t);
        ecg.reference!.classes.push(annotationMnemonic(code));
      } else events.push({ kind: 'marker', t, duration: 0, text: `${annotationMnemonic(code)}${ann.aux[k] ? ` ${ann.aux[k]}` : ''}`, stream: ecg.name });
    });
  }
  const notes = path.replace(/\.hea$/i, '.events');
  if (existsSync(notes)) {
    const ann = readAnnotationFile(notes);
    ann.codes.forEach((code, k) => {
      const e = code === NOTE_CODE && ann.aux[k] ? eventFromText(ann.aux[k]!, ann.samples[k] / rec.header.fs, null) : null;
      if (e) events.push(e);
    });
  }
  return { name: `record ${rec.header.record}`, format: 'wfdb', path, startedAt: Date.now() / 1000, streams, events, notes: rec.notes };
}

/** The record, refusing what the import would get wrong: a truncated signal file, or no signal at all. */
function readChecked(path: string): WfdbRecord {
  const where = basename(path);
  if (!existsSync(path)) throw new Error(`${path}: no such record`);
  let rec: WfdbRecord;
  try {
    rec = readWfdbRecord(path);
  } catch (error) {
    throw importError(where, (error as Error).message);
  }
  if (rec.signals.length === 0) throw importError(where, 'the header declares no signals');
  const declared = rec.header.samples;
  if (declared !== null && !rec.header.segments) {
    rec.signals.forEach((s, i) => {
      const expected = Math.round((declared * s.fs) / rec.header.fs);
      if (s.data.length < expected) {
        throw importError(where, `signal ${i} (${s.label}) in ${rec.header.signals[i].fileName} is truncated: ${s.data.length} of the ${expected} samples the header declares`);
      }
    });
  }
  return rec;
}

function readAnnotationFile(path: string): WfdbAnnotations {
  try {
    return parseMitAnnotations(new Uint8Array(readFileSync(path)));
  } catch (error) {
    throw importError(basename(path), (error as Error).message);
  }
}
