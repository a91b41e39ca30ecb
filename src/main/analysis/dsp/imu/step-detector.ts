/**
 * Streaming step detection on the orientation-free acceleration magnitude, after Salvi et al.,
 * "An optimised algorithm for accurate steps counting from smart-phone accelerometry", IEEE EMBC
 * 2018 (the Oxford step counter: magnitude, low-pass, peaks scored against running statistics,
 * then a time-consistency pass) and the walk detection of Brajdic & Harle, "Walk detection and
 * step counting on unconstrained smartphones", UbiComp 2013 (a step counts only inside a periodic
 * walking bout).
 *
 * |a| in g (m/s^2 input is recognised from gravity and rescaled), band-pass 0.5-3 Hz (Butterworth,
 * 2 sections). Candidates are local maxima above max(minG, k x running RMS). A running
 * autocorrelation (periodicity.ts, after Rai et al. 2012 "Zee") gives the rhythm's strength and
 * the step period, telling a step from a stride. A bout starts once `boutSteps` candidates come at
 * a regular cadence (intervals within `regularity` of their median, or of one or two step periods,
 * or in pairs that make a stride) while the rhythm is at least `rhythmMin`; its candidates, and
 * those a step period apart before it while the rhythm built up, are then counted too. Inside a bout the regularity check is continuous: the step is the highest
 * candidate within `regularity` of one step period after the last (the rest are bounces); a
 * window without one is bridged by a step halfway when the next comes two periods on (peaks at
 * stride rate: an arm swing, weak alternate steps); the bout ends after two empty windows or when
 * the rhythm falls RHYTHM_HYSTERESIS below rhythmMin (handling, jolts). A step is reported at most
 * `maxDelay` samples late (8.2 s with the defaults, at a bout's start; inside a bout two windows).
 *
 * The defaults are tuned on the data set's `optimisation/` recordings (other users and phones than
 * its validation files) against their foot-switch contacts; bench/eval/steps.ts shows the search.
 */
import { butterworth } from '../filters/butterworth';
import { SosFilter } from '../filters/sos-filter';
import { PeriodicityTracker } from './periodicity';

export const GRAVITY = 9.80665;

export interface StepParams {
  /** Candidate threshold as a multiple of the band-passed signal's running RMS. */
  rmsFactor: number;
  /** Threshold floor, g. */
  minG: number;
  /** Candidates in a row, at a regular cadence, that start a bout. */
  boutSteps: number;
  /**
   * Largest relative deviation of a starting run's intervals from their median, and of a step
   * from where the rhythm puts it (one step period after the last).
   */
  regularity: number;
  /** Cadence limits, as the step interval in seconds. */
  minIntervalSec: number;
  maxIntervalSec: number;
  /** Autocorrelation strength (0-1) below which the rhythm is broken: no bout starts, a bout ends. */
  rhythmMin: number;
  /** Time constant of the running autocorrelation, s. */
  rhythmWindowSec: number;
}

export const DEFAULT_STEP_PARAMS: Readonly<StepParams> = {
  rmsFactor: 0.3,
  minG: 0.03,
  boutSteps: 3,
  regularity: 0.3,
  minIntervalSec: 0.25,
  maxIntervalSec: 2,
  rhythmMin: 0.7,
  rhythmWindowSec: 3,
};

/**
 * A bout started on a rhythm this much stronger than it needs to continue: a bounce or a stumble
 * lowers the autocorrelation for a few seconds without ending the walk.
 */
const RHYTHM_HYSTERESIS = 0.2;

/** A step candidate: sample index and band-passed height. */
interface Candidate {
  at: number;
  height: number;
}

