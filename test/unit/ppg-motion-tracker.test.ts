import { describe, expect, it } from 'vitest';
import { wienerSuppress, withSecondHarmonic } from '../../src/main/analysis/dsp/ppg/motion-wiener';
import { OnlineViterbi } from '../../src/main/analysis/dsp/ppg/online-viterbi';
import { PpgHrTracker } from '../../src/main/analysis/dsp/ppg/ppg-hr-tracker';
import { PpgPipeline } from '../../src/main/analysis/pipelines';
import { Prng } from '../../src/main/devices/simulator/signals/prng';

const bump = (n: number, at: number, height: number, width = 3) => Float64Array.from({ length: n }, (_, k) => height * Math.exp(-0.5 * ((k - at) / width) ** 2));
const argmax = (p: ArrayLike<number>) => {
  let b = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[b]) b = k;
  return b;
};

describe('Wiener-style motion suppression (Temko 2017)', () => {
  it('removes a cadence peak the accelerometer sees, and keeps the pulse', () => {
    const n = 200;
    // PPG: pulse at bin 60 (0.4) under a cadence peak at bin 120 (1.0); the accelerometer holds only the cadence.
    const ppg = bump(n, 60, 0.4).map((v, k) => v + bump(n, 120, 1)[k]);
    const noise = bump(n, 120, 1);
    const out = wienerSuppress(ppg, ppg, noise, 10);
    expect(argmax(ppg)).toBe(120);
    expect(argmax(out)).toBe(60);
    // The cadence bin is scaled down over tenfold, the pulse barely touched.
    expect(out[120]).toBeLessThan(ppg[120] / 10);
    expect(out[60]).toBeGreaterThan(0.9 * ppg[60]);
  });

  it('counts the motion line\'s 2nd harmonic as noise too', () => {
    const noise = bump(300, 70, 1);
    const h = withSecondHarmonic(noise, 1);
    expect(h[140]).toBeCloseTo(1, 5);
    expect(h[70]).toBeCloseTo(1, 5);
    expect(h[105]).toBeLessThan(0.01);
  });
});

describe('online Viterbi path over spectra', () => {
  it('follows a drifting HR through windows where a stronger cadence line outshines it', () => {
    const rng = new Prng(7);
    const n = 220; // 0.73 bpm bins, as the tracker's grid
    const binBpm = 0.73;
    const path = new OnlineViterbi(n, { binBpm, maxStep: 8, stepCost: 0.03, jumpCost: 3 });
    let viterbiOk = 0,
      greedyOk = 0,
      windows = 0;
    for (let w = 0; w < 120; w++) {
      const hrBin = 60 + w * 0.8; // drifts ~0.6 bpm per window, 44 -> 113 bins
      const score = bump(n, hrBin, 0.6);
      // The cadence line (fixed, stronger) appears in ~40% of the windows (arm-swing bursts).
      if (rng.next() < 0.4) {
        const line = bump(n, 180, 1);
        for (let k = 0; k < n; k++) score[k] += line[k];
      }
      const best = path.step(score);
      if (w < 3) continue;
      windows++;
      if (Math.abs(best - hrBin) * binBpm <= 2) viterbiOk++;
      if (Math.abs(argmax(score) - hrBin) * binBpm <= 2) greedyOk++;
    }
    expect(viterbiOk / windows).toBeGreaterThan(0.95);
    // A greedy pick per window loses it wherever the line is present.
    expect(greedyOk / windows).toBeLessThan(0.75);
  });

  it('re-acquires a pulse that reappears elsewhere once its evidence outweighs the jump cost', () => {
    const path = new OnlineViterbi(200, { binBpm: 0.73, maxStep: 8, stepCost: 0.03, jumpCost: 3 });
    for (let w = 0; w < 20; w++) path.step(bump(200, 50, 1));
    const after: number[] = [];
    for (let w = 0; w < 10; w++) after.push(path.step(bump(200, 150, 1)));
    expect(after[0]).toBe(50);
    expect(after[after.length - 1]).toBe(150);
    // It takes a few windows (the jump cost), not the rest of the recording.
    expect(after.findIndex((b) => b === 150)).toBeLessThanOrEqual(4);
  });
});

describe('PPG HR tracker: coasting flag', () => {
  const fs = 25;
  const windows = (make: (t: number) => number, count: number) => {
    const tracker = new PpgHrTracker({ fs });
    const n = (8 + 2 * count) * fs;
    const x = Float64Array.from({ length: n }, (_, i) => make(i / fs));
    const out = [];
    for (let end = 8 * fs; end <= n; end += 2 * fs) out.push(tracker.estimate([x.subarray(end - 8 * fs, end)], []));
    return out;
  };

  it('flags pure noise as coasting (no confident spectral peak)', () => {
    const rng = new Prng(11);
    const est = windows(() => rng.gaussian(), 30);
    const coasting = est.filter((e) => e.coasting).length;
    expect(coasting / est.length).toBeGreaterThan(0.8);
  });

  it('does not flag a clean pulse, and measures it', () => {
    const est = windows((t) => Math.sin(2 * Math.PI * 1.3 * t) + 0.3 * Math.sin(2 * Math.PI * 2.6 * t), 20);
    expect(est.every((e) => !e.coasting)).toBe(true);
    for (const e of est) expect(Math.abs(e.bpm - 78)).toBeLessThan(1);
  });
});

