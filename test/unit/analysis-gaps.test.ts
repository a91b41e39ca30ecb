import { describe, expect, it } from 'vitest';
import { LiveAnalysis } from '../../src/main/analysis/live-analysis';
import { EcgPipeline, ImuPipeline, PpgPipeline } from '../../src/main/analysis/pipelines';
import { GapBridge } from '../../src/main/analysis/pipelines/gap-bridge';
import { PhysiologySimulator, Prng } from '../../src/main/devices/simulator/signals';
import type { Chunk, StreamInfo } from '../../src/shared/types';

const FS = 500;
/** The simulator's ECG packets: 10 samples, 50 a second, as the board sends them. */
const PACKET = 10;

/** `seconds` of simulated ECG (seeded heart with respiratory sinus arrhythmia). */
function ecg(seconds: number, seed = 5): Float32Array {
  const sim = new PhysiologySimulator({ ecgRateHz: FS, seed, hrBpm: 70, motionArtifacts: false });
  const x = new Float32Array(seconds * FS);
  sim.nextEcg(x, x.length);
  return x;
}

/** The packets of `x` that a radio losing `lossPct` % of them delivers: [index, samples]. */
function delivered(x: Float32Array, lossPct: number, seed = 9): [number, Float32Array][] {
  const prng = new Prng(seed);
  const out: [number, Float32Array][] = [];
  for (let i = 0; i < x.length; i += PACKET) if (prng.next() * 100 >= lossPct) out.push([i, x.subarray(i, i + PACKET)]);
  return out;
}

/** HRV over the whole record from the ECG pipeline, fed packet by packet with the losses announced. */
function hrvUnderLoss(x: Float32Array, lossPct: number) {
  const seconds = x.length / FS;
  const pipe = new EcgPipeline(FS, { hrvWindowSec: seconds, hrvStepSec: seconds });
  let next = 0;
  let beats = 0;
  for (const [index, packet] of delivered(x, lossPct)) {
    if (index > next) pipe.lost(index - next);
    beats += pipe.push(packet).beats.length;
    next = index + packet.length;
  }
  return { ...pipe.hrvAt(2, seconds), beats };
}

describe('gap bridge', () => {
  it('bridges a short gap with a straight line, keeps stream positions, and forgets nothing it needs', () => {
    const bridge = new GapBridge(100, 1, 60);
    expect(bridge.feed(Float64Array.of(1, 2, 3), 3).n).toBe(3);
    bridge.lost(4);
    const fed = bridge.feed(Float64Array.of(8, 9), 2);
    expect(Array.from(fed.data)).toEqual([3 + 1, 3 + 2, 3 + 3, 3 + 4, 8, 9]);
    expect(bridge.samples).toBe(9);
    expect(bridge.toStream(5)).toBe(5); // a bridge sample sits where the lost one was
    expect(bridge.missing(0, 9)).toBe(4);
    expect(bridge.near(5)).toBe(true);
    expect(bridge.near(3 + 4 + 6)).toBe(false); // past the 50 ms guard (5 samples)
  });

  it('skips the part of a long gap past 2 s, so positions after it are true', () => {
    const bridge = new GapBridge(100, 1, 60);
    bridge.feed(new Float64Array(100), 100);
    bridge.lost(1000); // 10 s: 2 s bridged, 8 s skipped
    const fed = bridge.feed(new Float64Array(50), 50);
    expect(fed.n).toBe(200 + 50);
    expect(bridge.samples).toBe(100 + 1000 + 50);
    expect(bridge.toStream(100 + 200)).toBe(100 + 1000); // the first sample after the gap
    expect(bridge.toStream(50)).toBe(50); // before it, unchanged
    expect(bridge.spans(90, 1101)).toBe(true);
  });

  it('lets a packet-sized gap inside an interval stand, but not one that could hide a beat, nor a dropped detection', () => {
    const bridge = new GapBridge(500, 1, 60);
    bridge.feed(new Float64Array(1000), 1000);
    bridge.lost(10); // 20 ms: narrower than any QRS
    bridge.feed(new Float64Array(1000), 1000);
    expect(bridge.spans(800, 1400)).toBe(false);
    bridge.lost(40); // 80 ms
    bridge.feed(new Float64Array(1000), 1000);
    expect(bridge.spans(1900, 2300)).toBe(true);
    bridge.drop(2800);
    expect(bridge.spans(2600, 3000)).toBe(true);
    expect(bridge.spans(2810, 3000)).toBe(false);
  });

  it('gives the same detector input however the samples between losses are cut into blocks', () => {
    const x = ecg(4);
    const runs = delivered(x, 20); // packets of 10, a fifth of them lost
    const feed = (piece: (packet: Float32Array) => Float32Array[]) => {
      const bridge = new GapBridge(FS, 1, 60);
      const fed: number[] = [];
      let next = 0;
      for (const [index, packet] of runs) {
        if (index > next) bridge.lost(index - next);
        for (const p of piece(packet)) fed.push(...Array.from(bridge.feed(p, p.length).data));
        next = index + packet.length;
      }
      return fed;
    };
    const whole = feed((p) => [p]);
    const split = feed((p) => [p.subarray(0, 3), p.subarray(3, 4), p.subarray(4)]);
    expect(split).toEqual(whole);
    // Every sample from the first delivered packet to the last is fed: real ones and the bridges.
    expect(whole.length).toBe(runs[runs.length - 1][0] + PACKET - runs[0][0]);
  });
});

