/**
 * Synthetic two-wavelength reflectance PPG (red, IR) in ADC counts, as a pulse-oximeter front
 * end reports it: detected light intensity, which FALLS as arterial blood volume rises. The
 * systolic peak of the pulse is therefore a trough in the counts; invert (or negate AC) to get
 * the familiar upward pulse.
 *
 * Each beat of the shared BeatRhythm launches a pulse one transit time after its R peak. Pulse
 * shape: an asymmetric Gaussian systolic wave (fast upstroke, slower fall) plus a later
 * diastolic (reflected) Gaussian, which leaves a dicrotic notch between them; after Tang, Chen,
 * Ward & Elgendi, "Synthetic photoplethysmogram generation using two Gaussian functions",
 * Scientific Reports 10:13883, 2020. Respiration
 * modulates the baseline (RIIV) and the pulse amplitude (RIAV), in phase with the ECG.
 *
 * Red and IR share the pulse; their relative pulsatile depths set the ratio of ratios
 * R = (AC_red/DC_red)/(AC_ir/DC_ir) to match the chosen SpO2 through the common empirical
 * calibration SpO2 = 110 - 25 R. Motion modulates both channels by the same relative amount,
 * pushing R towards 1 (SpO2 ~85%), the classic failure of oximeters under motion.
 */
import type { ActivitySchedule } from './activity';
import { Prng, hash01 } from './prng';
import type { SampleArray } from './sample-array';
import type { BeatCursor, BeatRhythm } from './rhythm';

export interface PpgOptions {
  seed: number;
  sampleRate: number;
  /** Arterial oxygen saturation, %; sets the red pulsatile depth. */
  spo2: number;
  dcIr: number;
  dcRed: number;
  /** IR peak-to-trough pulse amplitude over DC (perfusion index). */
  perfusionIndex: number;
  /** R peak to pulse foot (pulse arrival time), seconds. */
  pttSec: number;
  /** SD of white noise on the IR channel, counts; red gets the same relative noise. */
  noiseCounts: number;
  /** Relative baseline swing with respiration. */
  respBaselineDepth: number;
  /** Relative pulse-amplitude swing with respiration. */
  respAmplitudeDepth: number;
  /** Source of motion artifacts (walking bouts); null for none. */
  motion: ActivitySchedule | null;
  /** Relative intensity swing from motion at full gait intensity. */
  motionDepth: number;
}

export const DEFAULT_PPG: PpgOptions = {
  seed: 1,
  sampleRate: 100,
  spo2: 97,
  dcIr: 150_000,
  dcRed: 110_000,
  perfusionIndex: 0.015,
  pttSec: 0.21,
  noiseCounts: 0,
  respBaselineDepth: 0.003,
  respAmplitudeDepth: 0.1,
  motion: null,
  motionDepth: 0.03,
};

/** Ratio of ratios R for a saturation, by SpO2 = 110 - 25 R. */
export function ratioOfRatiosForSpo2(spo2: number): number {
  return (110 - spo2) / 25;
}

// Pulse geometry for a 1 s beat, scaled by sqrt(RR) like the ECG waves. The upstroke's width
// puts the pulse foot (apex - 2.2 sigma_rise) ~0.1 s before the systolic apex.
const APEX_AFTER_FOOT = 0.1;
const SIGMA_RISE = 0.045;
const SIGMA_FALL = 0.085;
const DIASTOLIC_DELAY = 0.28;
const SIGMA_DIASTOLIC = 0.09;
const DIASTOLIC_AMP = 0.4;
/** Beats summed per sample: two before the current pulse (their tails) and the next (its upstroke). */
const BACK = 2;
const WINDOW = BACK + 2;
const TAIL = 20;
const TWO_PI = 2 * Math.PI;
const DRIFT_HZ = 0.02;
const MOTION_LP_HZ = 1.5;
const SALT_AMP = 5;

export class PpgSynth {
  readonly options: PpgOptions;
  readonly sampleRate: number;
  private readonly rhythm: BeatRhythm;
  private readonly cursor: BeatCursor;
  private readonly prng: Prng;
  private readonly depthIr: number;
  private readonly depthRed: number;
  private readonly driftPhase: number;
  private n = 0;
  // Per-beat: apex time, 1/(2 sigma^2) rise and fall, diastolic time and 1/(2 sigma^2), amplitude.
  private readonly apex = new Float64Array(WINDOW);
  private readonly kRise = new Float64Array(WINDOW);
  private readonly kFall = new Float64Array(WINDOW);
  private readonly dia = new Float64Array(WINDOW);
  private readonly kDia = new Float64Array(WINDOW);
  private readonly amp = new Float64Array(WINDOW);
  private markBeat = 0;
  private markSample = 0;
  private pending: number[] = [];
  private lp = 0;
  private readonly lpAlpha: number;
  private readonly lpGain: number;