export class StepDetector {
  readonly params: Readonly<StepParams>;
  private readonly filter: SosFilter;
  private readonly rhythm: PeriodicityTracker;
  private scale = 0;
  private readonly calib: number[] = [];
  private readonly calibN: number;
  private n = 0;
  private y1 = 0;
  private y2 = 0;
  private rms = 0;
  private lastCandidate = -Infinity;
  /** Candidates before a bout, not yet confirmed. */
  private run: number[] = [];
  private walking = false;
  /** The last counted step of the bout. */
  private last = 0;
  /** Step period of the bout, samples (from the autocorrelation). */
  private period = 0;
  /** The highest candidate where the rhythm puts the next step (or, after a miss, the one after). */
  private pending: Candidate | null = null;
  /** Whether the window one period after the last step closed without a candidate. */
  private missedOne = false;
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
    this.rhythm = new PeriodicityTracker(fs, this.params.rhythmWindowSec, this.params.minIntervalSec);
    this.calibN = Math.max(1, Math.round(fs));
    this.minInterval = this.params.minIntervalSec * fs;
    this.maxInterval = this.params.maxIntervalSec * fs;
  }

  /** Scale to g once known (1 for g input, 1/9.81 for m/s^2). */
  get gScale(): number {
    return this.scale;
  }

  /**
   * Longest delay, in samples, between a step and its report: a bout's first steps wait for the
   * run that starts it (its intervals at most (1 + regularity) x maxIntervalSec) and for the
   * rhythm, whose window they are counted back over; inside a bout a step waits for its window to
   * close, an inferred one for the step after it (two windows of a period of at most 2 s).
   */
  get maxDelay(): number {
    const tol = this.params.regularity;
    const start = (this.params.boutSteps - 1) * (1 + tol) * this.maxInterval + this.params.rhythmWindowSec * this.fs;
    return Math.ceil(Math.max(start, 4 * (1 + tol) * this.fs)) + 2;
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
    this.rhythm.push(y);
    this.rms += (y * y - this.rms) / Math.min(n + 1, 2 * this.fs);
    // Local maximum at n-1.
    if (this.y1 > this.y2 && this.y1 >= y) {
      const thr = Math.max(this.params.minG, this.params.rmsFactor * Math.sqrt(this.rms));
      const idx = n - 1;
      if (this.y1 > thr && idx - this.lastCandidate >= this.minInterval) this.candidate({ at: idx, height: this.y1 });
    }
    if (this.walking) this.followRhythm(n);
    else if (n - this.lastCandidate > this.maxInterval) this.run = [];
    this.y2 = this.y1;
    this.y1 = y;
    this.n = n + 1;
  }

  /** Window, in samples after the last step, where the k-th step after it belongs. */
  private window(k: number): [number, number] {
    const tol = this.params.regularity;
    return [this.last + k * (1 - tol) * this.period, this.last + k * (1 + tol) * this.period];
  }

  /** Inside a bout: counts a step as its window closes, ends the bout when the rhythm breaks. */
  private followRhythm(n: number): void {
    const { strength, stepPeriod } = this.rhythm.rhythm;
    if (strength < this.params.rhythmMin - RHYTHM_HYSTERESIS || !stepPeriod) {
      this.endBout();
      return;
    }
    this.period = stepPeriod;
    const [, close] = this.window(this.missedOne ? 2 : 1);
    if (n <= close) return;
    if (this.pending) {
      this.count1(this.pending.at);
      this.pending = null;
      this.missedOne = false;
    } else if (this.missedOne) this.endBout();
    else this.missedOne = true;
  }

  private endBout(): void {
    this.walking = false;
    this.run = [];
    this.pending = null;
    this.missedOne = false;
  }

  private candidate(c: Candidate): void {
    this.lastCandidate = c.at;
    if (this.walking) {
      // The highest candidate in the window is the step; the rest are bounces of it.
      const [open, close] = this.window(this.missedOne ? 2 : 1);
      if (c.at >= open && c.at <= close && (!this.pending || c.height > this.pending.height)) this.pending = c;
      return;
    }
    this.run.push(c.at);
    // Earlier candidates are kept as long as a step may be reported late: the rhythm builds up
    // over its window, and the steps it took to build are counted once it has.
    while (c.at - this.run[0] > this.params.boutSteps * this.maxInterval) this.run.shift();
    if (this.run.length < this.params.boutSteps) return;
    const recent = this.run.slice(-this.params.boutSteps);
    const gaps = recent.slice(1).map((r, k) => r - recent[k]);
    const sorted = gaps.slice().sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1];
    const tol = this.params.regularity;
    const { strength, stepPeriod: p } = this.rhythm.rhythm;
    if (strength < this.params.rhythmMin || !p) return;
    // Regular: each interval near the run's median; or each one or two step periods (weak
    // alternate steps fall under the threshold); or each pair of intervals a stride (a limp-like
    // asymmetry, a back pocket: one leg's peaks come early).
    const near = (d: number, want: number) => Math.abs(d - want) <= tol * want;
    const regular =
      (med >= this.minInterval && med <= this.maxInterval && gaps.every((d) => near(d, med))) ||
      gaps.every((d) => near(d, p) || near(d, 2 * p)) ||
      gaps.slice(1).every((d, k) => near(d + gaps[k], 2 * p));
    if (!regular) return;
    this.walking = true;
    this.period = p;
    // Back from the run, earlier candidates a step period apart belong to the bout, within the
    // time the rhythm took to build up (its window).
    let first = this.run.length - this.params.boutSteps;
    const since = this.run[first] - this.params.rhythmWindowSec * this.fs;
    for (let j = first - 1; j >= 0 && this.run[j] >= since; j--) {
      const d = this.run[first] - this.run[j];
      if (d > (1 + tol) * p) break;
      if (near(d, p)) first = j;
    }
    // The run counts at the rhythm's step period: candidates closer than a step are bounces, a
    // gap of two steps (peaks at stride rate) holds one more.
    const [start, ...rest] = this.run.slice(first);
    this.emit(start);
    this.last = start;
    for (const r of rest) if (r >= this.window(1)[0]) this.count1(r);
    this.run = [];
  }

  /** Counts the step at `at`, and the one between when it comes two step periods after the last. */
  private count1(at: number): void {
    const [twoOpen, twoClose] = this.window(2);
    if (at >= twoOpen && at <= twoClose) this.emit(Math.round((this.last + at) / 2));
    this.emit(at);
    this.last = at;
  }

  private emit(idx: number): void {
    this.count++;
    this.out.push(idx);
  }
}
