/**
 * Reads EDF, EDF+C, EDF+D, BDF and BDF+ files (https://www.edfplus.info/specs/): every header
 * field, the signals in physical units, and the annotations of every "EDF/BDF Annotations"
 * signal with each record's start. Pure: it is given the file's bytes.
 */
import { monthNumber } from './fields';
import { parseTals, type EdfAnnotation } from './tal';

export class EdfFormatError extends Error {}

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  reserved: string;
  /** An "EDF Annotations" / "BDF Annotations" signal (EDF+/BDF+). */
  annotations: boolean;
}

export interface EdfHeader {
  /** '0' for EDF, '\xffBIOSEMI' for BDF as written (the first byte shown as \xff). */
  version: string;
  bdf: boolean;
  patient: string;
  recording: string;
  /** dd.mm.yy and hh.mm.ss as written. */
  startDate: string;
  startTime: string;
  /** The start as a UTC instant (EDF keeps local clock time without a zone), ms since the epoch. */
  startMs: number;
  headerBytes: number;
  reserved: string;
  /** 'EDF+C', 'EDF+D', 'BDF+C', 'BDF+D', or null for plain EDF/BDF. */
  plus: 'C' | 'D' | null;
  records: number;
  recordDuration: number;
  signalCount: number;
  signals: EdfSignalHeader[];
  /** The EDF+ patient subfields (code, sex, birthdate, name), when the field follows EDF+. */
  patientFields: string[] | null;
  /** The EDF+ recording subfields after "Startdate" (date, admin code, technician, equipment, ...). */
  recordingFields: string[] | null;
}

export interface EdfSignal extends EdfSignalHeader {
  /** Samples per second. */
  rate: number;
  /** Physical values, record after record. */
  data: Float64Array;
}

export interface EdfFile {
  header: EdfHeader;
  /** The ordinary signals (annotation signals left out). */
  signals: EdfSignal[];
  annotations: EdfAnnotation[];
  /** Each data record's start, seconds from the file's start (k * duration for plain EDF and where no TAL says). */
  recordStarts: Float64Array;
}

const SIGNAL_FIELDS: [keyof EdfSignalHeader, number, string][] = [
  ['label', 16, 'label'],
  ['transducer', 80, 'transducer type'],
  ['physicalDimension', 8, 'physical dimension'],
  ['physicalMin', 8, 'physical minimum'],
  ['physicalMax', 8, 'physical maximum'],
  ['digitalMin', 8, 'digital minimum'],
  ['digitalMax', 8, 'digital maximum'],
  ['prefiltering', 80, 'prefiltering'],
  ['samplesPerRecord', 8, 'number of samples in each data record'],
  ['reserved', 32, 'reserved'],
];

