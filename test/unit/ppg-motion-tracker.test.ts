import { describe, expect, it } from 'vitest';
import { wienerSuppress, withSecondHarmonic } from '../../src/main/analysis/dsp/ppg/motion-wiener';
import { OnlineViterbi } from '../../src/main/analysis/dsp/ppg/online-viterbi';
import { PpgHrTracker } from '../../src/main/analysis/dsp/ppg/ppg-hr-tracker';
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
