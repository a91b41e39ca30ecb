/**
 * Synthetic 6-axis IMU: accelerometer (g) and gyroscope (deg/s) for a body-worn board, following
 * the ActivitySchedule's rest and walking bouts. The z axis is vertical.
 *
 * Walking: each heel strike is a peak of the vertical acceleration, modelled as the first two
 * harmonics of the step frequency (peak-to-peak ~2 A, A drawn per bout in 0.15-0.22 g);
 * antero-posterior acceleration at the step frequency, medio-lateral sway and the gyro swing at
 * the stride frequency (half the step frequency), as in trunk-accelerometry gait studies
 * (e.g. Zijlstra & Hof, Gait & Posture 18(2), 2003). Rest: gravity on z, sensor noise and bias.
 */
import type { ActivitySchedule } from './activity';
import { Prng, hash01 } from './prng';
import type { SampleArray } from './sample-array';

export interface ImuOptions {
  seed: number;
  sampleRate: number;
  /** SD of accelerometer white noise, g. */
  accelNoiseG: number;
  /** SD of gyroscope white noise, deg/s. */
  gyroNoiseDps: number;
  /** Gyro swing amplitude at full gait intensity, deg/s. */
  gyroSwingDps: number;
}

export const DEFAULT_IMU: ImuOptions = {
  seed: 1,
  sampleRate: 100,
  accelNoiseG: 0.004,
  gyroNoiseDps: 0.3,
  gyroSwingDps: 40,
};

export const IMU_CHANNELS = ['ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const;

const TWO_PI = 2 * Math.PI;
const SALT_AMPLITUDE = 13;

export class ImuSynth {
  readonly options: ImuOptions;
  readonly sampleRate: number;
  private readonly activity: ActivitySchedule;
  private readonly prng: Prng;
  private readonly bias: [number, number, number];
  private n = 0;
  private nextStepSec: number;
  private nextStepSample: number;
  private pending: number[] = [];
  private walking = false;

  constructor(activity: ActivitySchedule, options: Partial<ImuOptions> = {}) {
    const o = (this.options = { ...DEFAULT_IMU, ...options });
    if (!(o.sampleRate > 0)) throw new RangeError('sampleRate must be > 0');
    this.sampleRate = o.sampleRate;
    this.activity = activity;
    this.prng = new Prng(o.seed);
    this.bias = [this.prng.gaussian() * 0.3, this.prng.gaussian() * 0.3, this.prng.gaussian() * 0.3];
    this.nextStepSec = activity.nextStepAfter(0);
    this.nextStepSample = Math.round(this.nextStepSec * o.sampleRate);
  }

  get position(): number {
    return this.n;
  }

  /** Whether the wearer was walking at the last generated sample. */
  get motionActive(): boolean {
    return this.walking;
  }

  /**
   * Writes the next n samples, channel-major in IMU_CHANNELS order: channel c of sample i at
   * out[offset + c * stride + i] (stride defaults to n).
   */
  next(out: SampleArray, n: number, offset = 0, stride = n): void {
    if (offset < 0 || stride < n || offset + 5 * stride + n > out.length) throw new RangeError('output buffer too small');
    const fs = this.sampleRate;
    const { activity, prng, bias } = this;
    const { accelNoiseG: an, gyroNoiseDps: gn, gyroSwingDps: swing } = this.options;
    for (let i = 0; i < n; i++) {
      const s = this.n + i;
      const t = s / fs;
      if (s === this.nextStepSample) this.markStep();
      let ax = 0;
      let ay = 0;
      let az = 1;
      let gx = bias[0];
      let gy = bias[1];
      let gz = bias[2];
      const e = activity.intensityAt(t);
      if (e > 0) {
        const a = e * (0.15 + 0.07 * hash01(activity.options.seed, activity.boutIndexAt(t), SALT_AMPLITUDE));
        const step = TWO_PI * activity.stepPhaseAt(t); // 0 mod 2 pi at each heel strike
        const half = 0.5 * step; // stride phase: one cycle per two steps
        az += a * (Math.cos(step) + 0.35 * Math.cos(2 * step));
        ax += 0.6 * a * Math.sin(step);
        ay += 0.35 * a * Math.sin(half);
        gx += e * swing * Math.sin(half);
        gy += 0.4 * e * swing * Math.sin(step + 0.5);
        gz += 0.5 * e * swing * Math.cos(half);
      }
      out[offset + i] = ax + an * prng.gaussian();
      out[offset + stride + i] = ay + an * prng.gaussian();
      out[offset + 2 * stride + i] = az + an * prng.gaussian();
      out[offset + 3 * stride + i] = gx + gn * prng.gaussian();
      out[offset + 4 * stride + i] = gy + gn * prng.gaussian();
      out[offset + 5 * stride + i] = gz + gn * prng.gaussian();
    }
    this.n += n;
    if (n > 0) this.walking = activity.walkingAt((this.n - 1) / fs);
  }

  /** Sample indices of the true steps (heel strikes) generated since the last drain. */
  drainSteps(): number[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  private markStep(): void {
    this.pending.push(this.nextStepSample);
    // Search from half a step later so this step is never found again.
    const hz = this.activity.cadenceSpm(this.activity.boutIndexAt(this.nextStepSec)) / 60;
    this.nextStepSec = this.activity.nextStepAfter(this.nextStepSec + 0.5 / hz);
    this.nextStepSample = Math.round(this.nextStepSec * this.sampleRate);
  }
}
