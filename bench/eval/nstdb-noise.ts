/**
 * The MIT-BIH Noise Stress Test's electrode-motion ("em") noise, as far as ../shared/data holds
 * it (Moody, Muldrow & Mark, "A noise stress test for arrhythmia detectors", Computers in
 * Cardiology 11:381-384, 1984; WFDB nst and sigamp):
 *  - the noise: an NSTDB excerpt is clean MIT-BIH 118 (its ADC offset removed, as nst does) plus
 *    NSTDB's scaled em noise, so noise = excerpt - clean 118 at the excerpt's offset, less the
 *    constant offset of its clean part. The offset in 118 is found from the beat annotations (the
 *    stretch of 118.atr whose RR intervals equal the excerpt's, to the sample). The 118e12 excerpt
 *    (8:20-10:20) is clean up to 9:00, where a 2-min noise segment of the NSTDB protocol starts,
 *    so it holds 80 s of noise, at the nominal 12 dB;
 *  - the SNR: S = pp^2 / 8 (pp: the QRS peak-to-peak amplitude; the power of a sine of that
 *    peak-to-peak amplitude) and N = the noise's mean square, both measured as sigamp does: pp in
 *    +-50 ms around each of the first 300 normal beats, the RMS about the mean of each of the first
 *    300 1-s windows, each a 5 %-trimmed mean. nst scales the whole em record by the RMS of its
 *    first 300 s, so the SNR is nominal: a stretch of em louder than its first 5 min measures
 *    lower. Check (printed by the eval): the noise of the 118e24 and 118e12 excerpts over their
 *    common 9:00-9:24 differs by 12.00 dB, as the nominal SNRs say; the 80 s of 118e12 noise
 *    measure 5.0 dB locally against clean 118's pp (2.75 mV), i.e. this stretch of em is about
 *    7 dB louder than nst's calibration. Scaling noise by SNR therefore follows the nominal scale:
 *    the 118e12 noise times 10^((12 - snr) / 20), times pp(record) / pp(118) on another record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { beatSamples, parseMitAnnotations, type WfdbAnnotations } from '../../src/main/formats/wfdb';

/** The 118 excerpts in ecg/nstdb/ and the nominal SNR (dB) the NSTDB states for each. */
const NSTDB_EXCERPTS = { '118e24': 24, '118e12': 12 } as const;
type NstdbExcerpt = keyof typeof NSTDB_EXCERPTS;
const MITDB_118 = ['ecg/mitdb/118.hea', 'ecg/mitdb/118.dat', 'ecg/mitdb/118.atr'];
const nstdbNoiseFiles = (excerpt: NstdbExcerpt = '118e12') => [`ecg/nstdb/heartpy_${excerpt}.csv`, `ecg/nstdb/heartpy_${excerpt}_ann.csv`, ...MITDB_118];
export const NSTDB_NOISE_FILES = nstdbNoiseFiles();
/** Residual steps below this are the CSV's rounding (0.01 mV), not noise. */
const ROUNDING_MV = 0.006;
const column = (p: string) => readFileSync(p, 'utf8').trim().split(/\r?\n/).map(Number);

export interface NstdbNoise {
  fs: number;
  /** The nominal SNR of the excerpt, dB. */
  snr: number;
  /** Clean MIT-BIH 118 (lead 0), its annotations, and where the excerpt starts in it (samples). */
  clean: Float64Array | Float32Array;
  ann: WfdbAnnotations;
  offset: number;
  /** excerpt - clean over the whole excerpt, its constant offset removed (zero where the excerpt is clean). */
  residual: Float64Array;
  /** The excerpt's reference beats (samples relative to it). */
  ref: number[];
  /** Where the noise starts in the excerpt (samples), and the noise alone from there. */
  noiseStart: number;
  noise: Float64Array;
}

/** The excerpt's beats' offset in record 118 (samples), or null when no stretch of 118.atr has its RR intervals. */
function excerptOffset(record: number[], excerpt: number[]): number | null {
  for (let i = 0; i + excerpt.length <= record.length; i++) {
    let same = true;
    for (let k = 1; k < excerpt.length && same; k++) same = record[i + k] - record[i] === excerpt[k] - excerpt[0];
    if (same) return record[i] - excerpt[0];
  }
  return null;
}

