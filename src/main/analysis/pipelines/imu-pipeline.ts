/**
 * Streaming IMU analysis: acceleration magnitude, steps and cadence, activity intensity and the
 * motion flag, per window. Pure; bounded state.
 */
import { magnitude, windowActivity, type Intensity } from '../dsp/imu/activity';
import { StepDetector } from '../dsp/imu/step-detector';

export interface ImuWindow {
  t0: number;
  t1: number;
  enmo: number;
  intensity: Intensity;
  motion: boolean;
  /** Steps per minute within the window. */
  cadence: number;
}

export interface ImuUpdate {
  steps: number[];
  windows: ImuWindow[];
}

export class ImuPipeline {
  private readonly steps: StepDetector;
  private readonly winN: number;
  private readonly buf: Float64Array;
  private fill = 0;
  private n = 0;
  private windowSteps = 0;

  constructor(
    readonly fs: number,
    readonly windowSec = 5,
  ) {
    this.steps = new StepDetector(fs);
    this.winN = Math.max(1, Math.round(windowSec * fs));
    this.buf = new Float64Array(this.winN);
  }

  get stepCount(): number {
    return this.steps.count;
  }

  /** Channel-major block with at least 3 channels: ax, ay, az first. */
  push(data: ArrayLike<number>, n: number): ImuUpdate {
    const mag = magnitude(data, n);
    const steps = this.steps.push(mag);
    this.windowSteps += steps.length;
    const windows: ImuWindow[] = [];
    const scale = this.steps.gScale || 1;
    for (let i = 0; i < n; i++) {
      this.buf[this.fill++] = mag[i] * scale;
      if (this.fill === this.winN) {
        const a = windowActivity(this.buf);
        const t1 = (this.n + i + 1) / this.fs;
        windows.push({ t0: t1 - this.windowSec, t1, enmo: a.enmo, intensity: a.intensity, motion: a.motion, cadence: (this.windowSteps * 60) / this.windowSec });
        this.windowSteps = 0;
        this.fill = 0;
      }
    }
    this.n += n;
    return { steps, windows };
  }
}
