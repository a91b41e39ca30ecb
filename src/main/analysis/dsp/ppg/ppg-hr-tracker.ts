/**
 * Heart rate from wrist PPG under motion by spectral peak tracking with accelerometer-based
 * peak selection, after the spectral peak tracking (SPT) stage of TROIKA (Zhang, Pi & Liu,
 * "TROIKA: a general framework for heart rate monitoring using wrist-type photoplethysmographic
 * signals during intensive physical exercise", IEEE TBME 62(2):522-531, 2015) and its simpler
 * spectral successors (Schack, Sledz, Muma & Zoubir, "A new method for heart rate monitoring
 * during physical exercise using photoplethysmographic signals", EUSIPCO 2015; Temko, "Accurate
 * heart rate monitoring during physical exercise using PPG", IEEE TBME 64(9):2016-2024, 2017).
 * Per window (8 s of 0.4-4 Hz band-passed signal, ~25 Hz, zero-padded to a 0.73 bpm grid):
 *  1. PPG spectrum: Hann-windowed periodograms of each channel, each normalised to its in-band
 *     maximum, averaged over the channels;
 *  2. motion (accelerometer RMS above `motionG`): the accelerometer spectrum (sum of the axes'
 *     power) gives the dominant motion frequencies (peaks >= `accPeakRel` of its maximum) and the
 *     2nd harmonics of the strongest ones; PPG spectral peaks within +-`accTolBpm` of any of them
 *     are motion artifacts and are not HR candidates (TROIKA's peak selection). The tolerance is
 *     half the Rayleigh resolution of an 8 s window (1/(2T) Hz = 3.75 bpm): closer peaks cannot be
 *     told apart;
 *     (the 2nd harmonics of the two strongest are excluded too);
 *  3. initialisation (no track yet): a chain of strong candidates (>= half the strongest), each
 *     within `maxStepBpm` of the previous window's link; the track starts once the chain spans
 *     `initWindows` windows (a conservative start from consistent evidence rather than from one
 *     window, cf. TROIKA's and Temko's initialisation);
 *  4. tracking: among the candidates within +-`searchBpm` of the previous estimate (widened by
 *     `maxStepBpm` per held window, up to 2), the one with the largest power weighted by a
 *     Gaussian of its distance; a pick weaker than `weakRel` x the strongest candidate does not
 *     count. The change per window is limited to `maxStepBpm` unless the same candidate was also
 *     found in the previous window. No candidate: the estimate is held;
 *  5. verification / re-acquisition: a chain of candidates outside the search range, each within
 *     `maxStepBpm` of the previous link, `reacquireRatio` x stronger than the track's pick and not
 *     its harmonic (x2, x1/2; only while the track's own peak is present), lasting
 *     `reacquireWindows` windows, takes over (TROIKA's "verification" stage; Temko's
 *     re-initialisation). Held for `lostWindows` windows: the track is dropped, step 3 again.
 */
import { hann, powerSpectrum } from '../fft';

export interface HrTrackerOptions {
  fs: number;
  nfft: number;
  minBpm: number;
  maxBpm: number;
  searchBpm: number;
  maxStepBpm: number;
  /** Accelerometer RMS (g, 0.4-4 Hz) above which motion peaks are excluded. */
  motionG: number;
  /** PPG spectral peaks below this fraction of the in-band maximum are ignored. */
  peakRel: number;
  /** Accelerometer peaks at or above this fraction of its maximum count as motion frequencies. */
  accPeakRel: number;
  /** Smallest accelerometer peak (sinusoid amplitude, g) that counts as a motion frequency. */
  accMinG: number;
  /** Half-width of the exclusion around a motion frequency. */
  accTolBpm: number;
  /** Agreement between windows (initialisation, consistency, re-acquisition). */
  agreeBpm: number;
  /** In-range candidates weaker than this fraction of the strongest candidate are ignored. */
  weakRel: 0.3,
  initWindows: number;
  reacquireWindows: 5,
  reacquireRatio: 2,
  lostWindows: number;
}

export interface HrEstimate {
  bpm: number;
  /** Whether the value was held from the previous window. */
  held: boolean;
  /** The PPG spectrum (smoothed over windows, without motion exclusion), for quality assessment. */
  freqs: Float64Array;
  power: Float64Array;
  /** HR candidates of this window (spectral peaks not explained by motion), strongest first. */
  candidates: number[];
  /** Motion frequencies excluded in this window, bpm. */
  motion: number[];
}

export const DEFAULT_HR_TRACKER: Omit<HrTrackerOptions, 'fs'> = {
  nfft: 2048,
  minBpm: 40,
  maxBpm: 200,
  searchBpm: 12,
  maxStepBpm: 6,
  motionG: 0.02,
  peakRel: 0.08,
  accPeakRel: 0.3,
  accMinG: 0.05,
  accTolBpm: 3.75,
  agreeBpm: 5,
  weakRel: 0.3,
  initWindows: 3,
  reacquireWindows: 5,
  reacquireRatio: 2,
  lostWindows: 10,
};

