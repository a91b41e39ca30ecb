/**
 * Synthetic single-lead ECG in microvolts with known R-peak times.
 *
 * Morphology follows McSharry, Clifford, Tarassenko & Smith, "A dynamical model for generating
 * synthetic electrocardiogram signals", IEEE Trans. Biomed. Eng. 50(3):289-294, 2003 (ECGSYN).
 * Rather than integrating its ODE we sum the Gaussian waves it traces per beat, one each for
 * P, Q, R, S and T, at the paper's Table 1 angles/widths mapped to time with ECGSYN's sqrt(RR)
 * rate correction (the QT interval shortens less than the RR). Beat times come from the shared
 * BeatRhythm; on top: respiratory amplitude modulation (EDR), baseline wander, white noise,
 * during walking bouts electrode-motion artifacts, and optionally noise bursts: for BURST_S of every
 * BURST_PERIOD_S (from BURST_START_S), QRS-band blobs (10-25 Hz wavelets of 15-30 ms SD and any
 * phase, 1-3 R amplitudes, one every 40-200 ms, like muscle bursts and electrode pops) that a QRS
 * detector takes for beats though they look like none of this heart's, and too dense for it to
 * take them all, so they also raise the noise between its beats: what the live usability flag is for.
 */
import type { ActivitySchedule } from './activity';
import { Prng, deriveSeed, hash01 } from './prng';
import type { SampleArray } from './sample-array';
import type { BeatCursor, BeatRhythm } from './rhythm';

export interface EcgOptions {
  seed: number;
  sampleRate: number;
  /** R-wave amplitude before per-beat and respiratory variation. */
  rAmplitudeUv: number;
  /** SD of white Gaussian noise. */
  noiseUv: number;
  /** Amplitude of baseline wander (respiration plus slow electrode drift). */
  baselineUv: number;
  /** Relative beat-amplitude modulation by respiration (ECG-derived respiration). */
  edrDepth: number;
  /** Source of motion artifacts (walking bouts); null for none. */
  motion: ActivitySchedule | null;
  /** Artifact scale at full gait intensity. */
  motionUv: number;
  /** Noise bursts of QRS-like blobs (see the file header). */
  bursts: boolean;
}

export const DEFAULT_ECG: EcgOptions = {
  seed: 1,
  sampleRate: 500,
  rAmplitudeUv: 1200,
  noiseUv: 0,
  baselineUv: 60,
  edrDepth: 0.05,
  motion: null,
  motionUv: 250,
  bursts: false,
};

// McSharry et al. 2003, Table 1: angle theta_i and width b_i (rad) of P, Q, R, S, T on the
// 2*pi cycle; /2pi turns them into fractions of a 1 s beat. Amplitudes relative to R follow the
// paper's a_i*b_i^2 ratios (0.25, -0.17, 1, -0.25, 0.4) with P and T trimmed to typical lead II.
const TWO_PI = 2 * Math.PI;
const WAVE_CENTER = [-Math.PI / 3, -Math.PI / 12, 0, Math.PI / 12, Math.PI / 2].map((a) => a / TWO_PI);
const WAVE_WIDTH = [0.25, 0.1, 0.1, 0.1, 0.4].map((b) => b / TWO_PI);
const WAVE_AMP = [0.2, -0.15, 1, -0.25, 0.35];
const WAVES = 5;
/** Beats summed per sample: the previous (its T wave), the current and the next (its P wave). */
const WINDOW = 3;
/** exp(-20) ~ 2e-9: Gaussian tails beyond this are skipped. */
const TAIL = 20;
const DRIFT_HZ = 0.03;
const MOTION_LP_HZ = 2;
const SALT_AMP = 3;
/** Noise bursts: 20 s of blobs in every minute, after 30 s of clean ECG (the usability rule needs clean beats to compare with). */
const BURST_START_S = 30;
const BURST_S = 20;
const BURST_PERIOD_S = 60;
/** A blob is drawn out to this many SDs. */
const BLOB_REACH = 4;

export interface TrueBeats {
  /** Sample index of each R peak (the clean waveform's maximum). */
  samples: number[];
  /** Exact R-wave centre time, seconds from sample 0. */
  seconds: number[];
}

