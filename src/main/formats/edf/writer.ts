/**
 * Writes EDF+ and BDF+ (C or D): the header, data records, and the record duration and value
 * ranges that make a file exact and strict-reader safe. Pure: it builds bytes, the caller
 * writes them.
 */
import { edfPlusDate, field, fitNumber, subfield } from './fields';
import { timeKeepingTal } from './tal';

export type EdfVariant = 'edf' | 'bdf';

/** Strict readers (EDFbrowser) reject larger data records. */
export const MAX_RECORD_BYTES = 61440;

export const DIGITAL_RANGE: Record<EdfVariant, { min: number; max: number; bytes: number }> = {
  edf: { min: -32768, max: 32767, bytes: 2 },
  bdf: { min: -8388608, max: 8388607, bytes: 3 },
};

export interface EdfSignalSpec {
  label: string;
  transducer: string;
  physicalDimension: string;
  /** Exactly as written in the header (so scaling uses the values a reader sees). */
  physicalMin: string;
  physicalMax: string;
  prefiltering: string;
  samplesPerRecord: number;
}

export interface EdfWriteHeader {
  variant: EdfVariant;
  discontinuous: boolean;
  /** The participant's pseudonymous code only: no names. */
  patientCode: string;
  /** Equipment subfield of the recording field. */
  equipment: string;
  /** Whole seconds since the Unix epoch, written as UTC. */
  start: number;
  records: number;
  /** As written in the header, exact (see chooseRecordDuration). */
  recordDuration: string;
  signals: EdfSignalSpec[];
  annotationSignals: number;
  annotationSamples: number;
}

/** The header record: 256 bytes + 256 per signal (ordinary, then annotation signals), 7-bit ASCII. */
export function encodeEdfHeader(h: EdfWriteHeader): Uint8Array {
  const { min, max } = DIGITAL_RANGE[h.variant];
  const annotationLabel = h.variant === 'bdf' ? 'BDF Annotations' : 'EDF Annotations';
  const all = [
    ...h.signals.map((s) => ({ ...s, digitalMin: String(min), digitalMax: String(max) })),
    ...Array.from({ length: h.annotationSignals }, () => ({
      label: annotationLabel,
      transducer: '',
      physicalDimension: '',
      physicalMin: '-1',
      physicalMax: '1',
      digitalMin: String(min),
      digitalMax: String(max),
      prefiltering: '',
      samplesPerRecord: h.annotationSamples,
    })),
  ];
  const date = new Date(h.start * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const yy = two(date.getUTCFullYear() % 100);
  const version = h.variant === 'bdf' ? '\x00BIOSEMI' : field('0', 8);
  let text =
    version +
    field(`${subfield(h.patientCode)} X X X`, 80) +
    field(`Startdate ${edfPlusDate(date)} X X ${subfield(h.equipment)}`, 80) +
    `${two(date.getUTCDate())}.${two(date.getUTCMonth() + 1)}.${yy}` +
    `${two(date.getUTCHours())}.${two(date.getUTCMinutes())}.${two(date.getUTCSeconds())}` +
    field(String(256 * (all.length + 1)), 8) +
    field(`${h.variant === 'bdf' ? 'BDF' : 'EDF'}+${h.discontinuous ? 'D' : 'C'}`, 44) +
    field(String(h.records), 8) +
    field(h.recordDuration, 8) +
    field(String(all.length), 4);
  const columns: [keyof (typeof all)[number], number][] = [
    ['label', 16],
    ['transducer', 80],
    ['physicalDimension', 8],
    ['physicalMin', 8],
    ['physicalMax', 8],
    ['digitalMin', 8],
    ['digitalMax', 8],
    ['prefiltering', 80],
    ['samplesPerRecord', 8],
  ];
  for (const [key, width] of columns) for (const s of all) text += field(String(s[key]), width);
  text += ' '.repeat(32 * all.length);
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  // BDF's version field starts with the byte 0xFF (not a character of the ASCII header).
  if (h.variant === 'bdf') bytes[0] = 0xff;
  return bytes;
}

/** Bytes of one data record. */
export function recordBytes(h: Pick<EdfWriteHeader, 'variant' | 'signals' | 'annotationSignals' | 'annotationSamples'>): number {
  const samples = h.signals.reduce((sum, s) => sum + s.samplesPerRecord, 0) + h.annotationSignals * h.annotationSamples;
  return samples * DIGITAL_RANGE[h.variant].bytes;
}

/** Physical values to digital: the header's range mapped onto [digital min, max]; see encodeRecord. */
export interface Scaling {
  gain: number;
  physicalMin: number;
}

export function scaling(variant: EdfVariant, s: Pick<EdfSignalSpec, 'physicalMin' | 'physicalMax'>): Scaling {
  const { min, max } = DIGITAL_RANGE[variant];
  return { gain: (Number(s.physicalMax) - Number(s.physicalMin)) / (max - min), physicalMin: Number(s.physicalMin) };
}

/**
 * Encodes one data record into `out` (recordBytes long). `samples[i]` holds signal i's
 * samplesPerRecord physical values; NaN (no value: a lost stretch, a stream not yet started)
 * becomes the digital minimum, which chooseRanges keeps free of real data. `tals[a]` is the
 * content of annotation signal a (the first one opening with the time-keeping TAL).
 */
export function encodeRecord(h: EdfWriteHeader, scales: readonly Scaling[], samples: readonly ArrayLike<number>[], tals: readonly Uint8Array[], out: Uint8Array): void {
  const { min, max, bytes } = DIGITAL_RANGE[h.variant];
  let at = 0;
  for (const [i, s] of h.signals.entries()) {
    const { gain, physicalMin } = scales[i];
    const values = samples[i];
    const inv = 1 / gain;
    for (let k = 0; k < s.samplesPerRecord; k++) {
      const v = values[k];
      let d = v === v ? Math.round((v - physicalMin) * inv) + min : min;
      if (d > max) d = max;
      else if (d < min + 1 && v === v) d = min + 1;
      out[at] = d & 0xff;
      out[at + 1] = (d >> 8) & 0xff;
      if (bytes === 3) out[at + 2] = (d >> 16) & 0xff;
      at += bytes;
    }
  }
  const annotationBytes = h.annotationSamples * bytes;
  for (let a = 0; a < h.annotationSignals; a++) {
    const tal = tals[a];
    if (tal && tal.length > annotationBytes) throw new Error(`annotation signal ${a + 1}: ${tal.length} bytes of TALs exceed its ${annotationBytes}`);
    out.fill(0, at, at + annotationBytes);
    if (tal) out.set(tal, at);
    at += annotationBytes;
  }
}

/**
 * Physical minimum and maximum for a signal whose values lie in [lo, hi]: widened a little (so
 * rounding the 8-character fields never clips, and the digital minimum stays free to mean "no
 * value"), then written in 8 characters rounded outwards. Throws when the values do not fit.
 */
export function chooseRange(lo: number, hi: number, what: string): { physicalMin: string; physicalMax: string } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = -1;
    hi = 1;
  }
  const span = hi - lo;
  const margin = span > 0 ? span * 1e-3 : Math.max(Math.abs(lo) * 1e-3, 1);
  const physicalMin = fitNumber(lo - margin, 8, 'down');
  const physicalMax = fitNumber(hi + margin, 8, 'up');
  if (physicalMin === null || physicalMax === null) throw new Error(`${what}: values from ${lo} to ${hi} do not fit EDF's 8-character physical minimum/maximum`);
  return { physicalMin, physicalMax };
}

