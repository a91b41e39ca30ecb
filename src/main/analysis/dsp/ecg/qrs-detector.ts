/**
 * Streaming QRS detector after Pan & Tompkins, "A real-time QRS detection algorithm", IEEE TBME
 * 32(3):230-236, 1985, with the peak rule and decision refinements of Hamilton & Tompkins,
 * "Quantitative investigation of QRS detection rules using the MIT/BIH arrhythmia database",
 * IEEE TBME 33(12):1157-1165, 1986:
 *   band-pass 5-15 Hz (Butterworth, 2 sections) -> 5-point derivative -> square ->
 *   150 ms moving-window integration (MWI) -> MWI peaks (a peak is confirmed once the MWI falls
 *   to half of it, or 150 ms after it) -> adaptive signal/noise levels with the detection
 *   threshold NPK + 0.25 (SPK - NPK), a 200 ms refractory period, T-wave discrimination by slope
 *   within 360 ms (a candidate whose maximal slope is under half the previous QRS's is a T wave;
 *   the slope is that of the 5-40 Hz band-passed signal, see `peakSlope`), and search-back at
 *   1.66 x the mean RR for the largest missed peak above half the
 *   threshold. The R location is the largest band-passed deflection in the QRS's MWI window,
 *   corrected for the band-pass group delay.
 * Wide channel (ours): a wide, slow ventricular or aberrated beat half as tall and half as steep
 * as the sinus QRS has ~1/16 of its squared-derivative energy, below the threshold (MIT-BIH 201,
 * 203; ventricular runs). Its mean |slope| in 1-10 Hz over the same 150 ms window (the signal's
 * total variation there, which does not shrink with width as a squared slope does) stays
 * comparable to the sinus beats'. That value has its own signal/noise levels (running means like
 * SPK/NPK); a candidate under the threshold is still a beat when it is outside the T-wave window
 * (360 ms), its wide value passes `wideThreshold` between the wide levels, its narrow peak is at
 * least `wideNarrowMin` of the threshold (not a flat slow wave), and the wide channel is clean:
 * its noise level under `wideNoiseMax` of its signal level. In leads whose tall T waves or
 * baseline wander fill 1-10 Hz (Challenge 2015 v102s lead II: noise ~ signal there) that last
 * condition switches the wide channel off. Tuned on MIT-BIH DS1.
 * Latency: a beat is reported ~150-250 ms after its R wave (search-back beats later, by design);
 * during the first 2 s (threshold learning) beats are held and reported at 2 s.
 * Bounded state: ring buffers of ~2.5 s and a few scalars. O(1) work per sample.
 */
import { butterworth } from '../filters/butterworth';
import { SosFilter } from '../filters/sos-filter';

export interface QrsBeat {
  /** Sample index of the R wave (from the first sample pushed). */
  sample: number;
  /** Sample index at which the detector reported it. */
  detectedAt: number;
  /** True when found by search-back. */
  searchBack: boolean;
}

export interface QrsDetectorOptions {
  /** Detection threshold position between noise and signal levels (Pan-Tompkins: 0.25). */
  threshold: number;
  refractorySec: number;
  tWaveSec: number;
  learnSec: number;
  /** Wide channel (see the file header): a candidate's wide value must pass this position between the channel's noise and signal levels... */
  wideThreshold: number;
  /** ...its narrow-channel peak must reach this fraction of the detection threshold... */
  wideNarrowMin: number;
  /** ...and the channel is trusted only while its noise level is below this fraction of its signal level. */
  wideNoiseMax: number;
}

export const DEFAULT_QRS: QrsDetectorOptions = { threshold: 0.25, refractorySec: 0.2, tWaveSec: 0.36, learnSec: 2, wideThreshold: 0.5, wideNarrowMin: 0.3, wideNoiseMax: 0.35 };

