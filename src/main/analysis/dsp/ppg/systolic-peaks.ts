/**
 * Streaming systolic-peak detector after Elgendi et al., "Systolic peak detection in acceleration
 * photoplethysmograms measured from emergency responders in tropical conditions", PLoS ONE
 * 8(10):e76585, 2013 (two event-related moving averages): band-pass 0.5-8 Hz, clip below zero,
 * square, MA over 111 ms (peak) and 667 ms (beat); a block of interest is where MA_peak exceeds
 * MA_beat + 0.02 * mean(y); blocks at least 111 ms long give one peak, their largest sample, with
 * a 300 ms minimum spacing. Moving averages are causal here (streaming), which delays the
 * decision by ~0.4 s but not the peak location.
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
  private readonly y: Float64Array;
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
    this.y = new Float64Array(size);
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
      const y = v > 0 ? v * v : 0;
      this.y[n & m] = y;
      this.s1 += y - (n >= this.w1 ? this.y[(n - this.w1) & m] : 0);
      this.s2 += y - (n >= this.w2 ? this.y[(n - this.w2) & m] : 0);
      // Slow running mean of y (time constant ~10 s) for the offset beta * mean(y).
      this.meanY += (y - this.meanY) / Math.min(n + 1, 10 * this.fs);
      const inBlock = this.s1 / this.w1 > this.s2 / this.w2 + 0.02 * this.meanY;
      if (inBlock && this.blockStart < 0) this.blockStart = n;
      else if (!inBlock && this.blockStart >= 0) {
        // Causal MA_peak lags by w1/2: the block in x spans [start - w1/2, n - w1/2].
        if (n - this.blockStart >= this.w1) {
          const lag = this.w1 >> 1;
          let best = -1,
            mx = -Infinity;
          for (let k = Math.max(0, this.blockStart - this.w1, n - m); k <= n - lag; k++) {
            if (this.x[k & m] > mx) { mx = this.x[k & m]; best = k; }
          }
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
}
