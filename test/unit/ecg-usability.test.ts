import { describe, expect, it } from 'vitest';
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
});