export class QrsDetector {
  readonly fs: number;
  readonly options: QrsDetectorOptions;
  private readonly bandpass: SosFilter;
  private readonly groupDelay: number;
  private readonly mask: number;
  private readonly bp: Float64Array;
  /** |derivative| of the 5-40 Hz signal: the slope of the T-wave test (see `peakSlope`). */
  private readonly slope: Float64Array;
  private readonly wideband: SosFilter;
  private readonly slopeLead: number;
  private readonly widebandSlope = new Derivative5();
  /** Wide channel: 1-10 Hz band-pass, its |slope| ring, the 150 ms moving sum and mean of that, and its own signal/noise levels. */
  private readonly lowband: SosFilter;
  private readonly lowbandSlope = new Derivative5();
  private readonly lowSlope: Float64Array;
  private readonly lowMean: Float64Array;
  private lowSum = 0;
  private wspk = 0;
  private wnpk = 0;
  private readonly sq: Float64Array;
  private readonly win: number;
  private readonly refractory: number;
  private readonly tWave: number;
  private readonly learnEnd: number;
  private n = 0;
  private mwi = 0;
  private readonly bandpassSlope = new Derivative5();
  // Peak tracking on the MWI.
  private candValue = 0;
  private candIndex = -1;
  private minMwi = 0;
  // Levels.
  private spk = 0;
  private npk = 0;
  private learning = true;
  private learnPeaks: number[] = [];
  private learnMax = 0;
  private learnSum = 0;
  // Last QRS.
  private lastQrs = -1;
  private lastMwiPeak = -1;
  private lastSlope = 0;
  private readonly rr = new Float64Array(8);
  private rrCount = 0;
  private rrMean = 0;
  // Search-back candidate: biggest noise peak since the last QRS.
  private sbValue = 0;
  private sbIndex = -1;
  private sbSlope = 0;
  private lastDecay = 0;
  private offset = 0;
  private out: QrsBeat[] = [];

  constructor(fs: number, options: Partial<QrsDetectorOptions> = {}) {
    if (!(fs >= 50)) throw new RangeError('QRS detection needs fs >= 50 Hz');
    this.fs = fs;
    this.options = { ...DEFAULT_QRS, ...options };
    const sos = butterworth(2, [5, 15], fs, 'bandpass');
    this.bandpass = new SosFilter(sos);
    this.groupDelay = Math.round(groupDelaySamples(sos, 10, fs)) + 2; // + the derivative's 2 samples
    let size = 1;
    while (size < 2.5 * fs) size *= 2;
    this.mask = size - 1;
    this.bp = new Float64Array(size);
    this.slope = new Float64Array(size);
    this.wideband = new SosFilter(butterworth(2, [5, Math.min(40, 0.45 * fs)], fs, 'bandpass'));
    this.slopeLead = Math.round(0.05 * fs);
    this.lowband = new SosFilter(butterworth(2, [1, 10], fs, 'bandpass'));
    this.lowSlope = new Float64Array(size);
    this.lowMean = new Float64Array(size);
    this.sq = new Float64Array(size);
    this.win = Math.max(1, Math.round(0.15 * fs));
    this.refractory = Math.round(this.options.refractorySec * fs);
    this.tWave = Math.round(this.options.tWaveSec * fs);
    this.learnEnd = Math.round(this.options.learnSec * fs);
  }

  /** Feeds samples; returns the beats confirmed while processing them. */
  push(block: ArrayLike<number>): QrsBeat[] {
    this.out = [];
    for (let i = 0; i < block.length; i++) this.step(block[i]);
    return this.out;
  }

  /**
   * The input has ended (a whole record, offline): the MWI peak still waiting for confirmation
   * (the signal stopped within 150 ms of it, before the MWI fell to half) is classified now, and a
   * signal shorter than the learning period is classified on what was learned. Without this, a
   * record's last QRS, 0.1-0.2 s before its end, is never reported (MIT-BIH 109, 115, 116, 208).
   * Returns the beats that confirms; push nothing after it.
   */
  finish(): QrsBeat[] {
    this.out = [];
    const now = this.n - 1;
    if (this.candIndex >= 0) {
      this.onPeak(this.candValue, this.candIndex, now);
      this.candIndex = -1;
    }
    if (this.learning && now >= 0) this.endLearning(now);
    return this.out;
  }

  /** Samples pushed so far. */
  get samples(): number {
    return this.n;
  }