/** Parses the header; throws EdfFormatError naming the field that is wrong. */
export function readEdfHeader(bytes: Uint8Array): EdfHeader {
  if (bytes.length < 256) throw new EdfFormatError(`not an EDF/BDF file: ${bytes.length} bytes, shorter than the 256-byte header`);
  const text = (from: number, width: number): string => String.fromCharCode(...bytes.subarray(from, from + width));
  const bdf = bytes[0] === 0xff && text(1, 7) === 'BIOSEMI';
  if (!bdf && text(0, 8).trim() !== '0') throw new EdfFormatError(`not an EDF/BDF file: the version field is "${printable(text(0, 8))}", not "0" (EDF) or 0xFF "BIOSEMI" (BDF)`);
  const integer = (value: string, name: string): number => {
    const s = value.trim();
    if (!/^[+-]?\d+$/.test(s)) throw new EdfFormatError(`header field "${name}" is "${printable(s)}", not an integer`);
    return Number(s);
  };
  const decimal = (value: string, name: string): number => {
    const s = value.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new EdfFormatError(`header field "${name}" is "${printable(s)}", not a number`);
    return Number(s);
  };
  const startDate = text(168, 8);
  const startTime = text(176, 8);
  const d = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(startDate.trim());
  if (!d) throw new EdfFormatError(`header field "startdate" is "${printable(startDate)}", not dd.mm.yy`);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(startTime.trim());
  if (!t) throw new EdfFormatError(`header field "starttime" is "${printable(startTime)}", not hh.mm.ss`);
  const headerBytes = integer(text(184, 8), 'number of bytes in header record');
  const reserved = text(192, 44);
  const plusMatch = /^(EDF|BDF)\+([CD])/.exec(reserved);
  const records = integer(text(236, 8), 'number of data records');
  const recordDuration = decimal(text(244, 8), 'duration of a data record');
  const signalCount = integer(text(252, 4), 'number of signals');
  if (signalCount < 1) throw new EdfFormatError(`header field "number of signals" is ${signalCount}: a file needs at least one signal`);
  if (headerBytes !== 256 * (signalCount + 1)) {
    throw new EdfFormatError(`header field "number of bytes in header record" is ${headerBytes}, but ${signalCount} signals make a ${256 * (signalCount + 1)}-byte header`);
  }
  if (bytes.length < headerBytes) throw new EdfFormatError(`truncated: the header of ${signalCount} signals needs ${headerBytes} bytes, the file has ${bytes.length}`);
  if (!(recordDuration >= 0)) throw new EdfFormatError(`header field "duration of a data record" is ${recordDuration}: it cannot be negative`);

  const signals: EdfSignalHeader[] = Array.from({ length: signalCount }, () => ({}) as EdfSignalHeader);
  let offset = 256;
  for (const [key, width, name] of SIGNAL_FIELDS) {
    for (const [i, signal] of signals.entries()) {
      const value = text(offset + i * width, width);
      const where = `signal ${i + 1}`;
      if (key === 'physicalMin' || key === 'physicalMax') signal[key] = decimal(value, `${name} of ${where}`);
      else if (key === 'digitalMin' || key === 'digitalMax' || key === 'samplesPerRecord') signal[key] = integer(value, `${name} of ${where}`);
      else (signal as unknown as Record<string, string>)[key] = value.trimEnd();
    }
    offset += width * signalCount;
  }
  const [lo, hi] = bdf ? [-8388608, 8388607] : [-32768, 32767];
  for (const [i, s] of signals.entries()) {
    s.annotations = s.label.trim() === (bdf ? 'BDF Annotations' : 'EDF Annotations') || s.label.trim() === 'EDF Annotations';
    const where = `signal ${i + 1} ("${printable(s.label.trim())}")`;
    if (s.samplesPerRecord < 1) throw new EdfFormatError(`header field "number of samples in each data record" of ${where} is ${s.samplesPerRecord}: it must be at least 1`);
    if (s.annotations) continue;
    if (s.digitalMax <= s.digitalMin) throw new EdfFormatError(`header fields "digital minimum" (${s.digitalMin}) and "digital maximum" (${s.digitalMax}) of ${where}: the digital range is empty, so no value can be scaled`);
    if (s.digitalMin < lo || s.digitalMax > hi) throw new EdfFormatError(`header fields "digital minimum"/"digital maximum" of ${where} (${s.digitalMin}..${s.digitalMax}) exceed the ${bdf ? '24' : '16'}-bit range`);
    if (s.physicalMax === s.physicalMin) throw new EdfFormatError(`header fields "physical minimum" and "physical maximum" of ${where} are both ${s.physicalMin}: the physical range is empty`);
  }
  if (plusMatch && !signals.some((s) => s.annotations)) throw new EdfFormatError(`the reserved field says ${plusMatch[0]}, but no signal is labelled "${bdf ? 'BDF' : 'EDF'} Annotations"`);

  const year = Number(d[3]);
  const startMs = Date.UTC(year >= 85 ? 1900 + year : 2000 + year, Number(d[2]) - 1, Number(d[1]), Number(t[1]), Number(t[2]), Number(t[3]));
  const patient = text(8, 80).trimEnd();
  const recording = text(88, 80).trimEnd();
  const patientFields = plusMatch ? patient.split(' ').filter(Boolean) : null;
  const recordingWords = recording.split(' ').filter(Boolean);
  const recordingFields = plusMatch && recordingWords[0] === 'Startdate' ? recordingWords.slice(1) : null;
  // EDF+ keeps 4-digit years in the recording field ("Startdate 10-DEC-2009"): it wins over yy.
  const full = /^(\d\d)-([A-Z]{3})-(\d{4})$/.exec(recordingFields?.[0] ?? '');
  const start = full && monthNumber(full[2]) ? Date.UTC(Number(full[3]), monthNumber(full[2]) - 1, Number(full[1]), Number(t[1]), Number(t[2]), Number(t[3])) : startMs;
  return {
    version: bdf ? '\\xffBIOSEMI' : text(0, 8).trimEnd(),
    bdf,
    patient,
    recording,
    startDate,
    startTime,
    startMs: start,
    headerBytes,
    reserved: reserved.trimEnd(),
    plus: plusMatch ? (plusMatch[2] as 'C' | 'D') : null,
    records,
    recordDuration,
    signalCount,
    signals,
    patientFields,
    recordingFields,
  };
}

