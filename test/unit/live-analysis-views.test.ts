import { describe, expect, it } from 'vitest';
import { LiveAnalysis } from '../../src/main/analysis/live-analysis';
import type { Chunk, StreamInfo } from '../../src/shared/types';

const board: StreamInfo = {
  key: 'uno/sensor',
  deviceId: 'uno',
  name: 'sensor',
  kind: 'other',
  rate: 200,
  channels: [
    { label: 'a', unit: 'V' },
    { label: 'b', unit: 'V' },
  ],
};

/** One-second chunks: channel a a 5 Hz sine, channel b a 30 Hz sine. */
function chunks(seconds: number): Chunk[] {
  return Array.from({ length: seconds }, (_, k) => {
    const n = board.rate;
    const data = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = (k * n + i) / board.rate;
      data[i] = Math.sin(2 * Math.PI * 5 * t);
      data[n + i] = Math.sin(2 * Math.PI * 30 * t);
    }
    return { key: board.key, index: k * n, t0: k, dt: 1 / board.rate, n, data };
  });
}

const peakHz = (psd: { freqs: ArrayLike<number>; psd: ArrayLike<number> }) => {
  let best = 0;
  for (let k = 1; k < psd.psd.length; k++) if (psd.psd[k] > psd.psd[best]) best = k;
  return psd.freqs[best];
};

describe('live views', () => {
  it('is available for a raw stream the analysis has no pipeline for (a text board), per channel', () => {
    const derived: StreamInfo[][] = [];
    const analysis = new LiveAnalysis({ streams: (s) => derived.push(s), chunk: () => {}, event: () => {} });
    analysis.setStreams([board]);
    expect(derived.flat()).toEqual([]); // nothing derived from an 'other' stream
    expect(() => analysis.psd(board.key, 0, 8)).toThrow(/not enough data yet for a PSD of "uno\/sensor"/);
    for (const c of chunks(10)) analysis.push(c);
    expect(peakHz(analysis.psd(board.key, 0, 8))).toBeCloseTo(5, 0);
    expect(peakHz(analysis.psd(board.key, 1, 8))).toBeCloseTo(30, 0);
    expect(() => analysis.psd(board.key, 2, 8)).toThrow(/has no channel 2/);
    expect(() => analysis.psd('uno/nothing', 0, 8)).toThrow(/no live stream "uno\/nothing"/);
  });

  it("notches 50 and 60 Hz mains hum out of the ECG's filtered view and keeps the QRS band", () => {
    const ecg: StreamInfo = { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate: 500, channels: [{ label: 'I', unit: 'mV' }] };
    const filtered: Chunk[] = [];
    const analysis = new LiveAnalysis({ streams: () => {}, chunk: (c) => filtered.push(c), event: () => {} });
    analysis.setStreams([ecg]);
    const n = 500;
    for (let k = 0; k < 20; k++) {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const t = (k * n + i) / ecg.rate;
        data[i] = Math.sin(2 * Math.PI * 10 * t) + 0.5 * Math.sin(2 * Math.PI * 50 * t) + 0.5 * Math.sin(2 * Math.PI * 60 * t);
      }
      analysis.push({ key: ecg.key, index: k * n, t0: k, dt: 1 / ecg.rate, n, data });
    }
    const view = filtered.filter((c) => c.key === 'b/ecg.filtered');
    expect(view.length).toBe(20);
    // The last 10 s, settled: amplitude of each tone by projection on sine and cosine.
    const y = view.slice(10).flatMap((c) => Array.from(c.data));
    const amplitude = (f: number) => {
      let re = 0;
      let im = 0;
      y.forEach((v, i) => {
        const t = (10 * n + i) / ecg.rate;
        re += v * Math.cos(2 * Math.PI * f * t);
        im += v * Math.sin(2 * Math.PI * f * t);
      });
      return (2 * Math.hypot(re, im)) / y.length;
    };
    expect(amplitude(10)).toBeGreaterThan(0.95);
    expect(amplitude(50)).toBeLessThan(0.005);
    expect(amplitude(60)).toBeLessThan(0.005);
  });
});