  private step(x: number): void {
    const n = this.n;
    const m = this.mask;
    // The first value is taken off every sample: an electrode offset or raw ADC counts would
    // otherwise ring the band-passes from zero into a false first beat. (They pass no DC, so this
    // is their steady state for that value, and a flat line stays exactly zero.)
    if (n === 0) this.offset = x === x ? x : 0;
    const v = x === x ? x - this.offset : 0; // NaN (a gap) as the offset
    const y = this.bandpass.step(v);
    this.bp[n & m] = y;
    const d = this.bandpassSlope.step(y);
    const dz = this.widebandSlope.step(this.wideband.step(v));
    this.slope[n & m] = dz < 0 ? -dz : dz;
    const dl = this.lowbandSlope.step(this.lowband.step(v));
    const al = dl < 0 ? -dl : dl;
    this.lowSum += al - (n >= this.win ? this.lowSlope[(n - this.win) & m] : 0);
    this.lowSlope[n & m] = al;
    this.lowMean[n & m] = this.lowSum > 0 ? this.lowSum / this.win : 0;
    const s = d * d;
    this.mwi += s - (n >= this.win ? this.sq[(n - this.win) & m] : 0);
    this.sq[n & m] = s;
    const w = this.mwi > 0 ? this.mwi / this.win : 0;

    // MWI peak detection (Hamilton & Tompkins: confirmed when the signal falls to half).
    if (this.candIndex >= 0) {
      if (w > this.candValue) {
        this.candValue = w;
        this.candIndex = n;
      } else if (w < 0.5 * this.candValue || n - this.candIndex > this.win) {
        this.onPeak(this.candValue, this.candIndex, n);
        this.candIndex = -1;
        this.minMwi = w;
      }
    } else if (w < this.minMwi) {
      this.minMwi = w;
    } else if (w > this.minMwi) {
      this.candValue = w;
      this.candIndex = n;
    }

    if (this.learning) {
      this.learnMax = Math.max(this.learnMax, w);
      this.learnSum += w;
      if (n + 1 >= this.learnEnd) this.endLearning(n);
    } else if (this.lastQrs >= 0) {
      this.checkSearchBack(n);
    }
    this.n = n + 1;
  }

  private onPeak(value: number, index: number, now: number): void {
    if (this.learning) {
      this.learnPeaks.push(value, index);
      return;
    }
    this.classify(value, index, now);
  }

  private endLearning(now: number): void {
    this.learning = false;
    const peaks = this.learnPeaks;
    let max = 0;
    for (let k = 0; k < peaks.length; k += 2) max = Math.max(max, peaks[k]);
    this.spk = max > 0 ? max * 0.5 : this.learnMax * 0.5;
    this.npk = (this.learnSum / Math.max(1, now + 1)) * 0.5;
    this.learnPeaks = [];
    for (let k = 0; k < peaks.length; k += 2) this.classify(peaks[k], peaks[k + 1], now);
  }

  private threshold(): number {
    return this.npk + this.options.threshold * (this.spk - this.npk);
  }

  /**
   * Largest slope of a candidate for the T-wave test: max |5-point derivative| of the 5-40 Hz
   * band-passed raw signal over the candidate's integration window. Not the 5-15 Hz detection
   * band: it attenuates a narrow (< 40 ms, fragmented) QRS, whose content reaches 20-40 Hz, far more
   * than a tall, broad T wave (mostly < 10 Hz), so in a lead with a small narrow QRS the T wave's
   * 5-15 Hz slope can exceed half the QRS's and the test fails (PhysioNet Challenge 2015 v102s,
   * lead II). The QRS power spectrum spans ~5-40 Hz (Thakor, Webster & Tompkins, IEEE TBME
   * 31(11):702-706, 1984). The window starts `slopeLead` (50 ms) earlier because the 5-40 Hz
   * path lags the 5-15 Hz one (whose integrated output times the candidate) by less.
   */
  private peakSlope(index: number): number {
    let mx = 0;
    const from = Math.max(0, index - this.win - this.slopeLead, this.n - this.mask);
    for (let i = from; i <= index; i++) {
      const v = this.slope[i & this.mask];
      if (v > mx) mx = v;
    }
    return mx;
  }

  /** The wide channel's peak (mean |1-10 Hz slope| over 150 ms) from the candidate's window to now. */
  private wideValue(index: number, now: number): number {
    let mx = 0;
    for (let i = Math.max(0, index - this.win, now - this.mask); i <= now; i++) {
      const v = this.lowMean[i & this.mask];
      if (v > mx) mx = v;
    }
    return mx;
  }

  private classify(value: number, index: number, now: number): void {
    const since = this.lastMwiPeak >= 0 ? index - this.lastMwiPeak : Infinity;
    if (since < this.refractory) return;
    const slope = this.peakSlope(index);
    const wide = this.wideValue(index, now);
    const o = this.options;
    if (value > this.threshold()) {
      if (since < this.tWave && slope < 0.5 * this.lastSlope) {
        this.npk += 0.125 * (value - this.npk); // a T wave
        return;
      }
      this.spk += 0.125 * (value - this.spk);
      this.wspk = this.wspk > 0 ? this.wspk + 0.125 * (wide - this.wspk) : wide;
      this.accept(index, slope, now, false);
    } else if (since >= this.tWave && this.wnpk < o.wideNoiseMax * this.wspk && value > o.wideNarrowMin * this.threshold() && wide > this.wnpk + o.wideThreshold * (this.wspk - this.wnpk)) {
      this.wspk += 0.125 * (wide - this.wspk);
      this.accept(index, slope, now, false);
    } else {
      this.npk += 0.125 * (value - this.npk);
      this.wnpk += 0.125 * (wide - this.wnpk);
      if (value > this.sbValue && since >= this.tWave * 0.5) {
        this.sbValue = value;
        this.sbIndex = index;
        this.sbSlope = slope;
      }
    }
  }

