/**
 * Polyphase rational resampling by up/down, as scipy.signal.resample_poly with its defaults:
 * a Kaiser-windowed (beta 5) sinc low-pass of 20*max(up,down)+1 taps cut at the lower Nyquist,
 * applied without delay (zero padding at the ends). Only the taps that meet an input sample are
 * computed (the polyphase idea; Crochiere & Rabiner 1983).
 */

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1,
    term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Windowed-sinc low-pass (scipy.signal.firwin(n, cutoff, window=('kaiser', beta))), cutoff as a fraction of Nyquist. */
export function firLowpass(taps: number, cutoff: number, beta = 5): Float64Array {
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  const i0b = besselI0(beta);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const m = i - mid;
    const x = cutoff * m;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = (2 * i) / (taps - 1) - 1;
    const win = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
    h[i] = cutoff * sinc * win;
    sum += h[i];
  }
  for (let i = 0; i < taps; i++) h[i] /= sum;
  return h;
}

/** Resamples x by up/down; output length ceil(n * up / down). */
export function resamplePoly(x: ArrayLike<number>, up: number, down: number): Float64Array {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1) throw new RangeError('up and down must be positive integers');
  const g = gcd(up, down);
  up /= g;
  down /= g;
  const n = x.length;
  const outLen = Math.ceil((n * up) / down);
  if (up === 1 && down === 1) return Float64Array.from(x);
  const maxRate = Math.max(up, down);
  const half = 10 * maxRate;
  const h = firLowpass(2 * half + 1, 1 / maxRate);
  for (let i = 0; i < h.length; i++) h[i] *= up;
  const y = new Float64Array(outLen);
  for (let m = 0; m < outLen; m++) {
    const t = m * down + half;
    const nLo = Math.max(0, Math.ceil((t - 2 * half) / up));
    const nHi = Math.min(n - 1, Math.floor(t / up));
    let acc = 0;
    for (let k = nLo; k <= nHi; k++) acc += x[k] * h[t - k * up];
    y[m] = acc;
  }
  return y;
}

/** Resamples from fsIn to fsOut (rounded to a rational with denominator <= 1000). */
export function resampleTo(x: ArrayLike<number>, fsIn: number, fsOut: number): Float64Array {
  const ratio = fsOut / fsIn;
  let best = { up: 1, down: 1, err: Infinity };
  for (let down = 1; down <= 1000; down++) {
    const up = Math.round(ratio * down);
    if (up < 1) continue;
    const err = Math.abs(up / down - ratio);
    if (err < best.err - 1e-12) best = { up, down, err };
    if (err < 1e-9) break;
  }
  return resamplePoly(x, best.up, best.down);
}
