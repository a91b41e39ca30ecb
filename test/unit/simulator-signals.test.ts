import { describe, expect, it } from 'vitest';
import {
  ActivitySchedule,
  BeatRhythm,
  EcgSynth,
  PhysiologySimulator,
  Prng,
  type PhysiologyOptions,
} from '../../src/main/devices/simulator/signals';

const ECG_HZ = 500;
const PPG_HZ = 100;
const IMU_HZ = 100;

const clean = (o: Partial<PhysiologyOptions> = {}) => new PhysiologySimulator({ noise: 0, motionArtifacts: false, ...o });

function ecgOf(sim: PhysiologySimulator, seconds: number): Float64Array {
  const out = new Float64Array(seconds * ECG_HZ);
  sim.nextEcg(out, out.length);
  return out;
}

/** RMS of x - y over seconds [a, b) of ECG. */
function rmsDifference(x: Float64Array, y: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = Math.round(a * ECG_HZ); i < b * ECG_HZ; i++) s += (x[i] - y[i]) ** 2;
  return Math.sqrt(s / ((b - a) * ECG_HZ));
}

/** PPG as [red, ir] channel views. */
function ppgOf(sim: PhysiologySimulator, seconds: number): [Float64Array, Float64Array] {
  const n = seconds * PPG_HZ;
  const out = new Float64Array(2 * n);
  sim.nextPpg(out, n);
  return [out.subarray(0, n), out.subarray(n)];
}

function imuOf(sim: PhysiologySimulator, seconds: number): Float64Array[] {
  const n = seconds * IMU_HZ;
  const out = new Float64Array(6 * n);
  sim.nextImu(out, n);
  return [0, 1, 2, 3, 4, 5].map((c) => out.subarray(c * n, (c + 1) * n));
}

/** Generates `total` samples of `channels` channels through `fill`, in the given block sizes (cycled). */
function chunked(
  fill: (out: Float64Array, n: number) => void,
  channels: number,
  total: number,
  sizes: number[],
): Float64Array {
  const all = new Float64Array(channels * total);
  let done = 0;
  for (let i = 0; done < total; i++) {
    const n = Math.min(sizes[i % sizes.length], total - done);
    const block = new Float64Array(channels * n);
    fill(block, n);
    for (let c = 0; c < channels; c++) all.set(block.subarray(c * n, (c + 1) * n), c * total + done);
    done += n;
  }
  return all;
}

const mean = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
};
const sd = (a: number[]) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};
const diffs = (a: number[]) => a.slice(1).map((v, i) => v - a[i]);

/** Frequency (Hz) in [lo, hi] with the largest power for values x at irregular times t. */
function dominantHz(t: number[], x: number[], lo: number, hi: number): number {
  const m = mean(x);
  let best = lo;
  let bestP = -1;
  for (let f = lo; f <= hi + 1e-9; f += 0.002) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < t.length; i++) {
      re += (x[i] - m) * Math.cos(2 * Math.PI * f * t[i]);
      im += (x[i] - m) * Math.sin(2 * Math.PI * f * t[i]);
    }
    if (re * re + im * im > bestP) {
      bestP = re * re + im * im;
      best = f;
    }
  }
  return best;
}

describe('Prng', () => {
  it('is reproducible, uniform in [0,1) and gives unit-variance Gaussians', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const u = Array.from({ length: 20000 }, () => a.next());
    expect(u).toEqual(Array.from({ length: 20000 }, () => b.next()));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    const g = Array.from({ length: 20000 }, () => a.gaussian());
    expect(Math.abs(mean(g))).toBeLessThan(0.03);
    expect(sd(g)).toBeGreaterThan(0.97);
    expect(sd(g)).toBeLessThan(1.03);
    expect(new Prng(43).next()).not.toBe(new Prng(42).next());
  });
});

describe('BeatRhythm', () => {
  it('shows respiratory sinus arrhythmia: the RR tachogram peaks at the breathing rate', () => {
    const rhythm = new BeatRhythm({ seed: 7, hrBpm: 65, respRateBpm: 12 });
    const times = Array.from({ length: 330 }, (_, k) => rhythm.beatTime(k));
    const rr = diffs(times);
    expect(dominantHz(times.slice(1), rr, 0.05, 0.5)).toBeCloseTo(0.2, 1);
  });

  it('keeps memory bounded on long runs without losing beats a lagging consumer still needs', () => {
    const sim = clean({ ecgRateHz: 250, ppgRateHz: 50 });
    const ecg = new Float32Array(250 * 60);
    const ppg = new Float32Array(2 * 50 * 60);
    let beats = 0;
    for (let minute = 0; minute < 40; minute++) {
      sim.nextEcg(ecg, ecg.length); // ECG runs ahead, PPG trails it by a minute
      if (minute > 0) sim.nextPpg(ppg, 50 * 60);
      beats += sim.ecg.drainBeats().length;
    }
    expect(beats / 40).toBeGreaterThan(67);
    expect(beats / 40).toBeLessThan(73);
    expect(() => sim.rhythm.beatTime(0)).toThrow(RangeError); // released long ago
  });
});