describe('HRV and HR under packet loss', () => {
  // Ten minutes of one simulated heart: at 5% loss (2.5 lost packets a second) enough intervals stay whole.
  const x = ecg(600);
  const clean = hrvUnderLoss(x, 0);

  for (const loss of [1, 5]) {
    it(`agree within a few percent at ${loss}% loss with the same heart at 0%`, () => {
      const lossy = hrvUnderLoss(x, loss);
      expect(lossy.nn).toBeGreaterThan(clean.nn * (loss === 1 ? 0.8 : 0.4));
      expect(Math.abs(lossy.meanNnMs / clean.meanNnMs - 1)).toBeLessThan(0.01);
      expect(Math.abs(lossy.sdnnMs / clean.sdnnMs - 1)).toBeLessThan(0.03);
      expect(Math.abs(lossy.rmssdMs / clean.rmssdMs - 1)).toBeLessThan(0.05);
      expect(lossy.missing).toBeCloseTo(loss / 100, 2);
    });
  }

  it('reads the same RMSSD live at 2% loss as without loss (the live path announces index jumps)', () => {
    const info: StreamInfo = { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate: FS, channels: [{ label: 'ECG', unit: 'mV' }] };
    const liveRmssd = (lossPct: number) => {
      const metrics: Chunk[] = [];
      const live = new LiveAnalysis({ streams: () => {}, chunk: (c) => c.key === 'b/ecg.metrics' && metrics.push(c), event: () => {} });
      live.setStreams([info]);
      for (const [index, packet] of delivered(x.subarray(0, 120 * FS), lossPct)) {
        live.push({ key: info.key, index, t0: index / FS, dt: 1 / FS, n: packet.length, data: packet });
      }
      const last = metrics[metrics.length - 1].data;
      return { rmssd: last[1], lost: last[2] };
    };
    const reference = liveRmssd(0);
    const lossy = liveRmssd(2);
    // Back to back, every lost packet shortened one interval by 20 ms: RMSSD read 22% high.
    expect(Math.abs(lossy.rmssd / reference.rmssd - 1)).toBeLessThan(0.05);
    expect(reference.lost).toBe(0);
    expect(lossy.lost).toBeGreaterThan(0.5);
    expect(lossy.lost).toBeLessThan(4);
  });
});

