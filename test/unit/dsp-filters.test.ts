import { describe, expect, it } from 'vitest';
import { butterworth, notch, sosMagnitude } from '../../src/main/analysis/dsp/filters/butterworth';
import { SosFilter, sosfilt, sosfiltfilt } from '../../src/main/analysis/dsp/filters/sos-filter';
import { resamplePoly, resampleTo } from '../../src/main/analysis/dsp/resample';
import { bandPower, welch } from '../../src/main/analysis/dsp/welch';
import { findPeaks } from '../../src/main/analysis/dsp/peaks';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-9) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
};

describe('Butterworth SOS design matches scipy', () => {
  it('low-pass: scipy.signal.butter(4, 40, fs=360, output="sos")', () => {
    close(butterworth(4, 40, 360, 'lowpass'), [0.006890401067, 0.013780802134, 0.006890401067, 1, -0.961245344414, 0.254816679434, 1, 2, 1, 1, -1.229621470847, 0.605156831163]);
  });
  it('band-pass: scipy.signal.butter(2, [5, 15], "bandpass", fs=360, output="sos")', () => {
    close(butterworth(2, [5, 15], 360, 'bandpass'), [0.006765413257, 0.013530826514, 0.006765413257, 1, -1.791933833153, 0.841222057608, 1, -2, 1, 1, -1.91937261708, 0.928744645206]);
  });
  it('odd-order high-pass: scipy.signal.butter(3, 0.5, "highpass", fs=360, output="sos")', () => {
    close(butterworth(3, 0.5, 360, 'highpass'), [0.991311292946, -0.991311292946, 0, 1, -0.991311210595, 0, 1, -2, 1, 1, -1.991235552262, 0.991311375298]);
  });
  it('notch: scipy.signal.iirnotch(50, 30, fs=500) (b then a)', () => {
    close(notch(50, 30, 500), [0.989636175363, -1.601264968234, 0.989636175363, 1, -1.601264968234, 0.979272350726]);
  });
  it('responses: -3 dB at the cutoff, unity in band, deep notch', () => {
    const lp = butterworth(4, 40, 360, 'lowpass');
    expect(sosMagnitude(lp, 40, 360)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(sosMagnitude(lp, 1, 360)).toBeCloseTo(1, 6);
    const bp = butterworth(2, [5, 15], 360, 'bandpass');
    expect(sosMagnitude(bp, 5, 360)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(sosMagnitude(bp, 15, 360)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(sosMagnitude(notch(60, 30, 500), 60, 500)).toBeLessThan(1e-9);
    expect(sosMagnitude(notch(60, 30, 500), 10, 500)).toBeGreaterThan(0.99);
  });
  it('rejects bad parameters', () => {
    expect(() => butterworth(2, 200, 360, 'lowpass')).toThrow(/cutoff/);
    expect(() => butterworth(2, [15, 5], 360, 'bandpass')).toThrow(/increasing/);
  });
});

describe('SOS filtering', () => {
  const x = Array.from({ length: 50 }, (_, i) => Math.sin(i * 0.3) + 0.1 * i);
  it('sosfiltfilt matches scipy.signal.sosfiltfilt(butter(2, [5, 15], "bandpass", fs=360, output="sos"), x)', () => {
    const y = sosfiltfilt(butterworth(2, [5, 15], 360, 'bandpass'), x);
    close([y[0], y[10], y[25], y[49]], [-0.063566308169, 0.259690766657, 0.567147722252, -0.078781412147], 1e-9);
  });
  it('streaming in blocks equals one block', () => {
    const sos = butterworth(4, [1, 30], 250, 'bandpass');
    const sig = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.1) + Math.cos(i * 0.77) + (i % 37) / 10);
    const whole = sosfilt(sos, sig);
    const f = new SosFilter(sos);
    const parts: number[] = [];
    for (let i = 0; i < sig.length; i += 37) parts.push(...f.process(sig.slice(i, i + 37)));
    close(parts, Array.from(whole), 1e-12);
  });
  it('zero-phase filtering does not delay a tone', () => {
    const fs = 250;
    const sig = Array.from({ length: 2500 }, (_, i) => Math.sin((2 * Math.PI * 3 * i) / fs));
    const y = sosfiltfilt(butterworth(2, [2, 10], fs, 'bandpass'), sig);
    const p1 = findPeaks(sig.slice(1000, 1500));
    const p2 = findPeaks(Array.from(y.slice(1000, 1500)));
    expect(p2.length).toBe(p1.length);
    p1.forEach((p, k) => expect(Math.abs(p2[k] - p)).toBeLessThanOrEqual(1));
    const causal = sosfilt(butterworth(2, [2, 10], fs, 'bandpass'), sig);
    expect(Math.abs(findPeaks(Array.from(causal.slice(1000, 1500)))[0] - p1[0])).toBeGreaterThan(2);
  });
});

describe('resampling', () => {
  it('matches scipy.signal.resample_poly(np.arange(20.0), 3, 2)', () => {
    const y = resamplePoly(Array.from({ length: 20 }, (_, i) => i), 3, 2);
    expect(y.length).toBe(30);
    close([y[0], y[5], y[10], y[29]], [6.851167866916e-18, 3.345737570474, 6.657987338465, 13.23510023474], 1e-6);
  });
  it('keeps a sine frequency and amplitude (250 -> 100 Hz)', () => {
    const fs = 250;
    const x = Array.from({ length: 5000 }, (_, i) => 2 * Math.sin((2 * Math.PI * 7 * i) / fs));
    const y = resampleTo(x, fs, 100);
    expect(y.length).toBe(2000);
    const mid = Array.from(y.slice(200, 1800));
    expect(Math.max(...mid)).toBeCloseTo(2, 1);
    const p = welch(mid, 100, { nperseg: 512, nfft: 4096 });
    let k = 0;
    for (let i = 1; i < p.psd.length; i++) if (p.psd[i] > p.psd[k]) k = i;
    expect(p.freqs[k]).toBeCloseTo(7, 1);
  });
});

describe('Welch PSD', () => {
  it('finds a tone and its power (A^2/2)', () => {
    const fs = 100;
    const x = Array.from({ length: 10000 }, (_, i) => 3 * Math.sin((2 * Math.PI * 12.5 * i) / fs) + 0.5);
    const p = welch(x, fs, { nperseg: 256 });
    let k = 0;
    for (let i = 1; i < p.psd.length; i++) if (p.psd[i] > p.psd[k]) k = i;
    expect(p.freqs[k]).toBeCloseTo(12.5, 1);
    expect(bandPower(p, 11, 14)).toBeCloseTo(4.5, 1);
  });
});

describe('peaks', () => {
  it('finds maxima with height and distance like scipy.signal.find_peaks', () => {
    const x = [0, 1, 0, 2, 0, 5, 4, 5, 0, 1, 1, 0];
    expect(findPeaks(x)).toEqual([1, 3, 5, 7, 9]);
    expect(findPeaks(x, { height: 2 })).toEqual([3, 5, 7]);
    expect(findPeaks(x, { distance: 3 })).toEqual([1, 5, 9]);
  });
});
