/**
 * Streaming PPG analysis: systolic peaks, heart rate robust to motion (spectral tracking with
 * accelerometer suppression), SpO2 by ratio of ratios with perfusion index, and a quality class
 * per window. Windows of 8 s every 2 s (as the IEEE SPC 2015 protocol). The PPG and accelerometer
 * are low-passed and decimated to 25 Hz for the spectral work; peaks use the native rate.
 * Pure; bounded state (one window of decimated samples per channel).
 */
import { butterworth } from '../dsp/filters/butterworth';
import { SosFilter } from '../dsp/filters/sos-filter';
import { windowActivity } from '../dsp/imu/activity';
import { GRAVITY } from '../dsp/imu/step-detector';
import { PpgHrTracker } from '../dsp/ppg/ppg-hr-tracker';
import { classifyQuality, type QualityClass } from '../dsp/ppg/quality';
import { DEFAULT_SPO2_CALIBRATION, ratioOfRatios, type Spo2Calibration } from '../dsp/ppg/spo2';
import { SystolicPeakDetector } from '../dsp/ppg/systolic-peaks';

export interface PpgPipelineOptions {
  /** Channel labels in the order pushed; "red" and "ir" (any case, as prefixes) enable SpO2. */
  labels: string[];
  windowSec: number;
  stepSec: number;
  /** Light-intensity input (falls at systole); peaks are found on the inverted pulse. */
  inverted: boolean;
  calibration: Spo2Calibration;
  /** Accelerometer sample rate; 0 when there is none. */
  accFs: number;
}

export interface PpgWindow {
  /** Window start and end, s. */
  t0: number;
  t1: number;
  bpm: number;
  held: boolean;
  spo2: number;
  ratio: number;
  perfusionIndex: number;
  sqi: number;
  quality: QualityClass;
  motion: boolean;
}

export interface PpgUpdate {
  beats: number[];
  windows: PpgWindow[];
}

const RATE = 25;

/** Low-pass + decimation to 25 Hz by a phase accumulator, into a ring of one window. */
class DecimatedRing {
  readonly data: Float64Array;
  private readonly filters: SosFilter[];
  private phase = 0;
  count = 0;
  constructor(
    private readonly fs: number,
    sosList: Float64Array[],
    size: number,
  ) {
    this.filters = sosList.map((s) => new SosFilter(s));
    this.data = new Float64Array(size);
  }
  /** Filters one sample; returns true when a decimated sample was stored. */
  step(x: number): boolean {
    let y = x;
    for (const f of this.filters) y = f.step(y);
    this.phase += RATE;
    if (this.phase >= this.fs) {
      this.phase -= this.fs;
      this.data[this.count % this.data.length] = y;
      this.count++;
      return true;
    }
    return false;
  }
  /** The last `n` stored samples in time order. */
  last(n: number): Float64Array {
    const out = new Float64Array(n);
    const len = this.data.length;
    for (let i = 0; i < n; i++) out[i] = this.data[(((this.count - n + i) % len) + len) % len];
    return out;
  }
  settle(x: number): void {
    for (const f of this.filters) f.settle(x);
  }
}

export class PpgPipeline {
  readonly options: PpgPipelineOptions;
  private readonly ac: DecimatedRing[];
  private readonly dc: DecimatedRing[];
  private readonly acc: DecimatedRing[];
  private readonly accMag: DecimatedRing;
  private readonly peaks: SystolicPeakDetector;
  private readonly tracker = new PpgHrTracker({ fs: RATE });
  private readonly winN: number;
  private readonly stepN: number;
  private readonly red: number;
  private readonly ir: number;
  private readonly peakChannel: number;
  private started = false;
  private accScale = 0;
  private nextWindowEnd: number;

  constructor(
    readonly fs: number,
    options: Partial<PpgPipelineOptions> = {},
  ) {
    this.options = { labels: ['ppg'], windowSec: 8, stepSec: 2, inverted: true, calibration: DEFAULT_SPO2_CALIBRATION, accFs: 0, ...options };
    const o = this.options;
    this.winN = Math.round(o.windowSec * RATE);
    this.stepN = Math.round(o.stepSec * RATE);
    this.nextWindowEnd = this.winN;
    const size = this.winN + this.stepN * 2;
    const band = (f: number) => butterworth(2, [0.4, Math.min(4, f * 0.45)], f, 'bandpass');
    const low = (f: number) => butterworth(2, Math.min(5, f * 0.2), f, 'lowpass');
    this.ac = o.labels.map(() => new DecimatedRing(fs, [band(fs)], size));
    this.dc = o.labels.map(() => new DecimatedRing(fs, [low(fs)], size));
    const af = o.accFs > 0 ? o.accFs : RATE;
    this.acc = [0, 1, 2].map(() => new DecimatedRing(af, [band(af)], size));
    this.accMag = new DecimatedRing(af, [low(af)], size);
    const lower = o.labels.map((l) => l.toLowerCase());
    this.red = lower.findIndex((l) => l.startsWith('red'));
    this.ir = lower.findIndex((l) => l.startsWith('ir'));
    const green = lower.findIndex((l) => l.startsWith('green'));
    this.peakChannel = this.ir >= 0 ? this.ir : green >= 0 ? green : 0;
    this.peaks = new SystolicPeakDetector(fs, o.inverted);
  }

