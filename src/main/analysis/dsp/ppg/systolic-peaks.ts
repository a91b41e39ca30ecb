/**
 * Streaming systolic-peak detector after Elgendi et al., "Systolic peak detection in acceleration
 * photoplethysmograms measured from emergency responders in tropical conditions", PLoS ONE
 * 8(10):e76585, 2013 (two event-related moving averages): band-pass 0.5-8 Hz, clip below zero,
 * square, MA over 111 ms (peak) and 667 ms (beat); a block of interest is where MA_peak exceeds
 * MA_beat + 0.02 * mean(y); blocks at least 111 ms long give one peak, their largest sample, with
 * a 300 ms minimum spacing. Elgendi's moving averages are centred; streaming, both are causal
 * and MA_peak is compared w2/2 - w1/2 samples late so the two stay centred on the same sample
 * (unaligned, MA_beat lags by ~0.28 s more and at ~125 bpm whole beats fell below it). The
 * decision comes ~0.35 s plus one block after the peak. The causal band-pass delays the apex by
 * up to ~40 ms, so the peak is placed on the largest input sample in the 50 ms before it.
 * Input polarity: set `inverted` for light-intensity signals (which fall at systole).
 */
import { butterworth } from '../filters/butterworth';
import { SosFilter } from '../filters/sos-filter';

export class SystolicPeakDetector {
  private readonly filter: SosFilter;
  private readonly sign: number;
  private readonly w1: number;
  private readonly w2: number;
  private readonly mask: number;
  private readonly x: Float64Array;
  /** The input, sign-adjusted, for placing each peak without the band-pass filter's delay. */
  private readonly signed: Float64Array;
  private readonly filterDelay: number;
  private readonly y: Float64Array;
  /** MA_peak per sample, read back (w2 - w1) / 2 samples later. */
  private readonly maPeak: Float64Array;
  private readonly minGap: number;
  private n = 0;
  private s1 = 0;
  private s2 = 0;
  private meanY = 0;
  private blockStart = -1;
  private lastPeak = -Infinity;
  private out: number[] = [];

  constructor(readonly fs: number, inverted = true) {
    this.filter = new SosFilter(butterworth(2, [0.5, Math.min(8, fs * 0.45)], fs, 'bandpass'));
    this.sign = inverted ? -1 : 1;
    this.w1 = Math.max(1, Math.round(0.111 * fs));
    this.w2 = Math.max(2, Math.round(0.667 * fs));
    let size = 1;
    while (size < 2 * this.w2 + fs) size *= 2;
    this.mask = size - 1;
    this.x = new Float64Array(size);
    this.signed = new Float64Array(size);
    this.filterDelay = Math.round(0.05 * fs);
    this.y = new Float64Array(size);
    this.maPeak = new Float64Array(size);
    this.minGap = Math.round(0.3 * fs);
  }

  /** Feeds samples; returns the sample indices of the peaks confirmed in this block. */
  push(block: ArrayLike<number>): number[] {
    this.out = [];
    const m = this.mask;
    for (let i = 0; i < block.length; i++) {
      const n = this.n;
      const raw = block[i];
      if (n === 0 && raw === raw) this.filter.settle(raw); // no start-up transient from the DC level
      const v = this.sign * this.filter.step(raw === raw ? raw : 0);
      this.x[n & m] = v;
      this.signed[n & m] = raw === raw ? this.sign * raw : n > 0 ? this.signed[(n - 1) & m] : 0;
      const y = v > 0 ? v * v : 0;
      this.y[n & m] = y;
      this.s1 += y - (n >= this.w1 ? this.y[(n - this.w1) & m] : 0);
      this.s2 += y - (n >= this.w2 ? this.y[(n - this.w2) & m] : 0);
      // Slow running mean of y (time constant ~10 s) for the offset beta * mean(y).
      this.meanY += (y - this.meanY) / Math.min(n + 1, 10 * this.fs);
      this.maPeak[n & m] = this.s1 / this.w1;
      // Both averages centred on sample c: MA_beat ends at n, MA_peak ended (w2 - w1) / 2 earlier.
      const c = n - (this.w2 >> 1);
      const lag = (this.w2 - this.w1) >> 1;
      const inBlock = c >= 0 && this.maPeak[(n - lag) & m] > this.s2 / this.w2 + 0.02 * this.meanY;
      if (inBlock && this.blockStart < 0) this.blockStart = c;
      else if (!inBlock && this.blockStart >= 0) {
        if (c - this.blockStart >= this.w1) {
          let best = -1,
            mx = -Infinity;
          for (let k = Math.max(0, this.blockStart, n - m); k <= c; k++) {
            if (this.x[k & m] > mx) { mx = this.x[k & m]; best = k; }
          }
          best = this.onRaw(best);
          if (best >= 0 && best - this.lastPeak >= this.minGap) {
            this.lastPeak = best;
            this.out.push(best);
          }
        }
        this.blockStart = -1;
      }
      this.n = n + 1;
    }
    return this.out;
  }

  /** The causal band-pass delays a pulse's apex by up to ~40 ms: take the raw maximum in the 50 ms before. */
  private onRaw(peak: number): number {
    if (peak < 0) return peak;
    let best = peak;
    for (let k = Math.max(0, peak - this.filterDelay, this.n - this.mask); k < peak; k++) {
      if (this.signed[k & this.mask] > this.signed[best & this.mask]) best = k;
    }
    return best;
  }
}
