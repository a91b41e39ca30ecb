/**
 * Heart rate from wrist PPG under motion: Wiener-style suppression of the accelerometer's
 * frequencies, then a causal Viterbi path over the suppressed spectra, with a flag for windows
 * where the value is coasting (carried by the path, not measured). Following
 *  - TROIKA (Zhang, Pi & Liu, IEEE TBME 62(2):522-531, 2015): accelerometer spectra name the
 *    motion frequencies; spectral peak tracking with a bounded change between windows;
 *  - WFPV (Temko, "Accurate heart rate monitoring during physical exercises using PPG", IEEE TBME
 *    64(9):2016-2024, 2017): Wiener filtering of the PPG spectrum with the accelerometer as the
 *    noise estimate (motion-wiener.ts; the phase-vocoder refinement is not used);
 *  - Streit & Barrett (IEEE TASSP 38(4), 1990): frequency line tracking by an HMM / Viterbi path
 *    instead of a greedy choice per window (online-viterbi.ts), which also re-acquires a lost
 *    pulse once its evidence outweighs the jump cost.
 * Per window (8 s of 0.4-4 Hz band-passed signal at ~25 Hz, zero-padded to a 0.73 bpm grid):
 *  1. each PPG channel's Hann periodogram, peak-normalised; averaged over `avgWindows` windows it
 *     is the Wiener signal estimate;
 *  2. with motion (accelerometer RMS above `motionG`), the sum of the axes' periodograms, averaged
 *     the same way, is the noise estimate (with its 2nd harmonic); each channel's spectrum is
 *     weighted by S / (S + `wienerGain` N), renormalised and averaged over the channels; the
 *     motion lines (peaks at `accPeakRel` of the maximum) are named on the sum of the moving axes'
 *     spectra, each peak-normalised first, as TROIKA reads each axis's spectrum;
 *  3. the averaged suppressed spectrum on the 40-200 bpm grid is the window's score for the
 *     Viterbi path; the path's best end state is the estimate (no look-ahead: no added delay);
 *  4. coasting: no peak of the suppressed spectrum within +-`coastBpm` of the estimate holding at
 *     least `coastRel` of its maximum, or the spectrum too flat to hold a pulse (less than
 *     `minConcentration` of its in-band power within +-`coastBpm`: noise, or motion removed all);
 *  5. a coasting estimate within `cadenceSnapBpm` of one of the notched motion lines (the lines
 *     themselves, not their 2nd harmonics: snapping to those added failures on SPC 2015), where the
 *     unsuppressed PPG spectrum has a peak (within +-`coastBpm`, at least `coastRel` of its
 *     maximum), is reported at that peak: the heart rate has come to the cadence (running locks
 *     the two: cardiolocomotor coupling, Kirby et al., J Appl Physiol 66(1):323-329, 1989), where
 *     the suppression removed the pulse with the motion. It stays flagged coasting (the pulse and
 *     the motion cannot be told apart there), and the path is not moved, so it cannot lock onto
 *     the cadence: a window's value moves by at most `cadenceSnapBpm` + `coastBpm`.
 * Parameters are global (one set for every recording); bench/eval/ppg.ts chooses them by
 * leave-one-recording-out cross-validation on SPC 2015.
 */
import { hann, powerSpectrum } from '../fft';
import { normalisePeak, wienerSuppress, withSecondHarmonic } from './motion-wiener';
import { OnlineViterbi } from './online-viterbi';