  /** Accelerometer block (channel-major x, y, z; g or m/s^2). Push it before the PPG of the same time span. */
  pushAcc(data: ArrayLike<number>, n: number): void {
    if (!this.accScale) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.hypot(data[i], data[n + i], data[2 * n + i]);
      const mean = s / Math.max(1, n);
      if (!(mean > 0)) return;
      this.accScale = mean > 4 ? 1 / GRAVITY : 1;
      for (let k = 0; k < 3; k++) this.acc[k].settle(data[k * n] * this.accScale);
      this.accMag.settle(mean * this.accScale);
    }
    for (let i = 0; i < n; i++) {
      const x = data[i] * this.accScale,
        y = data[n + i] * this.accScale,
        z = data[2 * n + i] * this.accScale;
      this.acc[0].step(x === x ? x : 0);
      this.acc[1].step(y === y ? y : 0);
      this.acc[2].step(z === z ? z : 0);
      const m = Math.sqrt(x * x + y * y + z * z);
      this.accMag.step(m === m ? m : 1);
    }
  }

  /** PPG block, channel-major in the order of `labels`. */
  push(data: ArrayLike<number>, n: number): PpgUpdate {
    const nch = this.options.labels.length;
    const windows: PpgWindow[] = [];
    if (!this.started && n > 0) {
      this.started = true;
      for (let c = 0; c < nch; c++) {
        this.dc[c].settle(data[c * n]);
        this.ac[c].settle(data[c * n]);
      }
    }
    const pc = this.peakChannel * n;
    const beats = this.peaks.push(nch === 1 ? data : sub(data, pc, n));
    for (let i = 0; i < n; i++) {
      let stored = false;
      for (let c = 0; c < nch; c++) {
        const v = data[c * n + i];
        const x = v === v ? v : 0;
        stored = this.ac[c].step(x);
        this.dc[c].step(x);
      }
      if (stored && this.ac[0].count >= this.nextWindowEnd) {
        windows.push(this.window());
        this.nextWindowEnd += this.stepN;
      }
    }
    return { beats, windows };
  }

  private window(): PpgWindow {
    const end = this.ac[0].count;
    const t1 = end / RATE;
    const t0 = t1 - this.options.windowSec;
    const ppg = this.ac.map((r) => r.last(this.winN));
    const hasAcc = this.acc[0].count >= this.winN;
    const acc = hasAcc ? this.acc.map((r) => r.last(this.winN)) : [];
    const est = this.tracker.estimate(ppg, acc);
    const motion = hasAcc ? windowActivity(this.accMag.last(this.winN)).motion : false;
    let spo2 = { ratio: NaN, spo2: NaN, perfusionIndex: NaN };
    if (this.red >= 0 && this.ir >= 0) {
      spo2 = ratioOfRatios(ppg[this.red], this.dc[this.red].last(this.winN), ppg[this.ir], this.dc[this.ir].last(this.winN), this.options.calibration);
    } else {
      const pi = ratioOfRatios(ppg[this.peakChannel], this.dc[this.peakChannel].last(this.winN), ppg[this.peakChannel], this.dc[this.peakChannel].last(this.winN));
      spo2.perfusionIndex = pi.perfusionIndex;
    }
    const q = classifyQuality({ freqs: est.freqs, power: est.power, hrHz: est.bpm / 60, motion, perfusionIndex: spo2.perfusionIndex });
    return { t0, t1, bpm: est.bpm, held: est.held, spo2: spo2.spo2, ratio: spo2.ratio, perfusionIndex: spo2.perfusionIndex, sqi: q.sqi, quality: q.quality, motion };
  }
}

function sub(data: ArrayLike<number>, from: number, n: number): ArrayLike<number> {
  if (data instanceof Float32Array || data instanceof Float64Array) return data.subarray(from, from + n);
  return Array.prototype.slice.call(data, from, from + n) as number[];
}
