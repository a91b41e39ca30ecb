/**
 * Streaming PPG analysis: systolic peaks, heart rate robust to motion (Wiener suppression of the
 * accelerometer's frequencies and a causal Viterbi path, dsp/ppg/ppg-hr-tracker.ts) with a flag
 * for windows where it is coasting, SpO2 by ratio of ratios with perfusion index, and a quality
 * class per window. Windows of 8 s every 2 s (as the IEEE SPC 2015 protocol). The PPG and accelerometer
 * are low-passed and decimated to 25 Hz for the spectral work; peaks use the native rate. Lost
 * samples of either are announced with `lost` / `lostAcc` and bridged (see gap-bridge.ts); each
 * window says how much of it was lost, and one that lost more than MAX_MISSING is poor.
 * Pure; bounded state (one window of decimated samples per channel).
 */
import { butterworth } from '../dsp/filters/butterworth';
import { SosFilter } from '../dsp/filters/sos-filter';
import { windowActivity } from '../dsp/imu/activity';
import { GRAVITY } from '../dsp/imu/step-detector';
import { PpgHrTracker, type HrTrackerOptions } from '../dsp/ppg/ppg-hr-tracker';
import { classifyQuality, type QualityClass } from '../dsp/ppg/quality';
import { DEFAULT_SPO2_CALIBRATION, ratioOfRatios, type Spo2Calibration } from '../dsp/ppg/spo2';
import { ppgPolarity, type PpgPolarity } from '../dsp/ppg/polarity';
import { SystolicPeakDetector } from '../dsp/ppg/systolic-peaks';
import { GapBridge, MAX_MISSING } from './gap-bridge';

export interface PpgPipelineOptions {
  /** Channel labels in the order pushed; "red" and "ir" (any case, as prefixes) enable SpO2. */
  labels: string[];
  windowSec: number;
  stepSec: number;
  /**
   * Which way up the input is: volume (rises at systole, a monitor's PLETH) or intensity (raw
   * light counts, fall at systole). 'auto' decides from the first POLARITY_PROBE_S seconds of
   * the peak channel, else intensity (what boards send); peaks of those seconds come out then.
   */
  polarity: 'auto' | PpgPolarity;
  calibration: Spo2Calibration;
  /** Accelerometer sample rate; 0 when there is none. */
  accFs: number;
  /** Heart-rate tracker settings other than the defaults (the evaluation's cross-validation sets them). */
  tracker: Partial<Omit<HrTrackerOptions, 'fs'>>;
}

export interface PpgWindow {
  /** Window start and end, s. */
  t0: number;
  t1: number;
  bpm: number;
  /** No confident spectral peak at the estimate: the HR is carried by the tracker, not measured. */
  coasting: boolean;
  spo2: number;
  ratio: number;
  perfusionIndex: number;
  sqi: number;
  quality: QualityClass;
  motion: boolean;
  /** The strongest accelerometer frequency (bpm; the cadence or arm swing) seen by the tracker, NaN when still. */
  motionBpm: number;
  /** Share of the window's PPG that was lost (0-1). */
  missing: number;
}

export interface PpgUpdate {
  beats: number[];
  windows: PpgWindow[];
}

const RATE = 25;
/** Seconds of the peak channel that decide an 'auto' polarity. */
export const POLARITY_PROBE_S = 10;