describe('EcgSynth', () => {
  it('generates 70 ± 3 beats per minute at 70 bpm with SDNN in 10-100 ms', () => {
    const sim = clean({ hrBpm: 70 });
    ecgOf(sim, 60);
    const beats = sim.ecg.drainBeatsDetailed();
    expect(beats.samples.length).toBeGreaterThanOrEqual(67);
    expect(beats.samples.length).toBeLessThanOrEqual(73);
    const sdnn = sd(diffs(beats.seconds)) * 1000;
    expect(sdnn).toBeGreaterThan(10);
    expect(sdnn).toBeLessThan(100);
    // Sample index and exact time agree to within a sample.
    beats.samples.forEach((s, i) => expect(Math.abs(s - beats.seconds[i] * ECG_HZ)).toBeLessThanOrEqual(1.5));
  });

  it.each([60, 75])('keeps SDNN in a physiological range at %i bpm', (hr) => {
    const sim = clean({ hrBpm: hr, seed: 3 });
    ecgOf(sim, 120);
    const sdnn = sd(diffs(sim.ecg.drainBeatsDetailed().seconds)) * 1000;
    expect(sdnn).toBeGreaterThan(15);
    expect(sdnn).toBeLessThan(80);
  });

  it.each([250, 500, 1000])('at %i Hz puts a local maximum at each true R peak, taller than the P and T waves', (fs) => {
    const sim = clean({ ecgRateHz: fs });
    const x = new Float64Array(120 * fs);
    sim.nextEcg(x, x.length);
    const beats = sim.ecg.drainBeats();
    expect(beats.length).toBeGreaterThan(130);
    const at = (sec: number) => Math.round(sec * fs);
    const win = (a: number, b: number) => Array.from(x.subarray(a, b));
    for (const i of beats) {
      if (i < at(0.4) || i > x.length - at(0.5)) continue;
      expect(x[i]).toBeGreaterThanOrEqual(x[i - 1]);
      expect(x[i]).toBeGreaterThanOrEqual(x[i + 1]);
      // Isoelectric level: the PR segment just before QRS onset, ~70 ms before R.
      const iso = x[i - at(0.07)];
      const r = x[i] - iso;
      const p = Math.max(...win(i - at(0.3), i - at(0.09))) - iso;
      const t = Math.max(...win(i + at(0.12), i + at(0.4))) - iso;
      expect(r).toBeGreaterThan(900);
      expect(r).toBeLessThan(1600);
      expect(p).toBeGreaterThan(50);
      expect(t).toBeGreaterThan(150);
      expect(r).toBeGreaterThan(2 * Math.max(p, t));
      // The R peak is the maximum of the whole beat.
      expect(x[i]).toBe(Math.max(...win(i - at(0.3), i + at(0.4))));
    }
  });

  it('adds noise and motion artifacts only where asked: artifacts during walking, none at rest', () => {
    const still = ecgOf(clean(), 45);
    const moving = ecgOf(clean({ motionArtifacts: true }), 45);
    const rms = (a: number, b: number) => rmsDifference(moving, still, a, b);
    expect(rms(0, 20)).toBe(0); // rest bout
    expect(rms(25, 45)).toBeGreaterThan(50); // walking bout
  });

  it('adds ECG noise bursts only where asked: 20 s of strong blobs a minute from 30 s, the rest untouched', () => {
    const plain = ecgOf(clean(), 110);
    const bursts = ecgOf(clean({ ecgBursts: true }), 110);
    const rms = (a: number, b: number) => rmsDifference(bursts, plain, a, b);
    expect(rms(0, 30)).toBe(0);
    expect(rms(31, 49)).toBeGreaterThan(200); // uV: a fair share of the 1200 uV R wave, all the time
    expect(rms(50.5, 90)).toBe(0);
    expect(rms(91, 109)).toBeGreaterThan(200);
  });

  it('chunked generation equals one-shot generation, beats included', () => {
    const opts = { noise: 0.5, motionArtifacts: true, ecgBursts: true, seed: 9 };
    const a = new PhysiologySimulator(opts);
    const b = new PhysiologySimulator(opts);
    const total = 40 * ECG_HZ;
    const one = chunked((o, n) => a.nextEcg(o, n), 1, total, [total]);
    const many = chunked((o, n) => b.nextEcg(o, n), 1, total, [100, 1, 37, 500, 3]);
    expect(many).toEqual(one);
    expect(b.ecg.drainBeats()).toEqual(a.ecg.drainBeats());
    const c = new PhysiologySimulator(opts);
    const twice = chunked((o, n) => c.nextEcg(o, n), 1, 200, [100]);
    expect(twice).toEqual(one.subarray(0, 200));
  });

  it('depends on the seed', () => {
    expect(ecgOf(clean({ seed: 1 }), 5)).not.toEqual(ecgOf(clean({ seed: 2 }), 5));
    expect(ecgOf(clean({ seed: 2 }), 5)).toEqual(ecgOf(clean({ seed: 2 }), 5));
  });

  it('writes at an offset into a shared buffer and rejects a short one', () => {
    const synth = new EcgSynth(new BeatRhythm());
    const out = new Float32Array(10).fill(-1);
    synth.next(out, 4, 6);
    expect(Array.from(out.subarray(0, 6))).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(() => synth.next(out, 5, 6)).toThrow(RangeError);
  });
});

