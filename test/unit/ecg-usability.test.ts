import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractNstdbNoise, NSTDB_NOISE_FILES } from '../../bench/eval/nstdb-noise';
import { leadOf } from '../../bench/eval/qrs-mitdb';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { findSharedData } from '../helpers/shared-data';

const FS = 360;
/** Narrow Gaussian "QRS" spikes every rr seconds. */
function ecg(seconds: number, rr: number): Float64Array {
  const x = new Float64Array(seconds * FS);
  for (let t = 0.5; t < seconds; t += rr) for (let i = -20; i <= 20; i++) { const k = Math.round(t * FS) + i; if (k >= 0 && k < x.length) x[k] += Math.exp(-((i / 4) ** 2)); }
  return x;
}

/** A paced rhythm: a pacing spike (1 sample) 40 ms before a wide (~120 ms) ventricular complex every rr seconds. */
function paced(seconds: number, rr: number): Float64Array {
  const x = new Float64Array(seconds * FS);
  for (let t = 0.5; t < seconds; t += rr) {
    const c = Math.round(t * FS);
    if (c - 14 >= 0) x[c - 14] += 1.5;
    for (let i = -45; i <= 45; i++) if (c + i >= 0 && c + i < x.length) x[c + i] += -(i / 12) * Math.exp(-((i / 12) ** 2) / 2);
  }
  return x;
}

/** Seeded (xorshift) uniform numbers in [0, 1). */
function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

/** Seeded Gaussian white noise (Box-Muller). */
function gaussian(n: number, seed: number): Float64Array {
  const u = uniform(seed);
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}

/** Seeded pink (1/f) noise: a sum of first-order low-passes an octave or so apart (Voss-McCartney style). */
function pink(n: number, seed: number): Float64Array {
  const g = gaussian(n, seed);
  const poles = [0.9999, 0.999, 0.99, 0.9, 0.5];
  const state = poles.map(() => 0);
  return g.map((e) => poles.reduce((sum, p, k) => sum + (state[k] = p * state[k] + Math.sqrt(1 - p * p) * e), 0));
}

/** Seeded (xorshift) Gaussian-ish noise, low-passed so it moves like electrode motion and muscle. */
function noise(n: number, rms: number, seed = 7): Float64Array {
  const u = uniform(seed);
  const x = new Float64Array(n);
  let y = 0;
  for (let i = 0; i < n; i++) {
    y = 0.8 * y + (u() + u() + u() - 1.5);
    x[i] = y;
  }
  let e = 0;
  for (const v of x) e += v * v;
  const g = rms / Math.sqrt(e / n);
  return x.map((v) => v * g);
}

const analyze = (data: Float64Array) => analyzeEcg({ label: 'ecg', unit: 'mV', fs: FS, data });

describe('ECG usability', () => {
  it('keeps clean beats usable', () => {
    const res = analyze(ecg(60, 0.8));
    expect(res.quality.usable.every(Boolean)).toBe(true);
    expect(res.beats.length).toBeGreaterThanOrEqual(72);
  });

  it('keeps a paced rhythm usable', () => {
    const res = analyze(paced(60, 0.75));
    expect(res.quality.usable.every(Boolean)).toBe(true);
    expect(res.beats.length).toBeGreaterThanOrEqual(78);
  });

  it('flags a noisy stretch unusable, keeps the clean stretches around it usable, withholds its beats and takes no heart rate from it', () => {
    const x = ecg(120, 0.8);
    const n = noise(40 * FS, 0.45, 11);
    for (let i = 0; i < n.length; i++) x[40 * FS + i] += n[i];
    const res = analyze(x);
    const usableAt = (t: number) => res.quality.usable[Math.floor(t / res.quality.windowSec)];
    expect([0, 10, 20, 30, 85, 100, 115].every(usableAt)).toBe(true);
    expect(res.quality.unusableSec).toBeGreaterThanOrEqual(20);
    // The clean minutes keep their beats; what was detected in flagged windows is withheld, not lost.
    expect(res.beats.filter((b) => b < 40 * FS).length).toBeGreaterThanOrEqual(48);
    expect(res.withheld.length).toBeGreaterThan(0);
    for (const b of res.beats) expect(usableAt(b / FS)).toBe(true);
    for (const b of res.withheld) expect(usableAt(b / FS)).toBe(false);
    expect(res.hr.t.length).toBeGreaterThan(80);
    for (const t of res.hr.t) expect(usableAt(t!)).toBe(true);
  });
});

/** All of it flagged: no window usable and no beat reported, the detections withheld. */
function expectAllUnusable(res: ReturnType<typeof analyze>): void {
  expect(res.quality.usable.some(Boolean)).toBe(false);
  expect(res.beats).toEqual([]);
  expect(res.withheld.length).toBeGreaterThan(0);
  expect(res.hr.t).toEqual([]);
}

describe('ECG usability on pure noise (no ECG at all)', () => {
  it('flags Gaussian white noise as unusable throughout', () => {
    expectAllUnusable(analyze(gaussian(120 * FS, 3)));
  });

  it('flags pink noise as unusable throughout', () => {
    expectAllUnusable(analyze(pink(120 * FS, 5)));
  });

  it('still reports the beats of a clean synthetic rhythm and of a paced one', () => {
    for (const x of [ecg(120, 0.8), paced(120, 0.75)]) {
      const res = analyze(x);
      expect(res.withheld).toEqual([]);
      expect(res.beats.length).toBeGreaterThan(140);
    }
  });
});

const DATA = findSharedData([...NSTDB_NOISE_FILES, ...['hea', 'dat', 'atr'].map((ext) => `ecg/mitdb/100.${ext}`)]);

describe.skipIf(!DATA)('ECG usability on real recordings (../shared/data)', () => {
  const data = DATA!;
  it("flags the NSTDB's electrode-motion noise alone (from the 118e12 excerpt) as unusable throughout", () => {
    const n = extractNstdbNoise(data);
    expectAllUnusable(analyzeEcg({ label: 'em', unit: 'mV', fs: n.fs, data: n.noise }));
  });

  it('leaves clean MIT-BIH 100 usable with all its beats', () => {
    const res = analyzeEcg(leadOf(readWfdbRecord(join(data, 'ecg/mitdb/100.hea'))));
    expect(res.quality.unusableSec).toBe(0);
    expect(res.withheld).toEqual([]);
    expect(res.beats.length).toBeGreaterThan(2260);
  });
});
