/**
 * Physiologically plausible signals for the simulated board: one heart (ECG and PPG share its
 * beats and breathing), one body (the IMU's walking bouts drive the motion artifacts), all from
 * one seed. Pure and deterministic: generating 100 samples twice equals 200 once.
 */
import { ActivitySchedule } from './activity';
import { EcgSynth } from './ecg';
import { ImuSynth } from './imu';
import { DEFAULT_PPG, PpgSynth } from './ppg';
import { deriveSeed } from './prng';
import { BeatRhythm } from './rhythm';
import type { SampleArray } from './sample-array';

export { ActivitySchedule, DEFAULT_ACTIVITY, type ActivityOptions, type WalkBout } from './activity';
export { DEFAULT_ECG, EcgSynth, type EcgOptions, type TrueBeats } from './ecg';
export { DEFAULT_IMU, IMU_CHANNELS, ImuSynth, type ImuOptions } from './imu';
export { DEFAULT_PPG, PpgSynth, ratioOfRatiosForSpo2, type PpgOptions } from './ppg';
export { Prng, deriveSeed, hash01 } from './prng';
export { BeatCursor, BeatRhythm, DEFAULT_RHYTHM, type RhythmOptions } from './rhythm';
export type { SampleArray } from './sample-array';

export interface PhysiologyOptions {
  seed: number;
  /** Mean heart rate. */
  hrBpm: number;
  /** %. */
  spo2: number;
  /** 0 = clean, 1 = heavy. */
  noise: number;
  /** During IMU walking bouts add PPG/ECG motion artifacts. */
  motionArtifacts: boolean;
  /** ECG noise bursts of QRS-like blobs, 20 s of every minute from 30 s on (see ecg.ts). */
  ecgBursts: boolean;
  respRateBpm: number;
  ecgRateHz: number;
  ppgRateHz: number;
  imuRateHz: number;
}

export const DEFAULT_PHYSIOLOGY: PhysiologyOptions = {
  seed: 1,
  hrBpm: 70,
  spo2: 97,
  noise: 0.05,
  motionArtifacts: true,
  ecgBursts: false,
  respRateBpm: 15,
  ecgRateHz: 500,
  ppgRateHz: 100,
  imuRateHz: 100,
};

// noise = 1 ("heavy"): ECG white noise 150 uV, PPG noise half the IR pulse, IMU noise x5.
const HEAVY_ECG_NOISE_UV = 150;
const HEAVY_PPG_NOISE_OF_AC = 0.5;
const HEAVY_IMU_NOISE_GAIN = 4;

/** The heart of a simulated body: the same seed gives the same beats to the board's ECG and PPG and to the simulated strap. */
export function createHeart(o: Pick<PhysiologyOptions, 'seed' | 'hrBpm' | 'respRateBpm'>): BeatRhythm {
  return new BeatRhythm({ seed: deriveSeed(o.seed, 1), hrBpm: o.hrBpm, respRateBpm: o.respRateBpm });
}

export class PhysiologySimulator {
  readonly options: PhysiologyOptions;
  readonly rhythm: BeatRhythm;
  readonly activity: ActivitySchedule;
  readonly ecg: EcgSynth;
  readonly ppg: PpgSynth;
  readonly imu: ImuSynth;

  constructor(options: Partial<PhysiologyOptions> = {}) {
    const o = (this.options = { ...DEFAULT_PHYSIOLOGY, ...options });
    if (!(o.noise >= 0)) throw new RangeError('noise must be >= 0');
    this.rhythm = createHeart(o);
    this.activity = new ActivitySchedule({ seed: deriveSeed(o.seed, 2) });
    const motion = o.motionArtifacts ? this.activity : null;
    this.ecg = new EcgSynth(this.rhythm, {
      seed: deriveSeed(o.seed, 3),
      sampleRate: o.ecgRateHz,
      noiseUv: HEAVY_ECG_NOISE_UV * o.noise,
      motion,
      bursts: o.ecgBursts,
    });
    const irAc = DEFAULT_PPG.perfusionIndex * DEFAULT_PPG.dcIr;
    this.ppg = new PpgSynth(this.rhythm, {
      seed: deriveSeed(o.seed, 4),
      sampleRate: o.ppgRateHz,
      spo2: o.spo2,
      noiseCounts: HEAVY_PPG_NOISE_OF_AC * irAc * o.noise,
      motion,
    });
    const imuGain = 1 + HEAVY_IMU_NOISE_GAIN * o.noise;
    this.imu = new ImuSynth(this.activity, {
      seed: deriveSeed(o.seed, 5),
      sampleRate: o.imuRateHz,
      accelNoiseG: 0.004 * imuGain,
      gyroNoiseDps: 0.3 * imuGain,
    });
  }

  /** Next n ECG samples (uV) into out[offset ..]. */
  nextEcg(out: SampleArray, n: number, offset = 0): void {
    this.ecg.next(out, n, offset);
  }

  /** Next n PPG samples (counts): red at out[offset + i], IR at out[offset + stride + i]. */
  nextPpg(out: SampleArray, n: number, offset = 0, stride = n): void {
    this.ppg.next(out, n, offset, stride);
  }

  /** Next n IMU samples: ax ay az (g), gx gy gz (deg/s), channel c at out[offset + c * stride + i]. */
  nextImu(out: SampleArray, n: number, offset = 0, stride = n): void {
    this.imu.next(out, n, offset, stride);
  }

  /** Whether the simulated wearer is walking (at the IMU's last sample). */
  get motionActive(): boolean {
    return this.imu.motionActive;
  }
}