describe('PpgSynth', () => {
  /** Per-beat AC (peak-to-trough) between successive R peaks, DC as the mean. */
  function perBeat(sim: PhysiologySimulator, seconds: number) {
    ecgOf(sim, seconds);
    const rTimes = sim.ecg.drainBeatsDetailed().seconds;
    const [red, ir] = ppgOf(sim, seconds);
    const beats: { t: number; acRed: number; acIr: number; meanIr: number }[] = [];
    for (let k = 0; k + 1 < rTimes.length; k++) {
      const a = Math.round((rTimes[k] + 0.1) * PPG_HZ);
      const b = Math.round((rTimes[k + 1] + 0.1) * PPG_HZ);
      if (b > ir.length) break;
      const r = Array.from(red.subarray(a, b));
      const i = Array.from(ir.subarray(a, b));
      beats.push({
        t: (rTimes[k] + rTimes[k + 1]) / 2,
        acRed: Math.max(...r) - Math.min(...r),
        acIr: Math.max(...i) - Math.min(...i),
        meanIr: mean(i),
      });
    }
    return { rTimes, red, ir, beats };
  }

  it.each([90, 98])('encodes SpO2 %i in the red/IR ratio of ratios (SpO2 = 110 - 25 R)', (spo2) => {
    const { red, ir, beats } = perBeat(clean({ spo2 }), 60);
    const dcRed = mean(red);
    const dcIr = mean(ir);
    expect(dcIr).toBeGreaterThan(100_000);
    expect(dcIr).toBeLessThan(200_000);
    const acIr = mean(beats.map((b) => b.acIr));
    expect(acIr / dcIr).toBeGreaterThan(0.01);
    expect(acIr / dcIr).toBeLessThan(0.02);
    const ratio = mean(beats.map((b) => b.acRed / b.acIr)) * (dcIr / dcRed);
    expect(Math.abs(110 - 25 * ratio - spo2)).toBeLessThan(1.5);
    for (const v of ir) expect(Number.isInteger(v)).toBe(true);
  });

  it('follows each ECG beat with a systolic pulse 150-350 ms later', () => {
    const sim = clean();
    ecgOf(sim, 30);
    const rTimes = sim.ecg.drainBeatsDetailed().seconds;
    const [, ir] = ppgOf(sim, 30);
    const pulses = sim.ppg.drainPulses();
    expect(Math.abs(pulses.length - rTimes.length)).toBeLessThanOrEqual(1);
    for (const r of rTimes) {
      const a = Math.round(r * PPG_HZ);
      if (a + 50 > ir.length) continue;
      let trough = a; // intensity falls as blood volume rises: the systolic peak is a trough in counts
      for (let i = a; i < a + 50; i++) if (ir[i] < ir[trough]) trough = i;
      const delay = trough / PPG_HZ - r;
      expect(delay).toBeGreaterThan(0.15);
      expect(delay).toBeLessThan(0.35);
    }
  });

  it('shows respiration in the baseline and the pulse amplitude', () => {
    const { beats } = perBeat(clean({ respRateBpm: 12, seed: 4 }), 120);
    const t = beats.map((b) => b.t);
    expect(dominantHz(t, beats.map((b) => b.meanIr), 0.1, 0.6)).toBeCloseTo(0.2, 1);
    expect(dominantHz(t, beats.map((b) => b.acIr), 0.1, 0.6)).toBeCloseTo(0.2, 1);
    const fast = perBeat(clean({ respRateBpm: 20, seed: 4 }), 120).beats;
    expect(dominantHz(fast.map((b) => b.t), fast.map((b) => b.meanIr), 0.1, 0.6)).toBeCloseTo(1 / 3, 1);
  });

  it('adds motion artifacts only during walking bouts', () => {
    const [, still] = ppgOf(clean(), 45);
    const [, moving] = ppgOf(clean({ motionArtifacts: true }), 45);
    const maxDiff = (a: number, b: number) => {
      let m = 0;
      for (let i = a * PPG_HZ; i < b * PPG_HZ; i++) m = Math.max(m, Math.abs(moving[i] - still[i]));
      return m;
    };
    expect(maxDiff(0, 20)).toBe(0);
    expect(maxDiff(25, 45)).toBeGreaterThan(1000);
  });

  it('chunked generation equals one-shot generation', () => {
    const opts = { noise: 0.3, seed: 5 };
    const a = new PhysiologySimulator(opts);
    const b = new PhysiologySimulator(opts);
    const total = 60 * PPG_HZ;
    const one = chunked((o, n) => a.nextPpg(o, n), 2, total, [total]);
    const many = chunked((o, n) => b.nextPpg(o, n), 2, total, [100, 100, 7, 1, 250]);
    expect(many).toEqual(one);
    expect(b.ppg.drainPulses()).toEqual(a.ppg.drainPulses());
  });
});