  private checkSearchBack(now: number): void {
    const gap = now - this.lastMwiPeak;
    if (this.rrCount > 0 && gap > 1.66 * this.rrMean && this.sbIndex >= 0 && this.sbValue > 0.5 * this.threshold()) {
      this.spk += 0.25 * (this.sbValue - this.spk);
      this.accept(this.sbIndex, this.sbSlope, now, true);
      return;
    }
    // No beat for long: the signal may have shrunk; let the signal level decay.
    const limit = Math.max(1.5 * this.fs, 2.5 * this.rrMean);
    if (gap > limit && now - this.lastDecay > this.fs) {
      this.spk *= 0.7;
      this.lastDecay = now;
    }
  }

  private accept(mwiIndex: number, slope: number, now: number, searchBack: boolean): void {
    if (this.lastMwiPeak >= 0) {
      const rr = mwiIndex - this.lastMwiPeak;
      this.rr[this.rrCount % 8] = rr;
      this.rrCount++;
      const k = Math.min(8, this.rrCount);
      let sum = 0;
      for (let i = 0; i < k; i++) sum += this.rr[i];
      this.rrMean = sum / k;
    }
    this.lastMwiPeak = mwiIndex;
    this.lastSlope = slope;
    this.sbValue = 0;
    this.sbIndex = -1;
    // R wave: the largest band-passed deflection in the QRS's integration window.
    let best = mwiIndex;
    let mx = -1;
    const from = Math.max(0, mwiIndex - this.win - 2, now - this.mask);
    for (let i = from; i <= mwiIndex; i++) {
      const v = Math.abs(this.bp[i & this.mask]);
      if (v > mx) { mx = v; best = i; }
    }
    const sample = Math.max(0, best - this.groupDelay);
    if (sample <= this.lastQrs) return;
    this.lastQrs = sample;
    this.out.push({ sample, detectedAt: now, searchBack });
  }
}

/** The 5-point derivative of Pan & Tompkins: (2y[n] + y[n-1] - y[n-3] - 2y[n-4]) / 8. */
class Derivative5 {
  private y1 = 0;
  private y2 = 0;
  private y3 = 0;
  private y4 = 0;

  step(y: number): number {
    const d = (2 * y + this.y1 - this.y3 - 2 * this.y4) * 0.125;
    this.y4 = this.y3;
    this.y3 = this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return d;
  }
}

/** Group delay (samples) of an SOS filter at f Hz, by numerical differentiation of its phase. */
export function groupDelaySamples(sos: Float64Array, f: number, fs: number): number {
  const phase = (freq: number): number => {
    const w = (2 * Math.PI * freq) / fs;
    let ph = 0;
    for (let s = 0; s < sos.length; s += 6) {
      ph += Math.atan2(-sos[s + 1] * Math.sin(w) - sos[s + 2] * Math.sin(2 * w), sos[s] + sos[s + 1] * Math.cos(w) + sos[s + 2] * Math.cos(2 * w));
      ph -= Math.atan2(-sos[s + 4] * Math.sin(w) - sos[s + 5] * Math.sin(2 * w), 1 + sos[s + 4] * Math.cos(w) + sos[s + 5] * Math.cos(2 * w));
    }
    return ph;
  };
  const df = 0.01;
  let dphi = phase(f + df) - phase(f - df);
  while (dphi > Math.PI) dphi -= 2 * Math.PI;
  while (dphi < -Math.PI) dphi += 2 * Math.PI;
  return (-dphi / (2 * Math.PI * 2 * df)) * fs;
}

/** Detects all beats of a whole signal in one go (same code path as streaming, then `finish`). */
export function detectQrs(signal: ArrayLike<number>, fs: number, options: Partial<QrsDetectorOptions> = {}): QrsBeat[] {
  const det = new QrsDetector(fs, options);
  return [...det.push(signal), ...det.finish()];
}
