import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveAnalysis } from '../../src/main/analysis/live-analysis';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { USABLE_LAG_S, unusableInTrack, unusableStretches } from '../../src/shared/ecg-usable';
import type { Chunk, Numeric, StreamInfo } from '../../src/shared/types';
import { findSharedData } from '../helpers/shared-data';

/** Adds seeded QRS-band blobs to x[a, b): Gaussian bumps of 8-25 ms SD, 1-3 mV either way, 2-10 a second (electrode pops, muscle bursts). */
function addBlobs(x: Float64Array, fs: number, a: number, b: number, seed: number): void {
  const rng = new Prng(seed);
  for (let i = a; i < b; i += Math.round((0.1 + 0.4 * rng.next()) * fs)) {
    const w = (0.008 + 0.017 * rng.next()) * fs;
    const amp = (1 + 2 * rng.next()) * (rng.next() < 0.5 ? -1 : 1);
    for (let k = -Math.ceil(4 * w); k <= 4 * w; k++) if (i + k >= a && i + k < b) x[i + k] += amp * Math.exp(-0.5 * (k / w) ** 2);
  }
}

describe('live ECG usability', () => {
  const data = findSharedData(['ecg/mitdb/101.hea', 'ecg/mitdb/101.dat']);

  it.skipIf(!data)('flags a stretch of strong noise in a real ECG (MIT-BIH 101) unusable, one window late, and leaves the clean minutes usable', () => {
    const record = readWfdbRecord(join(data!, 'ecg/mitdb/101.hea')).signals[0];
    const fs = record.fs;
    const x = Float64Array.from(record.data.subarray(0, 180 * fs));
    const [noiseFrom, noiseTo] = [90, 110];
    addBlobs(x, fs, noiseFrom * fs, noiseTo * fs, 5);
    const stream: StreamInfo = { key: 'r/ecg', deviceId: 'r', name: 'ecg', kind: 'ecg', rate: fs, channels: [{ label: 'MLII', unit: 'mV' }] };
    const flags: { t: number; usable: number }[] = [];
    const beats: number[] = [];
    const live = new LiveAnalysis({
      streams: () => {},
      chunk: (c: Chunk) => c.key === 'r/ecg.metrics' && flags.push({ t: c.t0, usable: c.data[3] }),
      event: (e) => e.kind === 'beat' && beats.push(e.t),
    });
    live.setStreams([stream]);
    const T0 = 1_700_000_000;
    const block = Math.round(fs / 4);
    let duringNoise: Numeric[] = [];
    for (let i = 0; i + block <= x.length; i += block) {
      live.push({ key: stream.key, index: i, t0: T0 + i / fs, dt: 1 / fs, n: block, data: Float32Array.from(x.subarray(i, i + block)) });
      // 12 s after the noise began: its first window [90, 95) s was judged at 101 s.
      if (i === 102 * fs) duringNoise = live.numerics(T0 + 102);
    }
    // Each flag judges the ECG USABLE_LAG_S before it; none before a first whole window and its neighbour.
    const about = flags.map((f) => ({ t: f.t - T0 - USABLE_LAG_S, usable: f.usable }));
    expect(about.filter((f) => f.t < 0).every((f) => Number.isNaN(f.usable))).toBe(true);
    const noisy = about.filter((f) => f.t >= noiseFrom && f.t < noiseTo);
    const clean = about.filter((f) => f.t >= 0 && (f.t < noiseFrom - 5 || f.t >= noiseTo + 5));
    expect(noisy.length).toBe(20);
    expect(noisy.filter((f) => f.usable === 0).length).toBeGreaterThanOrEqual(15);
    expect(clean.length).toBeGreaterThan(120);
    expect(clean.every((f) => f.usable === 1)).toBe(true);
    // The beats found in the noise are still sent; the heart rate shown then is marked unusable, saying why.
    expect(beats.filter((t) => t - T0 >= noiseFrom && t - T0 < noiseTo).length).toBeGreaterThan(10);
    const hr = duringNoise.find((n) => n.name === 'hr')!;
    expect(hr.quality).toBe('poor');
    expect(hr.unusable).toMatch(/ECG unusable: noise.*QRS/);
    expect(duringNoise.find((n) => n.name === 'rmssd')!.unusable).toBe(hr.unusable);
    const after = live.numerics(T0 + 179);
    expect(after.every((n) => n.unusable === undefined)).toBe(true);
  });
});

describe('unusable stretches from the recorded flag', () => {
  it('shifts each 0 back by the lag and merges neighbours; NaN and 1 shade nothing', () => {
    const L = USABLE_LAG_S;
    expect(unusableStretches([20, 21, 22, 23, 30, 31], [1, 0, 0, NaN, 0, 1])).toEqual([
      [21 - L, 23 - L],
      [30 - L, 31 - L],
    ]);
    expect(unusableStretches([5, 6], [null, 1])).toEqual([]);
  });

  it('reads a samples track and a zoomed-out min/max track (a column with any 0 counts)', () => {
    const L = USABLE_LAG_S;
    const samples = unusableInTrack({ key: 'm', t0: 0, t1: 40, mode: 'samples', t: [30, 31, 32], values: [[70, 71, 72], [0, 0, 1]] }, 1);
    expect(samples).toEqual([[30 - L, 32 - L]]);
    const columns = unusableInTrack({ key: 'm', t0: 0, t1: 100, mode: 'minmax', columns: 4, level: 1, min: [[0, 0, 0, 0], [1, 0, null, 0]], max: [[1, 1, 1, 1], [1, 1, null, 1]] }, 1);
    expect(columns).toEqual([
      [25 - L, 50 - L],
      [75 - L, 100 - L],
    ]);
  });
});