interface Peak {
  bpm: number;
  power: number;
}

export class PpgHrTracker {
  readonly options: HrTrackerOptions;
  private prevBpm = NaN;
  private lastCandidate = NaN;
  private avg: Float64Array | null = null;
  private readonly freqs: Float64Array;
  private misses = 0;
  private chain: number[] = [];
  private lastOutput = NaN;
  private current: Pick<HrEstimate, 'candidates' | 'motion'> = { candidates: [], motion: [] };

  constructor(options: Partial<HrTrackerOptions> & { fs: number }) {
    this.options = { ...DEFAULT_HR_TRACKER, ...options };
    const nb = this.options.nfft / 2 + 1;
    this.freqs = new Float64Array(nb);
    for (let k = 0; k < nb; k++) this.freqs[k] = (k * this.options.fs) / this.options.nfft;
  }

  get lastBpm(): number {
    return this.prevBpm;
  }

  /** Hann-windowed power spectrum limited to the HR band (other bins 0), not normalised. */
  private spectrum(x: ArrayLike<number>): Float64Array {
    const w = hann(x.length);
    const seg = new Float64Array(x.length);
    let mu = 0;
    for (let i = 0; i < x.length; i++) mu += x[i];
    mu /= x.length || 1;
    for (let i = 0; i < x.length; i++) seg[i] = (x[i] - mu) * w[i];
    const p = powerSpectrum(seg, this.options.nfft);
    // Keep one Rayleigh resolution (60 / T bpm) beyond the band so that a peak at its edge is a
    // true local maximum, not the truncation of a slope.
    const margin = (60 * this.options.fs) / Math.max(1, x.length);
    const lo = this.options.minBpm - margin;
    const hi = this.options.maxBpm + margin;
    for (let k = 0; k < p.length; k++) {
      const bpm = this.freqs[k] * 60;
      if (bpm < lo || bpm > hi) p[k] = 0;
    }
    return p;
  }

  /** Local maxima at or above `rel` of the maximum, interpolated (parabola), strongest first. */
  private peaks(p: Float64Array, rel: number): Peak[] {
    let mx = 0;
    for (let k = 0; k < p.length; k++) if (p[k] > mx) mx = p[k];
    const out: Peak[] = [];
    if (!(mx > 0)) return out;
    const df = (this.options.fs * 60) / this.options.nfft;
    for (let k = 1; k < p.length - 1; k++) {
      if (p[k] > p[k - 1] && p[k] >= p[k + 1] && p[k] >= rel * mx) {
        const a = p[k - 1],
          b = p[k],
          c = p[k + 1];
        const d = a - 2 * b + c;
        const off = d !== 0 ? (0.5 * (a - c)) / d : 0;
        const bpm = (k + off) * df;
        if (bpm >= this.options.minBpm && bpm <= this.options.maxBpm) out.push({ bpm, power: b / mx });
      }
    }
    return out.sort((x, y) => y.power - x.power);
  }

  /** Motion frequencies (bpm) from the accelerometer axes, or none when the wearer is still. */
  private motionFrequencies(acc: ArrayLike<number>[]): number[] {
    let ss = 0;
    let n = 0;
    for (const ax of acc) for (let i = 0; i < ax.length; i++) { ss += ax[i] * ax[i]; n++; }
    if (!(n > 0 && Math.sqrt(ss / n) > this.options.motionG)) return [];
    const nb = this.options.nfft / 2 + 1;
    const a = new Float64Array(nb);
    for (const ax of acc) {
      const s = this.spectrum(ax);
      for (let k = 0; k < nb; k++) a[k] += s[k];
    }
    // Sinusoid amplitude (g) of a Hann-windowed periodogram peak: 4 sqrt(P) / N.
    let mx = 0;
    for (let k = 0; k < nb; k++) if (a[k] > mx) mx = a[k];
    const len = acc[0].length;
    const minRel = Math.max(this.options.accPeakRel, (this.options.accMinG * len) ** 2 / 16 / (mx || 1));
    const pk = this.peaks(a, minRel);
    const out = pk.map((p) => p.bpm);
    // The artifact has harmonics: the 2nd harmonics of the two strongest motion peaks are excluded too.
    for (const p of pk.slice(0, 2)) out.push(2 * p.bpm);
    return out;
  }

