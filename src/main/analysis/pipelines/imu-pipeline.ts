/**
 * Streaming IMU analysis: acceleration magnitude, steps and cadence, activity intensity and the
 * motion flag, per window. Lost samples are announced with `lost` and bridged (see
 * gap-bridge.ts): steps on bridged samples are dropped (those beside a gap are kept: a step's
 * exact position matters little, its count does), and cadence counts steps over the window
 * less its gaps long enough to lose a step (a bridged shorter gap keeps the step beside it).
 * Pure; bounded state.
 */
import { magnitude, windowActivity, type Intensity } from '../dsp/imu/activity';
import { StepDetector } from '../dsp/imu/step-detector';
import { GapBridge } from './gap-bridge';

export interface ImuWindow {
  t0: number;
  t1: number;
  enmo: number;
  intensity: Intensity;
  motion: boolean;
  /** Steps per minute over the window less its step-hiding gaps; NaN when half of it or more was lost. */
  cadence: number;
  /** Share of the window that was lost (0-1). */
  missing: number;
}

export interface ImuUpdate {
  /** Step positions on the stream's index (lost samples counted). */
  steps: number[];
  windows: ImuWindow[];
}

/** A gap this long can swallow a step: the detector's shortest step interval. */
const STEP_HIDING_GAP_SEC = 0.25;

export class ImuPipeline {
  private readonly steps: StepDetector;
  private readonly bridge: GapBridge;
  private readonly winN: number;
  private readonly buf: Float64Array;
  private fill = 0;
  private windowSteps = 0;
  private counted = 0;

  constructor(
    readonly fs: number,
    readonly windowSec = 5,
  ) {
    this.steps = new StepDetector(fs);
    // Steps are confirmed once a regular run of them is: at most StepDetector.maxDelay late.
    this.bridge = new GapBridge(fs, 3, windowSec + Math.max(10, this.steps.maxDelay / fs));
    this.winN = Math.max(1, Math.round(windowSec * fs));
    this.buf = new Float64Array(this.winN);
  }

  /** Steps counted so far (none at gaps). */
  get stepCount(): number {
    return this.counted;
  }

  /** `n` samples were lost before the next block (0: a break of unknown length). */
  lost(n: number): void {
    this.bridge.lost(n);
  }

  /** Channel-major block with at least 3 channels: ax, ay, az first. */
  push(block: ArrayLike<number>, count: number): ImuUpdate {
    const fedBefore = this.bridge.fed;
    // The bridge reads and fills only the first three rows, the accelerometer.
    const { data, n } = this.bridge.feed(block, count);
    const mag = magnitude(data, n);
    const steps: number[] = [];
    for (const s of this.steps.push(mag)) {
      const p = this.bridge.toStream(s);
      if (!this.bridge.near(p, 0)) steps.push(p);
    }
    this.counted += steps.length;
    this.windowSteps += steps.length;
    const windows: ImuWindow[] = [];
    const scale = this.steps.gScale || 1;
    for (let i = 0; i < n; i++) {
      this.buf[this.fill++] = mag[i] * scale;
      if (this.fill === this.winN) {
        const a = windowActivity(this.buf);
        const t1 = this.bridge.toStream(fedBefore + i + 1) / this.fs;
        const end = Math.round(t1 * this.fs);
        const missing = this.bridge.missing(end - this.winN, end) / this.winN;
        const hidden = this.bridge.missing(end - this.winN, end, Math.round(STEP_HIDING_GAP_SEC * this.fs)) / this.winN;
        const cadence = missing < 0.5 ? (this.windowSteps * 60) / (this.windowSec * (1 - hidden)) : NaN;
        windows.push({ t0: t1 - this.windowSec, t1, enmo: a.enmo, intensity: a.intensity, motion: a.motion, cadence, missing });
        this.windowSteps = 0;
        this.fill = 0;
      }
    }
    return { steps, windows };
  }
}