  constructor(rhythm: BeatRhythm, options: Partial<PpgOptions> = {}) {
    const o = (this.options = { ...DEFAULT_PPG, ...options });
    if (!(o.sampleRate > 0)) throw new RangeError('sampleRate must be > 0');
    if (!(o.spo2 > 0 && o.spo2 < 110)) throw new RangeError('spo2 must be in (0, 110)');
    this.sampleRate = o.sampleRate;
    this.rhythm = rhythm;
    this.cursor = rhythm.cursor();
    this.prng = new Prng(o.seed);
    this.depthIr = o.perfusionIndex;
    this.depthRed = o.perfusionIndex * ratioOfRatiosForSpo2(o.spo2);
    this.driftPhase = TWO_PI * this.prng.next();
    this.lpAlpha = 1 - Math.exp((-TWO_PI * MOTION_LP_HZ) / o.sampleRate);
    this.lpGain = Math.sqrt((2 - this.lpAlpha) / this.lpAlpha);
    while (this.apexTime(this.markBeat) * this.sampleRate < -0.5) this.markBeat++;
    this.markSample = Math.round(this.apexTime(this.markBeat) * this.sampleRate);
  }

  get position(): number {
    return this.n;
  }

  /**
   * Writes the next n samples, channel-major: red at out[offset + i], IR at
   * out[offset + stride + i] (stride defaults to n). Values are integer counts.
   */
  next(out: SampleArray, n: number, offset = 0, stride = n): void {
    if (offset < 0 || stride < n || offset + stride + n > out.length) throw new RangeError('output buffer too small');
    const fs = this.sampleRate;
    const o = this.options;
    const { apex, kRise, kFall, dia, kDia, amp, cursor, prng, depthIr, depthRed } = this;
    const redNoise = (o.noiseCounts * o.dcRed) / o.dcIr;
    for (let i = 0; i < n; i++) {
      const s = this.n + i;
      const t = s / fs;
      const tc = t - o.pttSec;
      if (tc >= cursor.nextTime && cursor.advanceTo(tc)) this.loadWindow(cursor.k);
      if (s === this.markSample) this.markPulse();
      let pulse = 0;
      for (let b = 0; b < WINDOW; b++) {
        const d = t - apex[b];
        const xs = d * d * (d < 0 ? kRise[b] : kFall[b]);
        const dd = t - dia[b];
        const xd = dd * dd * kDia[b];
        let p = 0;
        if (xs < TAIL) p += Math.exp(-xs);
        if (xd < TAIL) p += DIASTOLIC_AMP * Math.exp(-xd);
        pulse += amp[b] * p;
      }
      let base =
        1 +
        o.respBaselineDepth * Math.sin(this.rhythm.respPhase(t)) +
        0.3 * o.respBaselineDepth * Math.sin(TWO_PI * DRIFT_HZ * t + this.driftPhase);
      if (o.motion !== null) {
        // Sensor-skin coupling changes with arm swing (stride rhythm) and irregular jolts.
        this.lp += this.lpAlpha * (prng.gaussian() - this.lp);
        const e = o.motion.intensityAt(t);
        if (e > 0) {
          base *= 1 + e * o.motionDepth * (0.7 * Math.sin(Math.PI * o.motion.stepPhaseAt(t)) + 0.7 * this.lpGain * this.lp);
        }
      }
      let red = o.dcRed * base * (1 - depthRed * pulse);
      let ir = o.dcIr * base * (1 - depthIr * pulse);
      if (o.noiseCounts > 0) {
        red += redNoise * prng.gaussian();
        ir += o.noiseCounts * prng.gaussian();
      }
      out[offset + i] = Math.round(red);
      out[offset + stride + i] = Math.round(ir);
    }
    this.n += n;
  }

  /** Sample indices of the (nominal) systolic apexes generated since the last drain. */
  drainPulses(): number[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  private beatScale(m: number): number {
    const tm = this.rhythm.beatTime(m);
    return Math.sqrt(Math.min(2.5, Math.max(0.25, tm - this.rhythm.beatTime(m - 1))));
  }

  private apexTime(m: number): number {
    return this.rhythm.beatTime(m) + this.options.pttSec + APEX_AFTER_FOOT * this.beatScale(m);
  }

  /** Pulse parameters of beats k-BACK .. k+1. */
  private loadWindow(k: number): void {
    const o = this.options;
    for (let b = 0; b < WINDOW; b++) {
      const m = k - BACK + b;
      const tm = this.rhythm.beatTime(m);
      const scale = this.beatScale(m);
      const a = tm + o.pttSec + APEX_AFTER_FOOT * scale;
      this.apex[b] = a;
      this.kRise[b] = 1 / (2 * (SIGMA_RISE * scale) ** 2);
      this.kFall[b] = 1 / (2 * (SIGMA_FALL * scale) ** 2);
      this.dia[b] = a + DIASTOLIC_DELAY * scale;
      this.kDia[b] = 1 / (2 * (SIGMA_DIASTOLIC * scale) ** 2);
      this.amp[b] =
        (1 + o.respAmplitudeDepth * Math.sin(this.rhythm.respPhase(tm))) * (1 + 0.03 * (2 * hash01(o.seed, m, SALT_AMP) - 1));
    }
  }

  private markPulse(): void {
    this.pending.push(this.markSample);
    this.markBeat++;
    this.markSample = Math.round(this.apexTime(this.markBeat) * this.sampleRate);
  }
}