describe('ImuSynth', () => {
  it('rests with |a| ~ 1 g and a still gyro', () => {
    const [ax, ay, az, gx, gy, gz] = imuOf(new PhysiologySimulator(), 20);
    for (let i = 0; i < ax.length; i++) {
      expect(Math.abs(Math.hypot(ax[i], ay[i], az[i]) - 1)).toBeLessThan(0.05);
      expect(Math.hypot(gx[i], gy[i], gz[i])).toBeLessThan(5);
    }
  });

  it('walks at the bout cadence: step count = cadence x duration within 5%, steps only while walking', () => {
    const sim = new PhysiologySimulator({ seed: 11 });
    const [, , az] = imuOf(sim, 110);
    const steps = sim.imu.drainSteps();
    for (const k of [0, 1]) {
      const bout = sim.activity.walkBout(k);
      expect(bout.cadenceSpm).toBeGreaterThanOrEqual(100);
      expect(bout.cadenceSpm).toBeLessThanOrEqual(120);
      const inBout = steps.filter((s) => s >= bout.startSec * IMU_HZ && s < bout.endSec * IMU_HZ);
      const expected = (bout.cadenceSpm * (bout.endSec - bout.startSec)) / 60;
      expect(Math.abs(inBout.length - expected) / expected).toBeLessThan(0.05);
      expect(inBout.length).toBe(bout.stepCount);
      // Heel strikes are the vertical-acceleration peaks; the swing is 0.2-0.6 g peak to peak.
      const mid = Array.from(az.subarray((bout.startSec + 5) * IMU_HZ, (bout.endSec - 5) * IMU_HZ));
      const swing = Math.max(...mid) - Math.min(...mid);
      expect(swing).toBeGreaterThan(0.2);
      expect(swing).toBeLessThan(0.6);
      const midSteps = inBout.filter((s) => s > (bout.startSec + 5) * IMU_HZ && s < (bout.endSec - 5) * IMU_HZ);
      for (const s of midSteps) {
        let peak = s - 10;
        for (let i = s - 10; i <= s + 10; i++) if (az[i] > az[peak]) peak = i;
        expect(Math.abs(peak - s)).toBeLessThanOrEqual(3);
        expect(az[s]).toBeGreaterThan(1 + 0.4 * swing);
      }
    }
    for (const s of steps) expect(sim.activity.walkingAt(s / IMU_HZ)).toBe(true);
  });

  it('reports whether motion is active', () => {
    const sim = new PhysiologySimulator();
    imuOf(sim, 10);
    expect(sim.motionActive).toBe(false);
    imuOf(sim, 20);
    expect(sim.motionActive).toBe(true);
    imuOf(sim, 25);
    expect(sim.motionActive).toBe(false);
  });

  it('chunked generation equals one-shot generation', () => {
    const a = new PhysiologySimulator({ seed: 2 });
    const b = new PhysiologySimulator({ seed: 2 });
    const total = 60 * IMU_HZ;
    const one = chunked((o, n) => a.nextImu(o, n), 6, total, [total]);
    const many = chunked((o, n) => b.nextImu(o, n), 6, total, [100, 100, 13, 1, 999]);
    expect(many).toEqual(one);
    expect(b.imu.drainSteps()).toEqual(a.imu.drainSteps());
  });

  it('honours configured bout lengths', () => {
    const act = new ActivitySchedule({ restSec: 5, walkSec: 10 });
    expect(act.walkingAt(4.9)).toBe(false);
    expect(act.walkingAt(5.1)).toBe(true);
    expect(act.walkingAt(15.1)).toBe(false);
    expect(act.intensityAt(10)).toBe(1);
    expect(act.intensityAt(2)).toBe(0);
  });
});
