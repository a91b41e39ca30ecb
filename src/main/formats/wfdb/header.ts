/**
 * WFDB header (.hea) parser, after the WFDB Programmer's Guide, "header(5)": the record line,
 * one line per signal (file, format[xSPF][:skew][+offset], gain(baseline)/units, ADC resolution,
 * ADC zero, initial value, checksum, block size, description), or, for a multi-segment record,
 * one line per segment (name and length; "~" is a null segment, i.e. a gap). Pure: text in.
 */

export interface WfdbSignalSpec {
  fileName: string;
  format: number;
  samplesPerFrame: number;
  skew: number;
  byteOffset: number;
  /** ADC units per physical unit; 200 when the header gives 0 or nothing. */
  gain: number;
  baseline: number;
  units: string;
  adcResolution: number;
  adcZero: number;
  initialValue: number;
  checksum: number | null;
  description: string;
}

export interface WfdbSegmentSpec {
  name: string;
  samples: number;
}

export interface WfdbHeader {
  record: string;
  /** Frame rate, Hz (a signal's sample rate is fs * samplesPerFrame). */
  fs: number;
  /** Frames per signal; null when the header leaves it out. */
  samples: number | null;
  signalCount: number;
  signals: WfdbSignalSpec[];
  /** Present for a multi-segment record. */
  segments: WfdbSegmentSpec[] | null;
  comments: string[];
}

export class WfdbError extends Error {}

export function parseWfdbHeader(text: string): WfdbHeader {
  const comments: string[] = [];
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) comments.push(line.slice(1).trim());
    else if (line.length > 0) lines.push(line.replace(/\s+#.*$/, ''));
  }
  if (lines.length === 0) throw new WfdbError('WFDB header has no record line');
  const rec = lines[0].split(/\s+/);
  const [recordField, nsigField = '0', fsField, nsampField] = rec;
  const [record, segField] = recordField.split('/');
  const signalCount = Number(nsigField);
  if (!Number.isInteger(signalCount) || signalCount < 0) throw new WfdbError(`bad signal count "${nsigField}" in WFDB record line`);
  const fs = fsField === undefined ? 250 : Number(fsField.split('/')[0].replace(/\(.*\)$/, ''));
  if (!(Number.isFinite(fs) && fs > 0)) throw new WfdbError(`bad sampling frequency "${fsField}" in WFDB record line`);
  const samples = nsampField === undefined ? null : Number(nsampField);
  if (samples !== null && !(Number.isInteger(samples) && samples >= 0)) throw new WfdbError(`bad sample count "${nsampField}" in WFDB record line`);
  if (segField !== undefined) {
    const nseg = Number(segField);
    if (!Number.isInteger(nseg) || nseg < 1) throw new WfdbError(`bad segment count "${segField}"`);
    if (lines.length < 1 + nseg) throw new WfdbError(`multi-segment header lists ${lines.length - 1} of ${nseg} segments`);
    const segments = lines.slice(1, 1 + nseg).map((l) => {
      const [name, len] = l.split(/\s+/);
      const n = Number(len);
      if (!Number.isInteger(n) || n < 0) throw new WfdbError(`bad segment line "${l}" in WFDB header`);
      return { name, samples: n };
    });
    return { record, fs, samples, signalCount, signals: [], segments, comments };
  }
  if (lines.length < 1 + signalCount) throw new WfdbError(`WFDB header lists ${lines.length - 1} of ${signalCount} signals`);
  const signals = lines.slice(1, 1 + signalCount).map(parseSignalLine);
  return { record, fs, samples, signalCount, signals, segments: null, comments };
}

/** A whole number from field `name` of a signal line, or the default when the field is absent. */
function integer(field: string | undefined, name: string, line: string, fallback: number): number {
  if (field === undefined) return fallback;
  const n = Number(field);
  if (!Number.isInteger(n)) throw new WfdbError(`bad ${name} "${field}" in signal line "${line}"`);
  return n;
}

function parseSignalLine(line: string): WfdbSignalSpec {
  const f = line.split(/\s+/);
  const fmt = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(f[1] ?? '');
  if (!fmt) throw new WfdbError(`bad format field "${f[1]}" in signal line "${line}"`);
  const samplesPerFrame = fmt[2] ? Number(fmt[2]) : 1;
  if (samplesPerFrame < 1) throw new WfdbError(`bad samples per frame "${fmt[2]}" in signal line "${line}"`);
  const gainField = f[2] ?? '';
  const g = /^([-+\d.eE]+)?(?:\(([-\d]+)\))?(?:\/(.*))?$/.exec(gainField);
  if (!g) throw new WfdbError(`bad gain field "${gainField}" in signal line "${line}"`);
  const adcZero = integer(f[4], 'ADC zero', line, 0);
  let gain = g[1] !== undefined ? Number(g[1]) : 200;
  if (!Number.isFinite(gain)) throw new WfdbError(`bad gain "${g[1]}" in signal line "${line}"`);
  // WFDB: a gain of 0 means "uncalibrated", read with the default 200.
  if (gain === 0) gain = 200;
  return {
    fileName: f[0],
    format: Number(fmt[1]),
    samplesPerFrame,
    skew: fmt[3] ? Number(fmt[3]) : 0,
    byteOffset: fmt[4] ? Number(fmt[4]) : 0,
    gain,
    baseline: integer(g[2], 'baseline', line, adcZero),
    units: g[3] ?? 'mV',
    adcResolution: integer(f[3], 'ADC resolution', line, 12),
    adcZero,
    initialValue: integer(f[5], 'initial value', line, 0),
    checksum: f[6] !== undefined ? integer(f[6], 'checksum', line, 0) : null,
    description: f.slice(8).join(' '),
  };
}