describe('PPG and IMU windows under loss', () => {
  it('say how much of each window was lost and keep peaks and windows on the true timeline', () => {
    const fs = 100;
    const sim = new PhysiologySimulator({ ppgRateHz: fs, seed: 3, hrBpm: 72, motionArtifacts: false });
    const seconds = 60;
    const ppg = new Float32Array(2 * seconds * fs);
    sim.nextPpg(ppg, seconds * fs, 0, seconds * fs);
    const run = (lossPct: number) => {
      const pipe = new PpgPipeline(fs, { labels: ['red', 'ir'] });
      const prng = new Prng(4);
      const beats: number[] = [];
      const windows: { t1: number; missing: number; bpm: number }[] = [];
      let next = 0;
      for (let i = 0; i < seconds * fs; i += 2) {
        if (prng.next() * 100 < lossPct) continue;
        if (i > next) pipe.lost(i - next);
        const block = Float32Array.of(ppg[i], ppg[i + 1], ppg[seconds * fs + i], ppg[seconds * fs + i + 1]);
        const u = pipe.push(block, 2);
        beats.push(...u.beats);
        windows.push(...u.windows);
        next = i + 2;
      }
      return { beats, windows };
    };
    const clean = run(0);
    const lossy = run(5);
    expect(lossy.windows.length).toBe(clean.windows.length);
    lossy.windows.forEach((w, k) => expect(w.t1).toBeCloseTo(clean.windows[k].t1, 1));
    const meanMissing = lossy.windows.reduce((s, w) => s + w.missing, 0) / lossy.windows.length;
    expect(meanMissing).toBeGreaterThan(0.03);
    expect(meanMissing).toBeLessThan(0.07);
    expect(clean.windows.every((w) => w.missing === 0)).toBe(true);
    // Every peak found under loss is one of the clean run's peaks (within 20 ms), none moved by the gaps.
    const matched = lossy.beats.filter((b) => clean.beats.some((c) => Math.abs(c - b) <= 2)).length;
    expect(matched / lossy.beats.length).toBeGreaterThan(0.97);
    // 2.5 lost packets a second: peaks within 50 ms of one are dropped, about a quarter of them.
    expect(lossy.beats.length / clean.beats.length).toBeGreaterThan(0.6);
  });

  it('count cadence over the data a window holds: short gaps keep their steps, long ones are left out', () => {
    const fs = 100;
    const seconds = 60;
    // Walking at 2 steps/s: vertical acceleration 1 g + 0.3 g at 2 Hz, in packets of `size` samples.
    const block = (i0: number, n: number) => {
      const d = new Float64Array(6 * n);
      for (let i = 0; i < n; i++) d[2 * n + i] = 1 + 0.3 * Math.sin((2 * Math.PI * 2 * (i0 + i)) / fs);
      return d;
    };
    const run = (lossPct: number, size: number) => {
      const pipe = new ImuPipeline(fs);
      const prng = new Prng(8);
      const windows: { cadence: number; missing: number }[] = [];
      let next = 0;
      for (let i = 0; i < seconds * fs; i += size) {
        if (prng.next() * 100 < lossPct) continue;
        if (i > next) pipe.lost(i - next);
        windows.push(...pipe.push(block(i, size), size).windows);
        next = i + size;
      }
      return windows.slice(2); // after the detector's first run of steps
    };
    const median = (a: number[]) => a.slice().sort((p, q) => p - q)[a.length >> 1];
    expect(median(run(0, 2).map((w) => w.cadence))).toBeCloseTo(120, 0);
    for (const size of [2, 50]) {
      // 20 ms packets (the board's) and 0.5 s ones, 10% of them lost.
      const lossy = run(10, size);
      expect(median(lossy.map((w) => w.missing))).toBeGreaterThan(0.05);
      const cadence = median(lossy.map((w) => w.cadence));
      expect(cadence).toBeGreaterThan(112);
      expect(cadence).toBeLessThan(128);
    }
  });
});