export function extractNstdbNoise(data: string, excerpt: NstdbExcerpt = '118e12'): NstdbNoise {
  const [csv, annCsv, hea, , atr] = nstdbNoiseFiles(excerpt);
  const clean = readWfdbRecord(join(data, hea)).signals[0];
  const ann = parseMitAnnotations(readFileSync(join(data, atr)));
  const x = column(join(data, csv));
  const ref = column(join(data, annCsv)).filter(Number.isFinite);
  const offset = excerptOffset(beatSamples(ann), ref);
  if (offset === null) throw new Error(`NSTDB noise: the ${excerpt} excerpt matches no stretch of MIT-BIH 118`);
  const raw = x.map((v, i) => v - clean.data[offset + i]);
  let start = 0;
  while (start < raw.length && Math.abs(raw[start] - raw[0]) < ROUNDING_MV) start++;
  if (raw.length - start < clean.fs * 10) throw new Error(`NSTDB noise: the ${excerpt} excerpt carries noise over ${((raw.length - start) / clean.fs).toFixed(1)} s only (${csv})`);
  const residual = Float64Array.from(raw, (v, i) => (i < start ? 0 : v - raw[0]));
  return { fs: clean.fs, snr: NSTDB_EXCERPTS[excerpt], clean: clean.data, ann, offset, residual, ref, noiseStart: start, noise: residual.slice(start) };
}

/** Annotation codes sigamp counts as normal QRS (the WFDB map1() NORMAL class: N, L, R, e, j). */
const NORMAL_CODES = new Set([1, 2, 3, 11, 34]);
const SIGAMP_MAX = 300;

/** The 5 %-trimmed mean of at most the first SIGAMP_MAX values (sigamp's estimate). */
function sigampMean(values: number[]): number {
  const v = values.slice(0, SIGAMP_MAX).sort((p, q) => p - q);
  const lo = Math.floor(v.length / 20);
  const kept = v.slice(lo, v.length - lo);
  return kept.reduce((s, x) => s + x, 0) / Math.max(1, kept.length);
}

/** sigamp -a: the normal QRS peak-to-peak amplitude (+-50 ms around each normal beat). */
export function qrsPeakToPeak(signal: ArrayLike<number>, fs: number, ann: WfdbAnnotations): number {
  const w = Math.round(0.05 * fs);
  const pp: number[] = [];
  ann.samples.forEach((t, k) => {
    if (!NORMAL_CODES.has(ann.codes[k]) || t - w < 0 || t + w >= signal.length) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = t - w; i <= t + w; i++) {
      lo = Math.min(lo, signal[i]);
      hi = Math.max(hi, signal[i]);
    }
    pp.push(hi - lo);
  });
  return sigampMean(pp);
}

/** sigamp -r: the RMS amplitude about each 1 s window's mean. */
function noiseRms(noise: ArrayLike<number>, fs: number): number {
  const w = Math.round(fs);
  const rms: number[] = [];
  for (let s = 0; s + w <= noise.length; s += w) {
    let m = 0;
    for (let i = s; i < s + w; i++) m += noise[i];
    m /= w;
    let ss = 0;
    for (let i = s; i < s + w; i++) ss += (noise[i] - m) ** 2;
    rms.push(Math.sqrt(ss / w));
  }
  return sigampMean(rms);
}

/** The SNR (dB) of noise of this RMS on a signal of this QRS peak-to-peak amplitude: 10 log10((pp^2 / 8) / rms^2). */
const nstdbSnr = (pp: number, rms: number) => 10 * Math.log10(pp ** 2 / 8 / rms ** 2);

/** The gain that puts this excerpt's noise at `snr` dB (nominal, see the header) on a signal of QRS peak-to-peak `pp`. */
export const nominalGain = (n: NstdbNoise, pp: number, snr: number) => (pp / qrsPeakToPeak(n.clean, n.fs, n.ann)) * 10 ** ((n.snr - snr) / 20);

/**
 * The extraction's check: how far apart (dB) the 118e12 and 118e24 noise are over the stretch both
 * carry noise (12 when both are extracted right), and the 118e12 noise's local SNR on clean 118.
 */
export function nstdbNoiseCheck(data: string): { apartDb: number; commonSec: number; localSnrDb: number } {
  const e12 = extractNstdbNoise(data, '118e12');
  const e24 = extractNstdbNoise(data, '118e24');
  const from = Math.max(e12.offset + e12.noiseStart, e24.offset + e24.noiseStart);
  const to = Math.min(e12.offset + e12.residual.length, e24.offset + e24.residual.length);
  const rms = (n: NstdbNoise) => noiseRms(n.residual.subarray(from - n.offset, to - n.offset), n.fs);
  return { apartDb: 20 * Math.log10(rms(e12) / rms(e24)), commonSec: (to - from) / e12.fs, localSnrDb: nstdbSnr(qrsPeakToPeak(e12.clean, e12.fs, e12.ann), noiseRms(e12.noise, e12.fs)) };
}
