import { describe, expect, it } from 'vitest';
import { ImuPipeline, PpgPipeline } from '../../src/main/analysis/pipelines';
import { PpgHrTracker } from '../../src/main/analysis/dsp/ppg/ppg-hr-tracker';
import { ppgPolarity } from '../../src/main/analysis/dsp/ppg/polarity';
import { SystolicPeakDetector } from '../../src/main/analysis/dsp/ppg/systolic-peaks';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';

function ppgRun(spo2: number, seconds = 60) {
  const fs = 100;
  const sim = new PhysiologySimulator({ ppgRateHz: fs, spo2, seed: 11, motionArtifacts: false });
  const pipe = new PpgPipeline(fs, { labels: ['red', 'ir'] });
  const windows = [];
  const beats: number[] = [];
  const buf = new Float64Array(2 * fs);
  for (let s = 0; s < seconds; s++) {
    sim.nextPpg(buf, fs, 0, fs);
    const u = pipe.push(buf, fs);
    windows.push(...u.windows);
    beats.push(...u.beats);
  }
  return { windows, beats, fs };
}

/**
 * A red/IR pair built here with known light levels: each channel is DC - AC * pulse(t), the same
 * 72 bpm pulse shape (systolic + diastolic Gaussians, peak-to-trough 1) in both, so by definition
 * R = (AC_red / DC_red) / (AC_ir / DC_ir), independent of any calibration.
 */
function redIrPair(light: { dcRed: number; acRed: number; dcIr: number; acIr: number }, fs = 100, seconds = 40): Float64Array[] {
  const period = 60 / 72;
  const shape = (t: number) => {
    const d = (t % period) - 0.25;
    return Math.exp(-0.5 * (d / 0.07) ** 2) + 0.35 * Math.exp(-0.5 * ((d - 0.25) / 0.08) ** 2);
  };
  const n = fs * seconds;
  const raw = Array.from({ length: n }, (_, i) => shape(i / fs));
  const lo = Math.min(...raw);
  const span = Math.max(...raw) - lo;
  const pulse = raw.map((v) => (v - lo) / span);
  return [Float64Array.from(pulse, (p) => light.dcRed - light.acRed * p), Float64Array.from(pulse, (p) => light.dcIr - light.acIr * p)];
}

function windowsOf([red, ir]: Float64Array[], fs: number, calibration?: { a: number; b: number }) {
  const pipe = new PpgPipeline(fs, { labels: ['red', 'ir'], ...(calibration && { calibration }) });
  const windows = [];
  for (let i = 0; i < red.length; i += fs) {
    const block = new Float64Array(2 * fs);
    block.set(red.subarray(i, i + fs), 0);
    block.set(ir.subarray(i, i + fs), fs);
    windows.push(...pipe.push(block, fs).windows);
  }
  return windows.slice(2); // the band-pass settles over the first windows
}

describe('SpO2 by the ratio of ratios on a red/IR pair of known light levels', () => {
  const fs = 100;
  for (const light of [
    { dcRed: 50_000, acRed: 500, dcIr: 80_000, acIr: 1600 }, // R = 0.01 / 0.02 = 0.5
    { dcRed: 30_000, acRed: 540, dcIr: 90_000, acIr: 1800 }, // R = 0.018 / 0.02 = 0.9
  ]) {
    const r = light.acRed / light.dcRed / (light.acIr / light.dcIr);
    it(`measures R = ${r} within 1% and maps it by the calibration it is given`, () => {
      const own = windowsOf(redIrPair(light, fs), fs);
      expect(own.length).toBeGreaterThan(10);
      for (const w of own) expect(Math.abs(w.ratio - r) / r).toBeLessThanOrEqual(0.01);
      // Default calibration SpO2 = 110 - 25 R.
      for (const w of own) expect(Math.abs(w.spo2 - Math.min(100, 110 - 25 * r))).toBeLessThanOrEqual(0.5);
      // Another calibration (104 - 17 R): the estimate follows it, not the default.
      const other = windowsOf(redIrPair(light, fs), fs, { a: 104, b: 17 });
      for (const w of other) expect(Math.abs(w.spo2 - (104 - 17 * r))).toBeLessThanOrEqual(0.4);
    });
  }
});

describe('PPG pipeline on the simulator', () => {
  it('heart rate, perfusion index, peaks and quality at rest', () => {
    const { windows, beats, fs } = ppgRun(97);
    const hr = windows.slice(2).map((w) => w.bpm);
    for (const b of hr) expect(Math.abs(b - 70)).toBeLessThan(8);
    const pi = windows[5].perfusionIndex;
    expect(pi).toBeGreaterThan(0.8);
    expect(pi).toBeLessThan(2.5);
    expect(windows.filter((w) => w.quality === 'poor').length).toBe(0);
    const beatRate = ((beats.length - 1) * 60 * fs) / (beats[beats.length - 1] - beats[0]);
    expect(Math.abs(beatRate - 70)).toBeLessThan(6);
  });
});