export interface HrTrackerOptions {
  fs: number;
  nfft: number;
  minBpm: number;
  maxBpm: number;
  /** Accelerometer RMS (g, 0.4-4 Hz) above which the motion is suppressed. */
  motionG: number;
  /** Windows averaged (exponentially) for the Wiener signal and noise estimates. */
  avgWindows: number;
  wienerGain: number;
  /** Weight of the motion's 2nd harmonic in the noise estimate. */
  harmonicGain: number;
  /** Half-width (bpm) of the notch removed around the strongest motion lines and their 2nd harmonics (0: none). */
  notchBpm: number;
  /** How many of the strongest motion lines are notched. */
  notchLines: number;
  /** Viterbi path: change per window paid per bpm up to maxStepBpm; a larger jump costs jumpCost. */
  maxStepBpm: number;
  stepCost: number;
  jumpCost: number;
  /** Coasting test (see above). */
  coastBpm: number;
  coastRel: number;
  minConcentration: number;
  /** Accelerometer peaks at or above this fraction of its maximum are reported as motion frequencies. */
  accPeakRel: number;
  /** A coasting estimate this close (bpm) to a motion line the PPG also peaks at is reported there (0: off; see above). */
  cadenceSnapBpm: number;
}

export interface HrEstimate {
  bpm: number;
  /** No confident spectral peak at the estimate: the value is carried by the path, not measured. */
  coasting: boolean;
  /** The PPG spectrum (averaged over windows, without motion suppression), for quality assessment. */
  freqs: Float64Array;
  power: Float64Array;
  /** HR candidates of this window (peaks of the suppressed spectrum not explained by motion), strongest first. */
  candidates: number[];
  /** Dominant motion frequencies in this window, bpm, strongest first (none when still). */
  motion: number[];
}

export const DEFAULT_HR_TRACKER: Omit<HrTrackerOptions, 'fs'> = {
  nfft: 2048,
  minBpm: 40,
  maxBpm: 200,
  motionG: 0.02,
  avgWindows: 3,
  wienerGain: 3,
  harmonicGain: 1,
  notchBpm: 3.75,
  notchLines: 2,
  maxStepBpm: 8,
  stepCost: 0.02,
  // SPC 2015 cannot tell a jump cost of 3 from 5; at 3 the path jumps to a low-frequency artifact
  // during a 10 s pulse dropout (Challenge 2015 a103l), at 5 it bridges it, and a pulse that moved
  // elsewhere is still re-acquired after about 5 windows (10 s) of evidence.
  jumpCost: 5,
  coastBpm: 4,
  coastRel: 0.5,
  minConcentration: 0.2,
  accPeakRel: 0.3,
  cadenceSnapBpm: 12,
};

/** Local maxima of p[lo..hi] at or above `rel` of its maximum, as bin indices, strongest first. */
function localPeaks(p: Float64Array, lo: number, hi: number, rel: number): number[] {
  let mx = 0;
  for (let k = lo; k <= hi; k++) if (p[k] > mx) mx = p[k];
  const out: number[] = [];
  if (!(mx > 0)) return out;
  for (let k = Math.max(1, lo); k <= Math.min(hi, p.length - 2); k++) if (p[k] > p[k - 1] && p[k] >= p[k + 1] && p[k] >= rel * mx) out.push(k);
  return out.sort((a, b) => p[b] - p[a]);
}

export class PpgHrTracker {
  readonly options: HrTrackerOptions;
  private readonly freqs: Float64Array;
  private readonly df: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly path: OnlineViterbi;
  /** Per-channel running PPG spectra (Wiener signal estimates) and the running accelerometer spectrum. */
  private signal: Float64Array[] = [];
  private noise: Float64Array | null = null;
  /** The running sum of the moving axes' peak-normalised spectra, where the motion lines are found. */
  private axisLines: Float64Array | null = null;
  private avg: Float64Array | null = null;

  constructor(options: Partial<HrTrackerOptions> & { fs: number }) {
    this.options = { ...DEFAULT_HR_TRACKER, ...options };
    const o = this.options;
    const nb = o.nfft / 2 + 1;
    this.freqs = new Float64Array(nb);
    for (let k = 0; k < nb; k++) this.freqs[k] = (k * o.fs) / o.nfft;
    this.df = (o.fs * 60) / o.nfft;
    this.lo = Math.ceil(o.minBpm / this.df);
    this.hi = Math.min(nb - 1, Math.floor(o.maxBpm / this.df));
    this.path = new OnlineViterbi(this.hi - this.lo + 1, { binBpm: this.df, maxStep: o.maxStepBpm, stepCost: o.stepCost, jumpCost: o.jumpCost });
  }

