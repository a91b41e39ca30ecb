/**
 * ECG usability per stretch: can the QRS complexes be told from what else is in their band? Each
 * `windowSec` (5 s) window of a record gets the median noise index (`noiseIndex` of
 * beat-verify.ts: the RMS of the 5-25 Hz signal outside the detected QRS complexes over the
 * QRS peaks there, Hamilton's OSEA noise check and the SNR measure of the NSTDB, Moody, Muldrow &
 * Mark 1984) of its beats. Clean ECG sits near 0.02-0.08; noise that hides the QRS pushes the
 * index towards that of noise against its own peaks (~0.3: a Gaussian's 1 s peak is ~3 RMS). A
 * window above `maxNoise`, or one with no beat while its QRS band carries signal, is "unusable".
 * It is reported (`analyze`'s `ecg.quality`, the eval's unusable seconds), not yet acted on: beats
 * in unusable windows are kept, because no threshold withheld noise-made beats without also
 * emptying clean records (v102s lead II at 0.25) or paced ones (104, 107).
 *
 * `maxNoise` = 0.35 was chosen on MIT-BIH DS1 and the paced records alone, not on the NSTDB
 * reconstructions: their 5 s windows have median 0.047 and 99.5th percentile 0.27. The index does
 * not separate 0 dB electrode-motion noise (0.16-0.33) from clean signal (0.07-0.18).
 */
import { butterworth } from '../filters/butterworth';
import { gapsAsZero, sosfiltfilt } from '../filters/sos-filter';
import { noiseIndex } from './beat-verify';

export interface EcgUsabilityOptions {
  windowSec: number;
  /** Median noise index above which a window is unusable. */
  maxNoise: number;
}

export const DEFAULT_ECG_USABILITY: EcgUsabilityOptions = { windowSec: 5, maxNoise: 0.35 };

export interface UsabilityWindow {
  /** [start, end) in samples. */
  start: number;
  end: number;
  /** Median noise index of the window's beats, or null when it has none. */
  noise: number | null;
  usable: boolean;
}

export function ecgUsability(signal: ArrayLike<number>, fs: number, beats: readonly number[], options: Partial<EcgUsabilityOptions> = {}): UsabilityWindow[] {
  const o = { ...DEFAULT_ECG_USABILITY, ...options };
  const x = gapsAsZero(signal);
  const q = sosfiltfilt(butterworth(2, [5, Math.min(25, fs * 0.45)], fs, 'bandpass'), x);
  const ni = noiseIndex(q, fs, beats);
  const len = Math.max(1, Math.round(o.windowSec * fs));
  const out: UsabilityWindow[] = [];
  let k = 0;
  for (let start = 0; start < x.length; start += len) {
    const end = Math.min(x.length, start + len);
    const own: number[] = [];
    while (k < beats.length && beats[k] < end) own.push(ni[k++]);
    own.sort((a, b) => a - b);
    const noise = own.length ? own[own.length >> 1] : null;
    // No beat in a whole window: usable only when the QRS band is flat too (lost samples, a flat
    // lead). A shorter tail window is judged by its beats alone.
    const usable = noise !== null ? noise <= o.maxNoise : end - start < len || !carriesSignal(q, start, end);
    out.push({ start, end, noise, usable });
  }
  return out;
}

/** Whether the QRS band has any energy in [start, end) (a flat line or a gap has none). */
function carriesSignal(q: Float64Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (Math.abs(q[i]) > 1e-6) return true;
  return false;
}
