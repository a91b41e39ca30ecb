/**
 * When the wearer rests and when they walk: alternating rest and walking bouts, a pure function
 * of time. The IMU draws its gait from it and the ECG/PPG their motion artifacts, so artifacts
 * line up with movement whatever order and block sizes the generators are run in.
 */
import { hash01 } from './prng';

export interface ActivityOptions {
  seed: number;
  /** Each period is a rest bout followed by a walking bout; the recording starts at rest. */
  restSec: number;
  walkSec: number;
  /** Each walking bout draws its cadence uniformly from this range. */
  cadenceMinSpm: number;
  cadenceMaxSpm: number;
  /** Gait fades in and out over this long at the ends of a bout. */
  rampSec: number;
}

export const DEFAULT_ACTIVITY: ActivityOptions = {
  seed: 1,
  restSec: 20,
  walkSec: 30,
  cadenceMinSpm: 100,
  cadenceMaxSpm: 120,
  rampSec: 0.5,
};

export interface WalkBout {
  index: number;
  startSec: number;
  endSec: number;
  cadenceSpm: number;
  /** Time of the first step (heel strike); steps follow every 60 / cadence s until endSec. */
  firstStepSec: number;
  stepCount: number;
}

const SALT_CADENCE = 11;

export class ActivitySchedule {
  readonly options: ActivityOptions;
  readonly periodSec: number;

  constructor(options: Partial<ActivityOptions> = {}) {
    const o = (this.options = { ...DEFAULT_ACTIVITY, ...options });
    if (!(o.restSec >= 0) || !(o.walkSec >= 0) || !(o.restSec + o.walkSec > 0)) {
      throw new RangeError('restSec and walkSec must be >= 0 and not both 0');
    }
    if (!(o.cadenceMinSpm > 0) || o.cadenceMaxSpm < o.cadenceMinSpm) throw new RangeError('bad cadence range');
    this.periodSec = o.restSec + o.walkSec;
  }

  boutIndexAt(t: number): number {
    return Math.floor(t / this.periodSec);
  }

  cadenceSpm(bout: number): number {
    const o = this.options;
    return o.cadenceMinSpm + (o.cadenceMaxSpm - o.cadenceMinSpm) * hash01(o.seed, bout, SALT_CADENCE);
  }

  walkingAt(t: number): boolean {
    return this.options.walkSec > 0 && t - this.boutIndexAt(t) * this.periodSec >= this.options.restSec;
  }

  /** Gait intensity 0..1: 0 at rest, 1 mid-walk, raised-cosine ramps at the bout ends. */
  intensityAt(t: number): number {
    const o = this.options;
    const start = this.boutIndexAt(t) * this.periodSec + o.restSec;
    const into = t - start;
    if (into < 0 || o.walkSec <= 0) return 0;
    const edge = Math.min(into, o.walkSec - into);
    return edge >= o.rampSec ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / o.rampSec);
  }

  /** Steps taken since the bout's first step (fractional; integer values are heel strikes); 0 at rest. */
  stepPhaseAt(t: number): number {
    const k = this.boutIndexAt(t);
    const start = k * this.periodSec + this.options.restSec;
    if (t < start) return 0;
    const hz = this.cadenceSpm(k) / 60;
    return (t - start) * hz - 0.5;
  }

  walkBout(k: number): WalkBout {
    const o = this.options;
    const startSec = k * this.periodSec + o.restSec;
    const cadenceSpm = this.cadenceSpm(k);
    const hz = cadenceSpm / 60;
    return {
      index: k,
      startSec,
      endSec: startSec + o.walkSec,
      cadenceSpm,
      firstStepSec: startSec + 0.5 / hz,
      stepCount: Math.max(0, Math.ceil(o.walkSec * hz - 0.5)),
    };
  }

  /** Time of the first step at or after t (Infinity when there is no walking at all). */
  nextStepAfter(t: number): number {
    const o = this.options;
    if (o.walkSec * (o.cadenceMaxSpm / 60) <= 0.5) return Infinity; // bouts too short for a step
    for (let k = Math.max(0, this.boutIndexAt(t)); ; k++) {
      const start = k * this.periodSec + o.restSec;
      const hz = this.cadenceSpm(k) / 60;
      const first = start + 0.5 / hz;
      const j = t <= first ? 0 : Math.ceil((t - first) * hz);
      const step = first + j / hz;
      if (step < start + o.walkSec) return step;
    }
  }
}
