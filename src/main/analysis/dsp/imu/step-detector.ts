/**
 * Streaming step detection on the orientation-free acceleration magnitude, after Salvi et al.,
 * "An optimised algorithm for accurate steps counting from smart-phone accelerometry", IEEE EMBC
 * 2018 (the Oxford step counter: magnitude, low-pass, peaks scored against running statistics,
 * then a time-consistency pass) and the walk detection of Brajdic & Harle, "Walk detection and
 * step counting on unconstrained smartphones", UbiComp 2013 (a step counts only inside a periodic
 * walking bout).
 *
 * |a| in g (m/s^2 input is recognised from gravity and rescaled), band-pass 0.5-3 Hz (Butterworth,
 * 2 sections). Candidates are local maxima above max(minG, k x running RMS) that come at least
 * `minGapFraction` of the current step interval after the last one (a second bounce of the same
 * step, common in bags and armbands, is not a step). A bout starts once `boutSteps` candidates
 * follow each other at a cadence within [minIntervalSec, maxIntervalSec] and with intervals that
 * agree within `regularity` of their median (handling a phone is motion, but not periodic); its
 * earlier candidates are then counted too, so a step is reported at most about `boutSteps` step
 * intervals late (bounded: boutSteps x maxIntervalSec). A bout ends after a pause of
 * `pauseIntervals` step intervals (at most maxIntervalSec each).
 *
 * The defaults are tuned on the data set's `optimisation/` recordings (other users and phones than
 * its validation files) against their foot-switch contacts; bench/eval/steps.ts shows the search.
 */
import { butterworth } from '../filters/butterworth';
import { SosFilter } from '../filters/sos-filter';

export const GRAVITY = 9.80665;

export interface StepParams {
  /** Candidate threshold as a multiple of the band-passed signal's running RMS. */
  rmsFactor: number;
  /** Threshold floor, g. */
  minG: number;
  /** Candidates in a row, at a regular cadence, that start a bout. */
  boutSteps: number;
  /** Largest relative deviation of a starting run's intervals from their median. */
  regularity: number;
  /** Cadence limits, as the step interval in seconds. */
  minIntervalSec: number;
  maxIntervalSec: number;
  /**
   * A candidate closer to the last than this share of the current step interval is a bounce. Kept
   * under 0.5: a bout that started at stride cadence must still let the steps between through.
   */
  minGapFraction: number;
  /** A pause of this many step intervals ends a bout. */
  pauseIntervals: number;
}

export const DEFAULT_STEP_PARAMS: Readonly<StepParams> = {
  rmsFactor: 0.3,
  minG: 0.03,
  boutSteps: 6,
  regularity: 0.3,
  minIntervalSec: 0.25,
  maxIntervalSec: 2,
  minGapFraction: 0.4,
  pauseIntervals: 3,
};

export class StepDetector {
  readonly params: Readonly<StepParams>;
  private readonly filter: SosFilter;
  private scale = 0;
  private readonly calib: number[] = [];
  private readonly calibN: number;
  private n = 0;
  private y1 = 0;
  private y2 = 0;
  private rms = 0;
  private lastCandidate = -Infinity;
  /** Candidates of a bout not yet confirmed. */
  private run: number[] = [];
  private walking = false;
  /** Current step interval in samples (the bout's running median-like estimate). */
  private interval = 0;
  private readonly minInterval: number;
  private readonly maxInterval: number;
  private out: number[] = [];
  /** Steps counted so far. */
  count = 0;

  constructor(
    readonly fs: number,
    params: Partial<StepParams> = {},
  ) {
    this.params = { ...DEFAULT_STEP_PARAMS, ...params };
    this.filter = new SosFilter(butterworth(2, [0.5, Math.min(3, fs * 0.45)], fs, 'bandpass'));
    this.calibN = Math.max(1, Math.round(fs));
    this.minInterval = this.params.minIntervalSec * fs;
    this.maxInterval = this.params.maxIntervalSec * fs;
  }

  /** Scale to g once known (1 for g input, 1/9.81 for m/s^2). */
  get gScale(): number {
    return this.scale;
  }

  /** Longest delay, in samples, between a step and its report. */
  get maxDelay(): number {
    return Math.ceil(this.params.boutSteps * this.maxInterval) + 2;
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
      const thr = Math.max(this.params.minG, this.params.rmsFactor * Math.sqrt(this.rms));
      const idx = n - 1;
      const gap = Math.max(this.minInterval, this.walking ? this.params.minGapFraction * this.interval : 0);
      if (this.y1 > thr && idx - this.lastCandidate >= gap) this.candidate(idx);
    }
    if (n - this.lastCandidate > this.pauseLimit()) this.endBout();
    this.y2 = this.y1;
    this.y1 = y;
    this.n = n + 1;
  }

  private pauseLimit(): number {
    return this.walking ? Math.min(this.maxInterval, this.params.pauseIntervals * this.interval) : this.maxInterval;
  }

  private endBout(): void {
    this.walking = false;
    this.run = [];
  }

  private candidate(idx: number): void {
    const dt = idx - this.lastCandidate;
    this.lastCandidate = idx;
    if (this.walking) {
      // Follow cadence changes slowly; one odd interval moves it little.
      this.interval += (Math.min(dt, this.maxInterval) - this.interval) * 0.2;
      this.emit(idx);
      return;
    }
    this.run.push(idx);
    if (this.run.length > this.params.boutSteps) this.run.shift();
    if (this.run.length < this.params.boutSteps) return;
    const gaps = this.run.slice(1).map((r, k) => r - this.run[k]);
    const sorted = gaps.slice().sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1];
    const regular = med >= this.minInterval && med <= this.maxInterval && gaps.every((d) => Math.abs(d - med) <= this.params.regularity * med);
    if (!regular) return;
    this.walking = true;
    this.interval = med;
    for (const s of this.run) this.emit(s);
    this.run = [];
  }

  private emit(idx: number): void {
    this.count++;
    this.out.push(idx);
  }
}
