/**
 * Heart-rate variability over NN intervals, per the Task Force of the ESC and NASPE, "Heart rate
 * variability: standards of measurement, physiological interpretation and clinical use",
 * Circulation 93(5):1043-1065, 1996.
 * Time domain: SDNN (sample SD of NN), RMSSD and pNN50 over differences of consecutive NN pairs.
 * Frequency domain: NN series interpolated linearly at 4 Hz, linear trend removed, Welch PSD
 * (Hann, 64 s segments, 50% overlap), LF 0.04-0.15 Hz, HF 0.15-0.4 Hz (ms^2), LF/HF.
 */
import { bandPower, welch } from '../welch';
import type { RrSeries } from './rr-intervals';

export interface HrvTime {
  nn: number;
  meanNnMs: number;
  sdnnMs: number;
  rmssdMs: number;
  pnn50: number;
}

export interface HrvFrequency {
  lfMs2: number;
  hfMs2: number;
  lfHf: number;
}

/** Time-domain HRV of the NN intervals whose time lies in [t0, t1). NaN when fewer than 2 NN. */
export function hrvTime(rr: RrSeries, t0 = -Infinity, t1 = Infinity): HrvTime {
  let count = 0,
    sum = 0,
    sum2 = 0,
    dCount = 0,
    dSum2 = 0,
    over50 = 0;
  for (let i = 0; i < rr.rr.length; i++) {
    if (!rr.nn[i] || rr.t[i] < t0 || rr.t[i] >= t1) continue;
    const ms = rr.rr[i] * 1000;
    count++;
    sum += ms;
    sum2 += ms * ms;
    if (i > 0 && rr.nn[i - 1] && rr.t[i - 1] >= t0) {
      const d = ms - rr.rr[i - 1] * 1000;
      dCount++;
      dSum2 += d * d;
      if (Math.abs(d) > 50) over50++;
    }
  }
  const mean = count ? sum / count : NaN;
  const sdnn = count > 1 ? Math.sqrt(Math.max(0, (sum2 - count * mean * mean) / (count - 1))) : NaN;
  return {
    nn: count,
    meanNnMs: mean,
    sdnnMs: sdnn,
    rmssdMs: dCount ? Math.sqrt(dSum2 / dCount) : NaN,
    pnn50: dCount ? (100 * over50) / dCount : NaN,
  };
}

/** Frequency-domain HRV over [t0, t1); NaN when under 60 s of NN data. */
export function hrvFrequency(rr: RrSeries, t0 = -Infinity, t1 = Infinity, fsInterp = 4): HrvFrequency {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < rr.rr.length; i++) {
    if (rr.nn[i] && rr.t[i] >= t0 && rr.t[i] < t1) {
      ts.push(rr.t[i]);
      vs.push(rr.rr[i] * 1000);
    }
  }
  const nan = { lfMs2: NaN, hfMs2: NaN, lfHf: NaN };
  if (ts.length < 3 || ts[ts.length - 1] - ts[0] < 60) return nan;
  const n = Math.floor((ts[ts.length - 1] - ts[0]) * fsInterp) + 1;
  const x = new Float64Array(n);
  for (let i = 0, j = 0; i < n; i++) {
    const t = ts[0] + i / fsInterp;
    while (j < ts.length - 2 && ts[j + 1] < t) j++;
    const f = (t - ts[j]) / (ts[j + 1] - ts[j]);
    x[i] = vs[j] + Math.min(1, Math.max(0, f)) * (vs[j + 1] - vs[j]);
  }
  detrendLinear(x);
  const psd = welch(x, fsInterp, { nperseg: Math.min(n, 256), nfft: 1024 });
  const lf = bandPower(psd, 0.04, 0.15);
  const hf = bandPower(psd, 0.15, 0.4);
  return { lfMs2: lf, hfMs2: hf, lfHf: hf > 0 ? lf / hf : NaN };
}

function detrendLinear(x: Float64Array): void {
  const n = x.length;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += x[i];
    sxx += i * i;
    sxy += i * x[i];
  }
  const den = n * sxx - sx * sx;
  const b = den ? (n * sxy - sx * sy) / den : 0;
  const a = (sy - b * sx) / n;
  for (let i = 0; i < n; i++) x[i] -= a + b * i;
}