describe('systolic peaks (Elgendi two moving averages)', () => {
  /** Volume-polarity pulses (systolic Gaussian + a smaller diastolic one) whose height swings
   *  +-amp with a 4 s breath (the amplitude changes that made causal averages lose beats), plus
   *  seeded uniform noise of +-2% of a pulse. */
  function pulses(bpm: number, amp: number, fs = 125, seconds = 60) {
    const period = 60 / bpm;
    let seed = 7;
    const noise = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.04;
    const x = new Float64Array(fs * seconds);
    for (let i = 0; i < x.length; i++) {
      const t = i / fs;
      const d = (t % period) - period / 2;
      x[i] = (1 + amp * Math.sin((2 * Math.PI * t) / 4)) * (Math.exp(-0.5 * (d / 0.06) ** 2) + 0.3 * Math.exp(-0.5 * ((d - period / 4) / 0.06) ** 2));
    }
    // Each pulse's apex: the maximum of the noise-free pulse around the systolic wave's centre.
    const apexes = Array.from({ length: Math.floor(seconds / period) }, (_, k) => {
      let at = Math.round((k + 0.5) * period * fs);
      for (let i = at - 10; i <= at + 10; i++) if (x[i] > x[at]) at = i;
      return at;
    });
    for (let i = 0; i < x.length; i++) x[i] += noise();
    return { x, fs, apexes };
  }

  for (const [bpm, amp] of [
    [60, 0.3],
    [125, 0.6],
    [150, 0.6],
  ] as const) {
    it(`finds every pulse on its apex at ${bpm} bpm with +-${amp * 100}% breathing modulation`, () => {
      const { x, fs, apexes } = pulses(bpm, amp);
      const det = new SystolicPeakDetector(fs, false);
      const peaks: number[] = [];
      for (let i = 0; i < x.length; i += 25) peaks.push(...det.push(x.subarray(i, i + 25)));
      // The last pulse may not be confirmed yet (the decision waits ~0.35 s plus the pulse).
      const expected = apexes.filter((a) => a < x.length - fs);
      expect(peaks.length).toBeGreaterThanOrEqual(expected.length);
      // On the apex within 2 samples (16 ms): the causal band-pass's delay is taken out.
      for (const a of expected) expect(peaks.some((p) => Math.abs(p - a) <= 2)).toBe(true);
    });
  }
});

describe('PPG polarity', () => {
  /** Volume-polarity pulses at 75 bpm: a 50 ms-sigma systolic upstroke, a 200 ms-sigma decay. */
  function pleth(fs: number, seconds: number): Float64Array {
    const x = new Float64Array(fs * seconds);
    for (let i = 0; i < x.length; i++) {
      const d = ((i / fs) % 0.8) - 0.2;
      x[i] = Math.exp(-0.5 * (d / (d < 0 ? 0.05 : 0.2)) ** 2);
    }
    return x;
  }

  it('reads a fast upstroke as volume polarity and its mirror image as intensity', () => {
    const up = ppgPolarity(pleth(125, 30), 125);
    expect(up.polarity).toBe('volume');
    expect(up.skew).toBeGreaterThan(0.3);
    const down = ppgPolarity(pleth(125, 30).map((v) => 1000 - v), 125);
    expect(down.polarity).toBe('intensity');
    expect(down.skew).toBeCloseTo(-up.skew, 6);
  });

  it('is decided by the PPG pipeline from the first 10 s, whatever the chunking, and held peaks come out', () => {
    const fs = 125;
    const x = pleth(fs, 30);
    const run = (chunk: number) => {
      const pipe = new PpgPipeline(fs, { labels: ['pleth'] });
      const beats: number[] = [];
      for (let i = 0; i < x.length; i += chunk) beats.push(...pipe.push(x.subarray(i, i + chunk), Math.min(chunk, x.length - i)).beats);
      return { beats: [...beats, ...pipe.finish()], polarity: pipe.polarity };
    };
    const small = run(7);
    const large = run(1000);
    expect(small.polarity).toMatchObject({ used: 'volume', how: 'detected' });
    expect(small.beats).toEqual(large.beats);
    // One peak per 0.8 s pulse, on the apex at 0.2 s into each (volume polarity: the top).
    expect(small.beats.length).toBeGreaterThanOrEqual(36);
    for (const b of small.beats) expect(Math.abs(((b / fs) % 0.8) - 0.2)).toBeLessThan(0.02);
    // A 6 s input never fills the probe: finish() decides and gives its peaks.
    const short = new PpgPipeline(fs, { labels: ['pleth'] });
    expect(short.push(x.subarray(0, 6 * fs), 6 * fs).beats).toEqual([]);
    expect(short.finish().length).toBeGreaterThanOrEqual(6);
    expect(short.polarity?.used).toBe('volume');
  });

  it('decides nothing on symmetric pulses or under 4 s of signal', () => {
    const symmetric = Float64Array.from({ length: 125 * 30 }, (_, i) => Math.sin((2 * Math.PI * 1.2 * i) / 125));
    expect(ppgPolarity(symmetric, 125).polarity).toBeNull();
    expect(ppgPolarity(pleth(125, 3), 125)).toEqual({ polarity: null, skew: NaN });
  });
});