  /** Hann-windowed power spectrum of a mean-removed segment. */
  private spectrum(x: ArrayLike<number>): Float64Array {
    const w = hann(x.length);
    const seg = new Float64Array(x.length);
    let mu = 0;
    for (let i = 0; i < x.length; i++) mu += x[i];
    mu /= x.length || 1;
    for (let i = 0; i < x.length; i++) seg[i] = (x[i] - mu) * w[i];
    return powerSpectrum(seg, this.options.nfft);
  }

  /** Exponential average over about `avgWindows` windows, in place into `into` (or a copy when first). */
  private average(into: Float64Array | null | undefined, p: Float64Array): Float64Array {
    if (!into) return p.slice();
    const a = 1 / Math.max(1, this.options.avgWindows);
    for (let k = 0; k < p.length; k++) into[k] = a * p[k] + (1 - a) * into[k];
    return into;
  }

  /**
   * The accelerometer's summed spectrum (the Wiener noise estimate) and the sum of its moving axes'
   * spectra, each peak-normalised first (where the motion lines are named), both peak-normalised;
   * null when the wearer is still. Naming the lines per axis keeps a line that dominates one axis
   * but is weak in the sum, e.g. the arm swing at half the step rate beside the vertical steps:
   * TROIKA takes its motion frequencies from each axis's spectrum too.
   */
  private motionSpectra(acc: ArrayLike<number>[]): { sum: Float64Array; perAxis: Float64Array } | null {
    const rms = acc.map((ax) => {
      let ss = 0;
      for (let i = 0; i < ax.length; i++) ss += ax[i] * ax[i];
      return ax.length ? Math.sqrt(ss / ax.length) : 0;
    });
    const all = Math.sqrt(rms.reduce((a, r) => a + r * r, 0) / (rms.length || 1));
    if (!(all > this.options.motionG)) return null;
    const nb = this.options.nfft / 2 + 1;
    const sum = new Float64Array(nb);
    const perAxis = new Float64Array(nb);
    acc.forEach((ax, c) => {
      const s = this.spectrum(ax);
      for (let k = 0; k < this.lo; k++) s[k] = 0;
      for (let k = 0; k < nb; k++) sum[k] += s[k];
      if (!(rms[c] > this.options.motionG)) return;
      normalisePeak(s);
      for (let k = 0; k < nb; k++) perAxis[k] += s[k];
    });
    normalisePeak(sum);
    normalisePeak(perAxis);
    return { sum, perAxis };
  }