export class EcgSynth {
  readonly options: EcgOptions;
  readonly sampleRate: number;
  private readonly rhythm: BeatRhythm;
  private readonly cursor: BeatCursor;
  private readonly prng: Prng;
  private readonly driftPhase: number;
  private n = 0;
  // Wave centres (s), 1/(2 sigma^2) and amplitudes (uV) for the beats in the window.
  private readonly waveT = new Float64Array(WINDOW * WAVES);
  private readonly waveK = new Float64Array(WINDOW * WAVES);
  private readonly waveA = new Float64Array(WINDOW * WAVES);
  private readonly probeT = new Float64Array(WINDOW * WAVES);
  private readonly probeK = new Float64Array(WINDOW * WAVES);
  private readonly probeA = new Float64Array(WINDOW * WAVES);
  private markBeat = 0;
  private markSample = 0;
  private pendingSamples: number[] = [];
  private pendingSeconds: number[] = [];
  private lp = 0;
  /** Noise-burst blobs in reach (centre s, 1/(2 SD^2), amplitude uV, rad/s, phase), and when the next one starts. */
  private blobs: { t: number; k: number; a: number; w: number; phase: number; reach: number }[] = [];
  private nextBlob = BURST_START_S;
  private readonly blobPrng: Prng;
  private readonly lpAlpha: number;
  private readonly lpGain: number;

  constructor(rhythm: BeatRhythm, options: Partial<EcgOptions> = {}) {
    const o = (this.options = { ...DEFAULT_ECG, ...options });
    if (!(o.sampleRate > 0)) throw new RangeError('sampleRate must be > 0');
    this.sampleRate = o.sampleRate;
    this.rhythm = rhythm;
    this.cursor = rhythm.cursor();
    this.prng = new Prng(o.seed);
    this.driftPhase = TWO_PI * this.prng.next();
    // Its own generator: bursts on or off, the other noise stays the same.
    this.blobPrng = new Prng(deriveSeed(o.seed, 7));
    this.lpAlpha = 1 - Math.exp((-TWO_PI * MOTION_LP_HZ) / o.sampleRate);
    this.lpGain = Math.sqrt((2 - this.lpAlpha) / this.lpAlpha); // unit-variance low-passed noise
    while (this.peakSample(this.markBeat) < 0) this.markBeat++;
    this.markSample = this.peakSample(this.markBeat);
  }

  /** Samples generated so far (the index of the next sample). */
  get position(): number {
    return this.n;
  }

  /** Writes the next n samples (uV) to out[offset .. offset + n). */
  next(out: SampleArray, n: number, offset = 0): void {
    if (offset < 0 || offset + n > out.length) throw new RangeError('output buffer too small');
    const fs = this.sampleRate;
    const { waveT, waveK, waveA, cursor, prng } = this;
    const { noiseUv, motion, motionUv } = this.options;
    for (let i = 0; i < n; i++) {
      const s = this.n + i;
      const t = s / fs;
      if (t >= cursor.nextTime && cursor.advanceTo(t)) this.loadWindow(cursor.k, waveT, waveK, waveA);
      if (s === this.markSample) this.markPeak();
      let v = this.baselineAt(t);
      for (let j = 0; j < WINDOW * WAVES; j++) {
        const d = t - waveT[j];
        const x = d * d * waveK[j];
        if (x < TAIL) v += waveA[j] * Math.exp(-x);
      }
      if (noiseUv > 0) v += noiseUv * prng.gaussian();
      if (motion !== null) {
        // Electrode motion: a step-locked sway plus low-passed noise, scaled by gait intensity.
        this.lp += this.lpAlpha * (prng.gaussian() - this.lp);
        const e = motion.intensityAt(t);
        if (e > 0) v += e * motionUv * (0.5 * Math.sin(TWO_PI * motion.stepPhaseAt(t)) + 0.8 * this.lpGain * this.lp);
      }
      if (this.options.bursts) v += this.burstAt(t);
      out[offset + i] = v;
    }
    this.n += n;
  }

  /** Sample indices of the true R peaks generated since the last drain. */
  drainBeats(): number[] {
    return this.drainBeatsDetailed().samples;
  }