describe('IMU pipeline on the simulator', () => {
  it('counts steps within 5% and flags motion while walking', () => {
    const fs = 100;
    const sim = new PhysiologySimulator({ imuRateHz: fs, seed: 5 });
    const pipe = new ImuPipeline(fs);
    const buf = new Float64Array(6 * fs);
    let truth = 0;
    const windows = [];
    for (let s = 0; s < 300; s++) {
      sim.nextImu(buf, fs, 0, fs);
      windows.push(...pipe.push(buf, fs).windows);
      truth += sim.imu.drainSteps().length;
    }
    expect(truth).toBeGreaterThan(100);
    expect(Math.abs(pipe.stepCount - truth) / truth).toBeLessThanOrEqual(0.05);
    expect(windows.some((w) => w.motion)).toBe(true);
    expect(windows.some((w) => !w.motion)).toBe(true);
  });
});

describe('PPG HR tracker under periodic motion (TROIKA-style peak selection)', () => {
  // 25 Hz, 8 s windows every 2 s. The PPG holds the pulse (HR ramping 75 -> 110 bpm over 60 s) and a
  // motion artifact at the running cadence (2.8 Hz = 168 bpm; its half, 84 bpm, is crossed by the ramp) three times stronger than the pulse;
  // the accelerometer sees only the motion.
  const fs = 25;
  const seconds = 90;
  const hrAt = (t: number) => (t < 10 ? 75 : t < 70 ? 75 + ((t - 10) * 35) / 60 : 110);
  function run(withAcc: boolean) {
    const n = seconds * fs;
    const ppg = new Float64Array(n);
    const ax = new Float64Array(n);
    const ay = new Float64Array(n);
    const az = new Float64Array(n);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const t = i / fs;
      phase += (2 * Math.PI * hrAt(t)) / 60 / fs;
      const moving = t >= 4;
      const step = moving ? Math.sin(2 * Math.PI * 2.8 * t) : 0;
      ppg[i] = Math.sin(phase) + 0.3 * Math.sin(2 * phase) + 3 * step + 0.05 * Math.sin(i * 12.9898);
      ax[i] = 0.5 * step;
      ay[i] = 0.3 * step;
      az[i] = 0.2 * step;
    }
    const tracker = new PpgHrTracker({ fs });
    const out: { t: number; bpm: number; truth: number }[] = [];
    for (let end = 8 * fs; end <= n; end += 2 * fs) {
      const win = ppg.subarray(end - 8 * fs, end);
      const acc = withAcc ? [ax, ay, az].map((a) => a.subarray(end - 8 * fs, end)) : [];
      const est = tracker.estimate([win, win], acc);
      const t = end / fs - 4;
      out.push({ t, bpm: est.bpm, truth: hrAt(t) });
    }
    return out;
  }

  it('follows the HR ramp while the stronger cadence component stays put', () => {
    const out = run(true);
    const errs = out.map((w) => Math.abs(w.bpm - w.truth));
    const mae = errs.reduce((a, b) => a + b, 0) / errs.length;
    expect(mae).toBeLessThan(3);
    // Once moving, it never locks onto the cadence (168).
    for (const w of out.filter((x) => x.t > 40)) expect(Math.abs(w.bpm - w.truth)).toBeLessThan(6);
    expect(out[out.length - 1].bpm).toBeGreaterThan(104);
  });

  it('without the accelerometer the cadence peak wins (what the peak selection prevents)', () => {
    const out = run(false);
    const late = out.filter((x) => x.t > 40);
    expect(late.some((w) => Math.abs(w.bpm - w.truth) > 10)).toBe(true);
  });

  it('reports the motion frequencies it excluded', () => {
    const tracker = new PpgHrTracker({ fs });
    const n = 8 * fs;
    const ppg = new Float64Array(n);
    const acc = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ppg[i] = Math.sin((2 * Math.PI * 1.5 * i) / fs) + 2 * Math.sin((2 * Math.PI * 2.5 * i) / fs);
      acc[i] = 0.5 * Math.sin((2 * Math.PI * 2.5 * i) / fs);
    }
    const est = tracker.estimate([ppg], [acc, acc, acc]);
    expect(est.motion.some((m) => Math.abs(m - 150) < 2)).toBe(true);
    expect(est.candidates.some((c) => Math.abs(c - 150) < 4)).toBe(false);
    expect(Math.abs(est.bpm - 90)).toBeLessThan(2);
  });
});