  /** One window: PPG channels (band-passed) and accelerometer axes (band-passed, g). */
  estimate(ppg: ArrayLike<number>[], acc: ArrayLike<number>[]): HrEstimate {
    const o = this.options;
    const nb = o.nfft / 2 + 1;
    const a = this.motionSpectra(acc);
    this.noise = a ? this.average(this.noise, a.sum) : null;
    this.axisLines = a ? this.average(this.axisLines, a.perAxis) : null;
    const noise = this.noise ? withSecondHarmonic(this.noise, o.harmonicGain) : null;
    const raw = new Float64Array(nb);
    const clean = new Float64Array(nb);
    ppg.forEach((ch, c) => {
      const p = this.spectrum(ch);
      for (let k = 0; k < this.lo; k++) p[k] = 0;
      normalisePeak(p);
      for (let k = 0; k < nb; k++) raw[k] += p[k] / ppg.length;
      this.signal[c] = this.average(this.signal[c], p);
      const s = noise ? wienerSuppress(p, this.signal[c], noise, o.wienerGain) : p.slice();
      normalisePeak(s);
      for (let k = 0; k < nb; k++) clean[k] += s[k] / ppg.length;
    });
    this.avg = this.average(this.avg, raw);
    const motion = this.axisLines ? localPeaks(this.axisLines, this.lo, nb - 1, o.accPeakRel).map((j) => j * this.df) : [];
    this.notch(clean, motion, ppg[0]?.length ?? 0);

    const best = this.path.step(clean.subarray(this.lo, this.hi + 1));
    const k = best + this.lo;
    const peaks = localPeaks(clean, this.lo, this.hi, 0.08);
    const tol = Math.round(o.coastBpm / this.df);
    let mx = 0,
      total = 0,
      near = 0;
    for (let j = this.lo; j <= this.hi; j++) {
      mx = Math.max(mx, clean[j]);
      total += clean[j];
      if (Math.abs(j - k) <= tol) near += clean[j];
    }
    const peakHere = peaks.some((j) => Math.abs(j - k) <= tol && clean[j] >= o.coastRel * mx);
    const coasting = !ppg.length || !peakHere || !(total > 0 && near / total >= o.minConcentration);
    const bpm = ppg.length ? this.refine(clean, k) : NaN;
    return {
      bpm: coasting ? this.atCadence(raw, motion, bpm) : bpm,
      coasting,
      freqs: this.freqs,
      power: this.avg,
      candidates: peaks.map((j) => j * this.df),
      motion,
    };
  }

  /**
   * Removes what is left of the strongest motion lines and their 2nd harmonics (TROIKA's spectral
   * peak exclusion): the Wiener weight only scales a line down, and one far stronger than the
   * pulse still outshines it. The PPG peak within +-`notchBpm` of a line goes with its whole lobe
   * (down to the minima either side, at most a main lobe, 2 / T Hz, away), so that the lobe's
   * slopes do not become peaks of their own.
   */
  private notch(p: Float64Array, motion: number[], windowLength: number): void {
    const o = this.options;
    if (!(o.notchBpm > 0)) return;
    const lobe = Math.ceil((2 * o.nfft) / Math.max(1, windowLength));
    const lines = motion.slice(0, o.notchLines).flatMap((m) => [m, 2 * m]);
    for (const m of lines) {
      const a = Math.max(1, Math.ceil((m - o.notchBpm) / this.df)),
        b = Math.min(p.length - 2, Math.floor((m + o.notchBpm) / this.df));
      if (a > b) continue;
      let top = a;
      for (let k = a; k <= b; k++) if (p[k] > p[top]) top = k;
      let lo = top,
        hi = top;
      while (lo > Math.max(1, top - lobe) && p[lo - 1] <= p[lo]) lo--;
      while (hi < Math.min(p.length - 2, top + lobe) && p[hi + 1] <= p[hi]) hi++;
      for (let k = Math.min(lo, a); k <= Math.max(hi, b); k++) p[k] = 0;
    }
  }

  /**
   * A coasting estimate `bpm` moved to the unsuppressed PPG spectrum's peak at one of the notched
   * motion lines within `cadenceSnapBpm` of it (step 5 above), else `bpm`.
   */
  private atCadence(raw: Float64Array, motion: number[], bpm: number): number {
    const o = this.options;
    if (!(o.cadenceSnapBpm > 0)) return bpm;
    const peaks = localPeaks(raw, this.lo, this.hi, o.coastRel);
    for (const m of motion.slice(0, o.notchLines)) {
      if (Math.abs(m - bpm) > o.cadenceSnapBpm) continue;
      const j = peaks.find((q) => Math.abs(q * this.df - m) <= o.coastBpm);
      if (j !== undefined) return this.refine(raw, j);
    }
    return bpm;
  }

  /** The bin's bpm, refined by a parabola through its neighbours when it is a local maximum. */
  private refine(p: Float64Array, k: number): number {
    const a = p[k - 1],
      b = p[k],
      c = p[k + 1];
    const d = a - 2 * b + c;
    const off = b >= a && b >= c && d < 0 ? (0.5 * (a - c)) / d : 0;
    return (k + off) * this.df;
  }
}