  /** Like drainBeats, with the exact R-wave times alongside. */
  drainBeatsDetailed(): TrueBeats {
    const beats = { samples: this.pendingSamples, seconds: this.pendingSeconds };
    this.pendingSamples = [];
    this.pendingSeconds = [];
    return beats;
  }

  /** The noise bursts' blobs at t (t increasing from call to call). */
  private burstAt(t: number): number {
    if (t >= this.nextBlob) {
      const inBurst = (t - BURST_START_S) % BURST_PERIOD_S < BURST_S;
      if (inBurst) {
        const r = this.blobPrng;
        const sd = 0.015 + 0.015 * r.next();
        const a = (1 + 2 * r.next()) * this.options.rAmplitudeUv;
        this.blobs.push({ t: t + BLOB_REACH * sd, k: 1 / (2 * sd * sd), a, w: TWO_PI * (10 + 15 * r.next()), phase: TWO_PI * r.next(), reach: BLOB_REACH * sd });
      }
      this.nextBlob = inBurst ? t + 0.04 + 0.16 * this.blobPrng.next() : BURST_START_S + BURST_PERIOD_S * (Math.floor((t - BURST_START_S) / BURST_PERIOD_S) + 1);
    }
    let v = 0;
    for (const b of this.blobs) {
      const d = t - b.t;
      if (Math.abs(d) <= b.reach) v += b.a * Math.exp(-d * d * b.k) * Math.cos(b.w * d + b.phase);
    }
    if (this.blobs.length && t - this.blobs[0].t > this.blobs[0].reach) this.blobs.shift();
    return v;
  }

  private baselineAt(t: number): number {
    const b = this.options.baselineUv;
    if (b === 0) return 0;
    return b * (0.7 * Math.sin(this.rhythm.respPhase(t)) + 0.5 * Math.sin(TWO_PI * DRIFT_HZ * t + this.driftPhase));
  }

  /** Wave parameters of beats k-1, k, k+1. */
  private loadWindow(k: number, wt: Float64Array, wk: Float64Array, wa: Float64Array): void {
    const o = this.options;
    for (let b = 0; b < WINDOW; b++) {
      const m = k - 1 + b;
      const tm = this.rhythm.beatTime(m);
      const rr = Math.min(2.5, Math.max(0.25, tm - this.rhythm.beatTime(m - 1)));
      const scale = Math.sqrt(rr);
      const amp =
        o.rAmplitudeUv *
        (1 + 0.04 * (2 * hash01(o.seed, m, SALT_AMP) - 1)) *
        (1 + o.edrDepth * Math.sin(this.rhythm.respPhase(tm)));
      for (let w = 0; w < WAVES; w++) {
        const j = b * WAVES + w;
        const sigma = WAVE_WIDTH[w] * scale;
        wt[j] = tm + WAVE_CENTER[w] * scale;
        wk[j] = 1 / (2 * sigma * sigma);
        wa[j] = amp * WAVE_AMP[w];
      }
    }
  }

  /** Clean (noise- and artifact-free) signal at t, summing the window around beat k. */
  private cleanAt(t: number, k: number): number {
    this.loadWindow(k, this.probeT, this.probeK, this.probeA);
    let v = this.baselineAt(t);
    for (let j = 0; j < WINDOW * WAVES; j++) {
      const d = t - this.probeT[j];
      v += this.probeA[j] * Math.exp(-d * d * this.probeK[j]);
    }
    return v;
  }

  /** The sample nearest beat k's R wave where the clean signal peaks (Q/S overlap can shift it). */
  private peakSample(k: number): number {
    const c = Math.round(this.rhythm.beatTime(k) * this.sampleRate);
    let best = c;
    let bestV = this.cleanAt(c / this.sampleRate, k);
    for (let s = c - 1; s <= c + 1; s += 2) {
      const v = this.cleanAt(s / this.sampleRate, k);
      if (v > bestV) {
        best = s;
        bestV = v;
      }
    }
    return best;
  }

  private markPeak(): void {
    this.pendingSamples.push(this.markSample);
    this.pendingSeconds.push(this.rhythm.beatTime(this.markBeat));
    this.markBeat++;
    this.markSample = this.peakSample(this.markBeat);
  }
}