/** Reads a whole file; throws EdfFormatError naming what is wrong (truncated, inconsistent, a bad TAL). */
export function readEdf(bytes: Uint8Array): EdfFile {
  const header = readEdfHeader(bytes);
  const width = header.bdf ? 3 : 2;
  const recordBytes = header.signals.reduce((sum, s) => sum + s.samplesPerRecord * width, 0);
  const available = Math.floor((bytes.length - header.headerBytes) / recordBytes);
  if (header.records === -1) throw new EdfFormatError('header field "number of data records" is -1: the file was not closed by its recorder');
  if (header.records < 0) throw new EdfFormatError(`header field "number of data records" is ${header.records}`);
  if (available < header.records) {
    throw new EdfFormatError(`truncated: header field "number of data records" says ${header.records} records of ${recordBytes} bytes, the file holds ${available} (${bytes.length} bytes)`);
  }
  const ordinary = header.signals.filter((s) => !s.annotations);
  const outputs = ordinary.map((s) => new Float64Array(s.samplesPerRecord * header.records));
  const annotations: EdfAnnotation[] = [];
  const recordStarts = new Float64Array(header.records);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let r = 0; r < header.records; r++) {
    let at = header.headerBytes + r * recordBytes;
    let o = 0;
    let firstAnnotationSignal = true;
    recordStarts[r] = r * header.recordDuration;
    for (const [i, s] of header.signals.entries()) {
      const n = s.samplesPerRecord;
      if (s.annotations) {
        let parsed;
        try {
          parsed = parseTals(bytes.subarray(at, at + n * width), firstAnnotationSignal);
        } catch (error) {
          throw new EdfFormatError(`data record ${r + 1}, signal ${i + 1} ("${s.label.trim()}"): ${(error as Error).message}`);
        }
        if (firstAnnotationSignal && header.plus) {
          if (parsed.recordStart === null) throw new EdfFormatError(`data record ${r + 1} has no time-keeping TAL at the start of its first annotation signal (signal ${i + 1})`);
          recordStarts[r] = parsed.recordStart;
        }
        annotations.push(...parsed.annotations);
        firstAnnotationSignal = false;
      } else {
        const gain = (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin);
        const offset = s.physicalMin - s.digitalMin * gain;
        const out = outputs[o++];
        const base = r * n;
        if (width === 2) {
          for (let k = 0; k < n; k++) out[base + k] = view.getInt16(at + 2 * k, true) * gain + offset;
        } else {
          for (let k = 0; k < n; k++) {
            const p = at + 3 * k;
            out[base + k] = (((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8) * gain + offset;
          }
        }
      }
      at += n * width;
    }
  }
  const signals = ordinary.map((s, i) => ({ ...s, rate: header.recordDuration > 0 ? s.samplesPerRecord / header.recordDuration : 0, data: outputs[i] }));
  return { header, signals, annotations, recordStarts };
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').trim();
}