/** A rate as a reduced fraction p/q (q <= 1e6), or null when no small fraction is that rate. */
export function rateFraction(rate: number): [number, number] | null {
  // Continued fractions: the first convergent within 1e-9 relative of the rate.
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = rate;
  for (let step = 0; step < 40; step++) {
    const a = Math.floor(x);
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > 1e6) return null;
    if (Math.abs(h1 / k1 - rate) <= 1e-9 * rate) return [h1, k1];
    if (x - a < 1e-12) return null;
    x = 1 / (x - a);
  }
  return null;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** A record duration and each signal's samples in it, every rate x duration an integer. */
export interface RecordTiming {
  /** Seconds, exactly the header's text. */
  duration: number;
  text: string;
  samplesPerRecord: number[];
}

/**
 * The record durations (seconds, exact in 8 characters) in which every rate makes a whole number
 * of samples, nearest to `target` first: the smallest such duration is lcm(q)/gcd(p) over the
 * rates p/q, and the candidates are its multiples up to 60 s. Throws, naming it, for a rate that
 * is no small fraction or that no duration represents in 8 characters.
 */
export function recordTimings(rates: readonly number[], target: number): RecordTiming[] {
  const fractions = rates.map((r) => {
    const f = r > 0 ? rateFraction(r) : null;
    if (!f) throw new Error(`a sample rate of ${r} Hz cannot be represented exactly in EDF data records (it is no ratio of small integers); refusing rather than drifting`);
    return f;
  });
  const lcmQ = fractions.reduce((l, [, q]) => (l / gcd(l, q)) * q, 1);
  const gcdP = fractions.reduce((g, [p]) => gcd(g, p), 0);
  const timings: RecordTiming[] = [];
  // Duration k * lcmQ / gcdP; exact in decimal when its reduced denominator divides a power of ten.
  for (let k = 1; (k * lcmQ) / gcdP <= 60; k++) {
    const g = gcd(k * lcmQ, gcdP);
    const [num, den] = [(k * lcmQ) / g, gcdP / g];
    const text = exactDecimal(num, den);
    if (text === null) continue;
    const duration = Number(text);
    timings.push({ duration, text, samplesPerRecord: fractions.map(([p, q]) => Math.round((p * num) / (q * den))) });
  }
  if (timings.length === 0) throw new Error(`sample rates ${rates.join(', ')} Hz: no data record duration up to 60 s that fits 8 characters holds a whole number of samples of each`);
  const below = timings.filter((t) => t.duration <= target).reverse();
  return [...below, ...timings.filter((t) => t.duration > target)];
}

/** num/den as a decimal of at most 8 characters when exact, else null. */
function exactDecimal(num: number, den: number): string | null {
  let scale = 1;
  for (let decimals = 0; decimals <= 7; decimals++, scale *= 10) {
    if ((num * scale) % den === 0) {
      const s = ((num * scale) / den / scale).toFixed(decimals);
      return s.length <= 8 ? s : null;
    }
  }
  return null;
}

/**
 * Lays annotation TALs (each already in the record it belongs to) into annotation signals of
 * `capacity` bytes, the first opening with the time-keeping TAL. Returns the signals' contents.
 */
export function packAnnotations(recordStart: number, tals: readonly Uint8Array[], capacity: number): Uint8Array[][] {
  const keeper = timeKeepingTal(recordStart);
  const signals: Uint8Array[][] = [[keeper]];
  const used = [keeper.length];
  for (const tal of tals) {
    let a = used.findIndex((u) => u + tal.length <= capacity);
    if (a === -1) {
      a = signals.length;
      signals.push([]);
      used.push(0);
    }
    signals[a].push(tal);
    used[a] += tal.length;
  }
  return signals;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

