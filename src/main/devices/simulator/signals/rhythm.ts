/**
 * The heart's beat times and the breathing phase, shared by the ECG and PPG generators so that
 * every pulse wave follows an R peak and every respiratory effect is in phase.
 *
 * RR intervals: 60 / HR(t_k) with HR modulated by respiratory sinus arrhythmia (HF, at the
 * breathing rate), a Mayer wave (LF, ~0.1 Hz) and a slow AR(1) drift (VLF), times a small
 * per-beat Gaussian jitter; the usual spectral picture of short-term HRV (Task Force of the ESC
 * and NASPE, Circulation 93(5), 1996). Defaults give SDNN ~30-40 ms at 60-75 bpm.
 */
import { Prng } from './prng';

export interface RhythmOptions {
  seed: number;
  /** Mean heart rate. */
  hrBpm: number;
  respRateBpm: number;
  /** Relative HR modulation by respiration (HR rises on inspiration). */
  rsaDepth: number;
  /** Relative HR modulation by the Mayer wave. */
  mayerDepth: number;
  mayerHz: number;
  /** Relative SD of the slow random HR drift. */
  vlfDepth: number;
  /** Relative SD of the independent per-beat RR jitter. */
  jitter: number;
}

export const DEFAULT_RHYTHM: RhythmOptions = {
  seed: 1,
  hrBpm: 70,
  respRateBpm: 15,
  rsaDepth: 0.04,
  mayerDepth: 0.025,
  mayerHz: 0.1,
  vlfDepth: 0.015,
  jitter: 0.012,
};

const MIN_RR = 0.25;
const MAX_RR = 2.5;
/** Beats kept behind the slowest cursor; consumers look back at most a few beats. */
const KEEP_BEHIND = 8;
const TRIM_CHUNK = 512;

export class BeatRhythm {
  readonly options: RhythmOptions;
  readonly respHz: number;
  /** Nominal RR at the mean heart rate, seconds. */
  readonly meanRrSec: number;
  private readonly prng: Prng;
  private readonly respPhase0: number;
  private readonly mayerPhase0: number;
  private readonly firstBeat: number;
  /** Beat times in seconds; times[0] is beat `base`. */
  private times: number[] = [];
  private base = 0;
  private vlf = 0;
  private readonly cursors: BeatCursor[] = [];

  constructor(options: Partial<RhythmOptions> = {}) {
    const o = (this.options = { ...DEFAULT_RHYTHM, ...options });
    if (!(o.hrBpm > 0) || !(o.respRateBpm > 0)) throw new RangeError('hrBpm and respRateBpm must be > 0');
    this.prng = new Prng(o.seed);
    this.respHz = o.respRateBpm / 60;
    this.meanRrSec = Math.min(MAX_RR, Math.max(MIN_RR, 60 / o.hrBpm));
    this.respPhase0 = 2 * Math.PI * this.prng.next();
    this.mayerPhase0 = 2 * Math.PI * this.prng.next();
    // Beat 0 lies well before t = 0 so every generator starts mid-rhythm, not on a flat line.
    this.firstBeat = -3 + this.meanRrSec * this.prng.next();
    this.times.push(this.firstBeat);
  }

  /** Breathing phase (rad) at time t; sin(phase) > 0 is the inspiratory half. */
  respPhase(t: number): number {
    return 2 * Math.PI * this.respHz * t + this.respPhase0;
  }

  /** Time (s) of R peak k; generated on demand. Negative k extrapolate at the mean RR. */
  beatTime(k: number): number {
    if (k < 0) return this.firstBeat + k * this.meanRrSec;
    if (k < this.base) throw new RangeError(`beat ${k} was already released`);
    while (k - this.base >= this.times.length) this.extend();
    return this.times[k - this.base];
  }

  /**
   * A consumer's position in the beat sequence. Create all cursors before generating: beats
   * behind the slowest cursor are dropped so memory stays bounded.
   */
  cursor(): BeatCursor {
    const c = new BeatCursor(this);
    this.cursors.push(c);
    return c;
  }

  /** Drop beats no cursor can still need. */
  release(): void {
    let min = Infinity;
    for (const c of this.cursors) min = Math.min(min, c.k);
    const drop = min - KEEP_BEHIND - this.base;
    if (drop >= TRIM_CHUNK && drop < this.times.length) {
      this.times.splice(0, drop);
      this.base += drop;
    }
  }

  private extend(): void {
    const o = this.options;
    const last = this.times[this.times.length - 1];
    this.vlf = 0.98 * this.vlf + 0.2 * this.prng.gaussian(); // stationary SD ~1
    const hrScale =
      1 +
      o.rsaDepth * Math.sin(this.respPhase(last)) +
      o.mayerDepth * Math.sin(2 * Math.PI * o.mayerHz * last + this.mayerPhase0) +
      o.vlfDepth * this.vlf;
    const rr = (60 / (o.hrBpm * hrScale)) * (1 + o.jitter * this.prng.gaussian());
    this.times.push(last + Math.min(MAX_RR, Math.max(MIN_RR, rr)));
  }
}

/** Tracks the newest beat at or before a monotonically advancing time. */
export class BeatCursor {
  /** Index of the newest beat at or before the last time given to advanceTo (-1 before beat 0). */
  k = -1;
  /** Time of beat k + 1: advanceTo does nothing until t reaches it. */
  nextTime: number;

  constructor(private readonly rhythm: BeatRhythm) {
    this.nextTime = rhythm.beatTime(0);
  }

  /** Move to time t (never backwards); true when the current beat changed. */
  advanceTo(t: number): boolean {
    if (t < this.nextTime) return false;
    do {
      this.k++;
      this.nextTime = this.rhythm.beatTime(this.k + 1);
    } while (t >= this.nextTime);
    this.rhythm.release();
    return true;
  }
}