/** The polarity peaks are found in and how it was chosen. */
export interface PolarityChoice {
  used: PpgPolarity;
  how: 'given' | 'detected' | 'default';
  /** Skewness of the pulse slope (see dsp/ppg/polarity); null when given. */
  slopeSkew: number | null;
}

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
  private peaks: SystolicPeakDetector | null = null;
  /** The peak channel's first samples while an 'auto' polarity is undecided. */
  private probe: Float64Array | null = null;
  private probed = 0;
  polarity: PolarityChoice | null = null;
  private readonly tracker: PpgHrTracker;
  private readonly winN: number;
  private readonly stepN: number;
  private readonly red: number;
  private readonly ir: number;
  private readonly peakChannel: number;
  private started = false;
  private accScale = 0;
  private nextWindowEnd: number;
  private readonly bridge: GapBridge;
  private readonly accBridge: GapBridge;

  constructor(
    readonly fs: number,
    options: Partial<PpgPipelineOptions> = {},
  ) {
    this.options = { labels: ['ppg'], windowSec: 8, stepSec: 2, polarity: 'auto', calibration: DEFAULT_SPO2_CALIBRATION, accFs: 0, tracker: {}, ...options };
    const o = this.options;
    this.winN = Math.round(o.windowSec * RATE);
    this.stepN = Math.round(o.stepSec * RATE);
    this.nextWindowEnd = this.winN;
    this.tracker = new PpgHrTracker({ ...o.tracker, fs: RATE });
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
    // Peaks come out up to the polarity probe's length late; windows reach one window back.
    this.bridge = new GapBridge(fs, o.labels.length, POLARITY_PROBE_S + o.windowSec + 5);
    this.accBridge = new GapBridge(af, 3, o.windowSec + 5);
    if (o.polarity === 'auto') this.probe = new Float64Array(Math.round(POLARITY_PROBE_S * fs));
    else this.usePolarity({ used: o.polarity, how: 'given', slopeSkew: null });
  }

  private usePolarity(choice: PolarityChoice): void {
    this.polarity = choice;
    this.peaks = new SystolicPeakDetector(this.fs, choice.used === 'intensity');
  }

  /** Peak-channel samples to the detector, or to the polarity probe until it is full. */
  private findPeaks(x: ArrayLike<number>): number[] {
    if (this.peaks) return this.peaks.push(x);
    const probe = this.probe!;
    const take = Math.min(x.length, probe.length - this.probed);
    for (let i = 0; i < take; i++) probe[this.probed + i] = x[i];
    this.probed += take;
    if (this.probed < probe.length) return [];
    const beats = this.decide();
    return take < x.length ? [...beats, ...this.peaks!.push(sub(x, take, x.length - take))] : beats;
  }

  /** Decides an 'auto' polarity from the probe and runs the detector over it. */
  private decide(): number[] {
    const probe = this.probe!.subarray(0, this.probed);
    const { polarity, skew } = ppgPolarity(probe, this.fs);
    this.usePolarity({ used: polarity ?? 'intensity', how: polarity ? 'detected' : 'default', slopeSkew: Number.isFinite(skew) ? skew : null });
    this.probe = null;
    return this.peaks!.push(probe);
  }

  /** End of input: peaks still held by an undecided polarity (inputs shorter than the probe). */
  finish(): number[] {
    return this.peaks ? [] : this.placed(this.decide());
  }

  /** Detector peaks on the stream's index, those at gaps dropped. */
  private placed(fedPeaks: number[]): number[] {
    const out: number[] = [];
    for (const f of fedPeaks) {
      const p = this.bridge.toStream(f);
      if (!this.bridge.near(p)) out.push(p);
    }
    return out;
  }

  /** `n` PPG samples were lost before the next block (0: a break of unknown length). */
  lost(n: number): void {
    this.bridge.lost(n);
  }

  /** `n` accelerometer samples were lost before the next accelerometer block. */
  lostAcc(n: number): void {
    this.accBridge.lost(n);
  }

  /** Accelerometer block (channel-major x, y, z; g or m/s^2). Push it before the PPG of the same time span. */
  pushAcc(block: ArrayLike<number>, count: number): void {
    const { data, n } = this.accBridge.feed(block, count);
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
  push(block: ArrayLike<number>, count: number): PpgUpdate {
    const nch = this.options.labels.length;
    const fedBefore = this.bridge.fed;
    const { data, n } = this.bridge.feed(block, count);
    const windows: PpgWindow[] = [];
    if (!this.started && n > 0) {
      this.started = true;
      for (let c = 0; c < nch; c++) {
        this.dc[c].settle(data[c * n]);
        this.ac[c].settle(data[c * n]);
      }
    }
    const pc = this.peakChannel * n;
    const beats = this.placed(this.findPeaks(nch === 1 ? data : sub(data, pc, n)));
    for (let i = 0; i < n; i++) {
      let stored = false;
      for (let c = 0; c < nch; c++) {
        const v = data[c * n + i];
        const x = v === v ? v : 0;
        stored = this.ac[c].step(x);
        this.dc[c].step(x);
      }
      if (stored && this.ac[0].count >= this.nextWindowEnd) {
        windows.push(this.window(this.bridge.toStream(fedBefore + i + 1) / this.fs));
        this.nextWindowEnd += this.stepN;
      }
    }
    return { beats, windows };
  }

  /** The window ending at t1 (s on the stream's index). */
  private window(t1: number): PpgWindow {
    const t0 = t1 - this.options.windowSec;
    const missing = this.bridge.missing(Math.round(t0 * this.fs), Math.round(t1 * this.fs)) / (this.options.windowSec * this.fs);
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
    const quality = missing > MAX_MISSING ? 'poor' : q.quality;
    return { t0, t1, bpm: est.bpm, coasting: est.coasting, motionBpm: est.motion[0] ?? NaN, spo2: spo2.spo2, ratio: spo2.ratio, perfusionIndex: spo2.perfusionIndex, sqi: q.sqi, quality, motion, missing };
  }
}

function sub(data: ArrayLike<number>, from: number, n: number): ArrayLike<number> {
  if (data instanceof Float32Array || data instanceof Float64Array) return data.subarray(from, from + n);
  return Array.prototype.slice.call(data, from, from + n) as number[];
}