  /** One window: PPG channels (band-passed) and accelerometer axes (band-passed, g). */
  estimate(ppg: ArrayLike<number>[], acc: ArrayLike<number>[]): HrEstimate {
    const o = this.options;
    const nb = o.nfft / 2 + 1;
    const p = new Float64Array(nb);
    for (const ch of ppg) {
      const s = this.spectrum(ch);
      let mx = 0;
      for (let k = 0; k < nb; k++) if (s[k] > mx) mx = s[k];
      if (mx > 0) for (let k = 0; k < nb; k++) p[k] += s[k] / mx / ppg.length;
    }
    if (!this.avg) this.avg = p.slice();
    else for (let k = 0; k < nb; k++) this.avg[k] = 0.6 * p[k] + 0.4 * this.avg[k];

    const motion = this.motionFrequencies(acc);
    const candidates = this.peaks(p, o.peakRel).filter((c) => !motion.some((m) => Math.abs(c.bpm - m) <= o.accTolBpm));
    this.current = { candidates: candidates.map((c) => c.bpm), motion };

    if (!Number.isFinite(this.prevBpm)) return this.acquire(candidates);

    // Tracking within the search range.
    const prev = this.prevBpm;
    // The HR may drift while the estimate is held: the range grows by maxStepBpm per held window.
    const range = o.searchBpm + o.maxStepBpm * Math.min(this.misses, 2);
    const sigma = range / 2;
    let pick: Peak | undefined;
    let score = 0;
    for (const c of candidates) {
      const d = c.bpm - prev;
      if (Math.abs(d) > range) continue;
      const s = c.power * Math.exp(-0.5 * (d / sigma) ** 2);
      if (s > score) { score = s; pick = c; }
    }
    // A pick far weaker than the strongest candidate is not evidence for the track (hold instead).
    if (pick && candidates.length && pick.power < o.weakRel * candidates[0].power) pick = undefined;

    // Verification / re-acquisition: a chain of candidates outside the search range, each within
    // `maxStepBpm` of the previous link and at least `reacquireRatio` x as strong as the track's
    // pick, not harmonics of the track while its own peak is present.
    const harmonic = (b: number) => !!pick && (Math.abs(b - 2 * prev) <= o.agreeBpm || Math.abs(b - prev / 2) <= o.agreeBpm);
    const floor = o.reacquireRatio * (pick?.power ?? 0);
    const others = candidates.filter((c) => Math.abs(c.bpm - prev) > range && !harmonic(c.bpm) && c.power >= floor);
    const link = this.chain.length ? this.nearest(others, this.chain[this.chain.length - 1], o.maxStepBpm) : undefined;
    if (link) this.chain.push(link.bpm);
    else if (others.length) this.chain = [others[0].bpm];
    else if (candidates.length) this.chain = [];
    if (this.chain.length >= o.reacquireWindows) {
      this.chain = [];
      this.lastCandidate = NaN;
      return this.accept(link!.bpm);
    }

    if (!pick) return this.hold();
    let bpm = pick.bpm;
    const consistent = Math.abs(bpm - this.lastCandidate) <= o.agreeBpm;
    const step = o.maxStepBpm * (1 + Math.min(this.misses, 2));
    if (!consistent) bpm = prev + Math.max(-step, Math.min(step, bpm - prev));
    this.lastCandidate = pick.bpm;
    return this.accept(bpm);
  }

  /** The candidate nearest to `bpm` within `tol`, if any. */
  private nearest(cands: Peak[], bpm: number, tol: number): Peak | undefined {
    let out: Peak | undefined;
    for (const c of cands) if (Math.abs(c.bpm - bpm) <= tol && (!out || Math.abs(c.bpm - bpm) < Math.abs(out.bpm - bpm))) out = c;
    return out;
  }

  private acquire(candidates: Peak[]): HrEstimate {
    const o = this.options;
    if (!candidates.length) return this.result(this.lastOutput, true);
    // Continue the chain of the last windows with a strong candidate (>= half the strongest)
    // within maxStepBpm of its last link; otherwise start a new chain from the strongest.
    const strong = candidates.filter((c) => c.power >= 0.5 * candidates[0].power);
    const link = this.chain.length ? this.nearest(strong, this.chain[this.chain.length - 1], o.maxStepBpm) : undefined;
    if (link) this.chain.push(link.bpm);
    else this.chain = [candidates[0].bpm];
    const bpm = this.chain[this.chain.length - 1];
    if (this.chain.length >= o.initWindows) {
      this.chain = [];
      this.lastCandidate = bpm;
      return this.accept(bpm);
    }
    // Not locked yet: report the chain's value, but do not track it.
    return this.result(bpm, false);
  }

  private accept(bpm: number): HrEstimate {
    this.misses = 0;
    this.prevBpm = bpm;
    return this.result(bpm, false);
  }

  private hold(): HrEstimate {
    const bpm = this.prevBpm;
    this.lastCandidate = NaN;
    if (++this.misses > this.options.lostWindows) {
      this.prevBpm = NaN;
      this.misses = 0;
    }
    return this.result(bpm, true);
  }

  private result(bpm: number, held: boolean): HrEstimate {
    if (Number.isFinite(bpm)) this.lastOutput = bpm;
    return { bpm, held, freqs: this.freqs, power: this.avg!, ...this.current };
  }
}
