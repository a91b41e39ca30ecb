/**
 * WFDB writers (WFDB Programmer's Guide, "header(5)", "signal(5)", "annot(5)"): the header of a
 * single-segment record, the scaling that keeps a signal's digital resolution, and MIT annotation
 * files with AUX text. Signal bytes come from encodeSamples. Pure: numbers in, text and bytes out.
 */
import { INVALID_SAMPLE } from './signals';

/** The formats the writer picks from: 212 where every signal fits 12 bits, else 16. */
export type WritableFormat = 212 | 16;

/** Largest |adc| a format holds for real samples: its most negative value means "no sample". */
export const ADC_LIMIT: Record<WritableFormat, number> = { 212: 2047, 16: 32767 };

export interface WfdbScale {
  /** ADC units per physical unit. */
  gain: number;
  baseline: number;
}

/**
 * The quantisation step of a signal's values (e.g. 1/200 mV for MIT-BIH, an EDF's
 * (physical range)/(digital range)), or null when they lie on no grid (computed, filtered values).
 * The smallest distance between distinct values is the first guess; each distinct value's level
 * follows from its neighbour's (small steps round safely even where the guess is a little off),
 * the step is refined over the whole span, and every value must then sit on that grid.
 */
export function quantisationStep(values: ArrayLike<number>): number | null {
  const finite = Float64Array.from(values).filter((v) => v === v).sort();
  const distinct = finite.filter((v, i) => i === 0 || v !== finite[i - 1]);
  if (distinct.length < 2) return null;
  let guess = Infinity;
  for (let i = 1; i < distinct.length; i++) guess = Math.min(guess, distinct[i] - distinct[i - 1]);
  const span = distinct[distinct.length - 1] - distinct[0];
  // Finer than a 24-bit grid over the span: no ADC made these, they are computed values.
  if (span / guess > 2 ** 24) return null;
  const levels = new Float64Array(distinct.length);
  for (let i = 1; i < distinct.length; i++) levels[i] = levels[i - 1] + Math.round((distinct[i] - distinct[i - 1]) / guess);
  const step = span / levels[levels.length - 1];
  // Float32 storage moves a value by a few parts in 10^7 of its size: tolerate that, not more.
  for (let i = 0; i < distinct.length; i++) {
    if (Math.abs(distinct[i] - distinct[0] - levels[i] * step) > 0.02 * step + Math.abs(distinct[i]) * 3e-7) return null;
  }
  return step;
}

/**
 * Gain and baseline for values in [lo, hi]: one ADC unit per quantisation step where the step is
 * known and the range fits 16 bits at it (the source's resolution kept), else the finest scale
 * that fits 16 bits. `fits212`: the range fits 12 bits at that scale.
 */
export function chooseWfdbScale(lo: number, hi: number, step: number | null): WfdbScale & { fits212: boolean } {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return { gain: 1, baseline: 0, fits212: true };
  const limit = ADC_LIMIT[16];
  let gain = step ? 1 / step : Infinity;
  // One unit spare at each end: rounding the baseline never pushes an extreme past the limit.
  if (!((hi - lo) * gain <= 2 * limit - 2)) gain = hi > lo ? (2 * limit - 2) / (hi - lo) : limit / 2 / Math.max(Math.abs(lo), 1);
  const baseline = -Math.round(((lo + hi) / 2) * gain);
  const adc = (v: number): number => Math.round(v * gain) + baseline;
  return { gain, baseline, fits212: adc(lo) >= -ADC_LIMIT[212] && adc(hi) <= ADC_LIMIT[212] };
}

/** A physical value as its ADC value; NaN (no sample) as the format's invalid value. */
export function toAdc(v: number, scale: WfdbScale, format: WritableFormat): number {
  if (v !== v) return INVALID_SAMPLE[format];
  const limit = ADC_LIMIT[format];
  const d = Math.round(v * scale.gain) + scale.baseline;
  return d > limit ? limit : d < -limit ? -limit : d;
}

export interface WfdbSignalLine {
  fileName: string;
  format: WritableFormat;
  gain: number;
  baseline: number;
  units: string;
  initialValue: number;
  checksum: number;
  description: string;
}

export interface WfdbRecordHeader {
  record: string;
  fs: number;
  frames: number;
  /** Host time of frame 0, seconds since the epoch: the record's base time and date (UTC). */
  start: number;
  signals: WfdbSignalLine[];
  comments: string[];
}

/** The .hea text; gains with 12 significant digits, so a reader's (adc - baseline) / gain is the value written. */
export function encodeWfdbHeader(h: WfdbRecordHeader): string {
  const d = new Date(h.start * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
  const date = `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  const lines = [`${h.record} ${h.signals.length} ${number(h.fs)} ${h.frames} ${time} ${date}`];
  for (const s of h.signals) {
    const bits = s.format === 212 ? 12 : 16;
    lines.push(`${s.fileName} ${s.format} ${number(s.gain)}(${s.baseline})/${unitField(s.units)} ${bits} 0 ${s.initialValue} ${s.checksum} 0 ${oneLine(s.description)}`);
  }
  for (const c of h.comments) lines.push(`# ${oneLine(c)}`);
  return lines.join('\n') + '\n';
}

function number(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/** Units sit in a whitespace-separated field: no blanks. */
function unitField(units: string): string {
  return units.trim().replace(/\s+/g, '_') || 'NU';
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

/** MIT codes of the beat classes Vitalscope keeps (the mnemonics annotationMnemonic gives back). */
const BEAT_CODE: Record<string, number> = { N: 1, L: 2, R: 3, a: 4, V: 5, F: 6, J: 7, A: 8, S: 9, E: 10, j: 11, '/': 12, Q: 13, f: 38, e: 34, n: 35, r: 41 };

/** NOTE: an annotation that only carries its AUX text. */
export const NOTE_CODE = 22;

/** The MIT code of a beat class; N for an unclassified beat, Q (unclassifiable) for a class WFDB has no code for. */
export function beatCode(beatClass: string | null | undefined): number {
  if (!beatClass) return 1;
  return BEAT_CODE[beatClass] ?? 13;
}

export interface WfdbAnnotationOut {
  /** Sample index (frame) in the record. */
  sample: number;
  code: number;
  aux?: string;
}

/**
 * An MIT annotation file: one word per annotation (code << 10 | time step), a SKIP where the step
 * exceeds 10 bits, AUX after the annotation it belongs to, and the 0 word that ends the file.
 * `annotations` must be in sample order.
 */
export function encodeMitAnnotations(annotations: readonly WfdbAnnotationOut[]): Uint8Array {
  const bytes: number[] = [];
  const word = (w: number): void => {
    bytes.push(w & 0xff, (w >> 8) & 0xff);
  };
  let t = 0;
  for (const a of annotations) {
    if (a.sample < t) throw new Error(`annotations out of order: sample ${a.sample} after ${t}`);
    let step = a.sample - t;
    if (step > 1023) {
      // SKIP (59): a 32-bit step, high 16 bits first, each half little-endian.
      word(59 << 10);
      word((step >>> 16) & 0xffff);
      word(step & 0xffff);
      step = 0;
    }
    word((a.code << 10) | step);
    t = a.sample;
    if (a.aux) {
      const text = new TextEncoder().encode(a.aux).subarray(0, 255);
      word((63 << 10) | text.length);
      for (const b of text) bytes.push(b);
      if (text.length & 1) bytes.push(0);
    }
  }
  word(0);
  return Uint8Array.from(bytes);
}
