import { describe, expect, it } from 'vitest';
import { beatsInUsable, ecgUsability } from '../../src/main/analysis/dsp/ecg/ecg-usability';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';

const FS = 360;
/** Narrow Gaussian "QRS" spikes every rr seconds. */
function ecg(seconds: number, rr: number): Float64Array {
  const x = new Float64Array(seconds * FS);
  for (let t = 0.5; t < seconds; t += rr) for (let i = -20; i <= 20; i++) { const k = Math.round(t * FS) + i; if (k >= 0 && k < x.length) x[k] += Math.exp(-((i / 4) ** 2)); }
  return x;
}

describe('ECG usability', () => {
  it('keeps clean beats usable', () => {
    const x = ecg(60, 0.8);
    const res = analyzeEcg({ label: 'ecg', unit: 'mV', fs: FS, data: x });
    expect(res.quality.usable.every(Boolean)).toBe(true);
    expect(res.beats.length).toBeGreaterThanOrEqual(72);
  });

  it('drops only the beats inside unusable windows', () => {
    const beats = [100, 2000, 3000, 5000];
    const windows = ecgUsability(ecg(20, 0.8), FS, beats);
    const marked = windows.map((w, k) => ({ ...w, usable: k !== 1 }));
    expect(beatsInUsable(beats, marked)).toEqual(beats.filter((b) => b < marked[1].start || b >= marked[1].end));
  });
});