describe('PPG HR tracker: recovery after losing the beat', () => {
  it('re-acquires a pulse that moved while it was away, within a few windows', () => {
    const fs = 25;
    const rng = new Prng(3);
    // 40 s at 70 bpm, 6 s of noise only (sensor lifted), then 40 s at 130 bpm.
    const hrAt = (t: number) => (t < 40 ? 70 : t < 46 ? NaN : 130);
    const n = 86 * fs;
    const x = new Float64Array(n);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const hr = hrAt(i / fs);
      if (Number.isFinite(hr)) phase += (2 * Math.PI * hr) / 60 / fs;
      x[i] = (Number.isFinite(hr) ? Math.sin(phase) : 0) + 0.2 * rng.gaussian();
    }
    const tracker = new PpgHrTracker({ fs });
    const late: number[] = [];
    for (let end = 8 * fs; end <= n; end += 2 * fs) {
      const est = tracker.estimate([x.subarray(end - 8 * fs, end)], []);
      if (end / fs >= 46 + 8 + 12) late.push(est.bpm);
    }
    // From 12 s after the whole window holds the new pulse, it is on it.
    expect(late.length).toBeGreaterThan(5);
    for (const b of late) expect(Math.abs(b - 130)).toBeLessThan(2);
  });
});

describe('PPG HR tracker: motion lines named per accelerometer axis', () => {
  it('names an arm swing that dominates one axis but is weak in the sum, and keeps it off the pulse', () => {
    const fs = 25;
    const rng = new Prng(11);
    const [hr, stepBpm] = [75, 110];
    const swingBpm = stepBpm / 2; // one arm swing per stride, two steps
    const n = 60 * fs;
    const sine = (bpm: number, i: number) => Math.sin((2 * Math.PI * bpm * i) / 60 / fs);
    // The steps jolt two axes (0.6 g each); the swing moves the third (0.25 g): under a tenth of
    // the summed spectrum's peak, yet the wrist PPG's strongest line.
    const acc = [0.6, 0, 0.6].map((g) => Float64Array.from({ length: n }, (_, i) => g * sine(stepBpm, i) + (g ? 0 : 0.25 * sine(swingBpm, i)) + 0.01 * rng.gaussian()));
    const ppg = Float64Array.from({ length: n }, (_, i) => 0.5 * sine(hr, i) + sine(swingBpm, i) + 0.1 * rng.gaussian());
    const tracker = new PpgHrTracker({ fs });
    const late = [];
    for (let end = 8 * fs; end <= n; end += 2 * fs) {
      const est = tracker.estimate([ppg.subarray(end - 8 * fs, end)], acc.map((a) => a.subarray(end - 8 * fs, end)));
      if (end / fs >= 20) late.push(est);
    }
    expect(late.length).toBeGreaterThan(10);
    for (const e of late) {
      expect(e.motion.some((m) => Math.abs(m - swingBpm) < 2)).toBe(true);
      expect(Math.abs(e.bpm - hr)).toBeLessThan(2);
    }
  });
});

describe('PPG HR tracker: a heart rate that comes to the cadence', () => {
  const fs = 25;
  const cadence = 155;
  /** 80 s: HR 140 bpm, rising from 30 s to the running cadence (155) at 40 s; the wrist artefact at the cadence. */
  function run(options: { cadenceSnapBpm?: number }, pulseUntil = Infinity) {
    const rng = new Prng(5);
    const hrAt = (t: number) => (t < 30 ? 140 : t < 40 ? 140 + (t - 30) * 1.5 : cadence);
    const n = 80 * fs;
    const ppg = new Float64Array(n);
    const acc = new Float64Array(n);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      phase += (2 * Math.PI * hrAt(i / fs)) / 60 / fs;
      const motion = Math.sin((2 * Math.PI * cadence * i) / 60 / fs);
      ppg[i] = (i / fs < pulseUntil ? Math.sin(phase) + 0.5 * motion : 0) + 0.1 * rng.gaussian();
      acc[i] = 0.3 * motion;
    }
    const tracker = new PpgHrTracker({ fs, ...options });
    const late = [];
    for (let end = 8 * fs; end <= n; end += 2 * fs) {
      const est = tracker.estimate([ppg.subarray(end - 8 * fs, end)], [acc.subarray(end - 8 * fs, end)]);
      if (end / fs >= 50) late.push(est);
    }
    return late;
  }

  it('reports it at the cadence, flagged coasting, where the suppression removed the pulse with the motion', () => {
    const late = run({});
    expect(late.length).toBeGreaterThan(10);
    for (const e of late) {
      expect(e.coasting).toBe(true);
      expect(Math.abs(e.bpm - cadence)).toBeLessThan(1);
    }
    // Without the rule the path coasts where it last measured the pulse, 5 bpm short.
    for (const e of run({ cadenceSnapBpm: 0 })) expect(cadence - e.bpm).toBeGreaterThan(3);
  });

  it('does not move a coasting estimate to the cadence when the PPG does not peak there', () => {
    // The sensor lifted at 44 s: noise only, while the wearer runs on.
    for (const e of run({}, 44)) expect(Math.abs(e.bpm - cadence)).toBeGreaterThan(2);
  });
});

describe('PPG pipeline: coasting per window', () => {
  it('marks the windows of a noise-only PPG as coasting, and those of a clean pulse as measured', () => {
    const fs = 100;
    const rng = new Prng(5);
    const run = (make: (t: number) => number) => {
      const pipe = new PpgPipeline(fs, { labels: ['green'], polarity: 'volume' });
      const x = Float64Array.from({ length: 60 * fs }, (_, i) => 1000 + make(i / fs));
      return pipe.push(x, x.length).windows;
    };
    const noise = run(() => 20 * rng.gaussian());
    const pulse = run((t) => 20 * Math.sin(2 * Math.PI * 1.2 * t));
    expect(noise.filter((w) => w.coasting).length / noise.length).toBeGreaterThan(0.8);
    expect(pulse.filter((w) => w.coasting).length).toBe(0);
    for (const w of pulse.slice(2)) expect(Math.abs(w.bpm - 72)).toBeLessThan(1.5);
  });
});
