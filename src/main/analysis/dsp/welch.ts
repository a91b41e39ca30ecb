/**
 * Welch's averaged periodogram (Welch 1967), as scipy.signal.welch with its defaults: periodic
 * Hann window, 50% overlap, constant detrend per segment, one-sided density scaling (units^2/Hz).
 * The FFT length is the next power of two >= nperseg unless given.
 */
import { hann, isPowerOfTwo, nextPowerOfTwo, powerSpectrum } from './fft';

export interface WelchOptions {
  nperseg?: number;
  noverlap?: number;
  nfft?: number;
}

export interface Psd {
  /** Hz, length nfft/2+1. */
  freqs: Float64Array;
  /** Power spectral density, units^2/Hz. */
  psd: Float64Array;
}

export function welch(x: ArrayLike<number>, fs: number, options: WelchOptions = {}): Psd {
  const nperseg = Math.min(options.nperseg ?? 256, x.length);
  if (nperseg < 2) throw new RangeError('welch needs at least 2 samples');
  const noverlap = options.noverlap ?? Math.floor(nperseg / 2);
  if (noverlap >= nperseg) throw new RangeError('noverlap must be < nperseg');
  const nfft = options.nfft ?? nextPowerOfTwo(nperseg);
  if (!isPowerOfTwo(nfft) || nfft < nperseg) throw new RangeError('nfft must be a power of two >= nperseg');
  const w = hann(nperseg);
  let wss = 0;
  for (let i = 0; i < nperseg; i++) wss += w[i] * w[i];
  const step = nperseg - noverlap;
  const psd = new Float64Array(nfft / 2 + 1);
  const seg = new Float64Array(nperseg);
  let count = 0;
  for (let start = 0; start + nperseg <= x.length; start += step) {
    let mean = 0;
    for (let i = 0; i < nperseg; i++) mean += x[start + i];
    mean /= nperseg;
    for (let i = 0; i < nperseg; i++) seg[i] = (x[start + i] - mean) * w[i];
    const p = powerSpectrum(seg, nfft);
    for (let k = 0; k < psd.length; k++) psd[k] += p[k];
    count++;
  }
  const scale = 1 / (fs * wss * count);
  for (let k = 0; k < psd.length; k++) psd[k] *= scale * (k === 0 || k === nfft / 2 ? 1 : 2);
  const freqs = new Float64Array(psd.length);
  for (let k = 0; k < freqs.length; k++) freqs[k] = (k * fs) / nfft;
  return { freqs, psd };
}

/** Integrates a PSD over [lo, hi) Hz (rectangle rule on the bins). */
export function bandPower(p: Psd, lo: number, hi: number): number {
  const df = p.freqs.length > 1 ? p.freqs[1] - p.freqs[0] : 0;
  let sum = 0;
  for (let k = 0; k < p.freqs.length; k++) if (p.freqs[k] >= lo && p.freqs[k] < hi) sum += p.psd[k];
  return sum * df;
}
