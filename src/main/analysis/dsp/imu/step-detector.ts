/**
 * Streaming step detection on the acceleration magnitude, after the peak-based pedometers
 * reviewed by Brajdic & Harle, "Walk detection and step counting on unconstrained smartphones",
 * UbiComp 2013 (the Oxford step-counter work): |a| in g (m/s^2 input is detected from gravity and
 * rescaled), band-pass 0.5-3 Hz (Butterworth, 2 sections), peaks above an adaptive threshold
 * (max(0.03 g, 0.4 x the running RMS)) at least 0.25 s apart; a step counts only as part of a
 * walk: once 4 candidate steps follow each other at 0.25-2 s intervals (the run's earlier steps
 * are then counted too), and until a 2 s pause ends the run.
 */
import { butterworth } from '../filters/butterworth';
import { SosFilter } from '../filters/sos-filter';

export const GRAVITY = 9.80665;

export class StepDetector {
  private readonly filter: SosFilter;
  private scale = 0;
  private readonly calib: number[] = [];
  private readonly calibN: number;
  private n = 0;
  private y1 = 0;
  private y2 = 0;
  private rms = 0;
  private lastCandidate = -Infinity;
  private run: number[] = [];
  private walking = false;
  private readonly minGap: number;
  private readonly maxGap: number;
  private out: number[] = [];
  /** Steps counted so far. */
  count = 0;

  constructor(readonly fs: number) {
    this.filter = new SosFilter(butterworth(2, [0.5, Math.min(3, fs * 0.45)], fs, 'bandpass'));
    this.calibN = Math.max(1, Math.round(fs));
    this.minGap = Math.round(0.25 * fs);
    this.maxGap = Math.round(2 * fs);
  }

  /** Scale to g once known (1 for g input, 1/9.81 for m/s^2). */
  get gScale(): number {
    return this.scale;
  }

  /** Feeds magnitudes (any unit of acceleration); returns the sample indices of counted steps. */
  push(magnitude: ArrayLike<number>): number[] {
    this.out = [];
    for (let i = 0; i < magnitude.length; i++) {
      let v = magnitude[i];
      if (v !== v) v = this.scale ? 1 / this.scale : 0;
      if (!this.scale) {
        this.calib.push(v);
        if (this.calib.length >= this.calibN) {
          const s = this.calib.slice().sort((a, b) => a - b);
          const med = s[s.length >> 1];
          this.scale = med > 4 ? 1 / GRAVITY : 1;
          for (const c of this.calib) this.stepSample(c * this.scale);
          this.calib.length = 0;
        }
        continue;
      }
      this.stepSample(v * this.scale);
    }
    return this.out;
  }

  private stepSample(g: number): void {
    const n = this.n;
    const y = this.filter.step(g - 1);
    this.rms += (y * y - this.rms) / Math.min(n + 1, 2 * this.fs);
    // Local maximum at n-1.
    if (this.y1 > this.y2 && this.y1 >= y) {
      const thr = Math.max(0.03, 0.4 * Math.sqrt(this.rms));
      const idx = n - 1;
      if (this.y1 > thr && idx - this.lastCandidate >= this.minGap) this.candidate(idx);
    }
    if (this.walking && n - this.lastCandidate > this.maxGap) {
      this.walking = false;
      this.run = [];
    }
    this.y2 = this.y1;
    this.y1 = y;
    this.n = n + 1;
  }

  private candidate(idx: number): void {
    if (idx - this.lastCandidate > this.maxGap) {
      this.run = [];
      this.walking = false;
    }
    this.lastCandidate = idx;
    if (this.walking) {
      this.emit(idx);
      return;
    }
    this.run.push(idx);
    if (this.run.length >= 4) {
      this.walking = true;
      for (const s of this.run) this.emit(s);
      this.run = [];
    }
  }

  private emit(idx: number): void {
    this.count++;
    this.out.push(idx);
  }
}
