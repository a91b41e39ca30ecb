/**
 * Butterworth IIR design as second-order sections (SOS), following scipy.signal.butter(...,
 * output='sos'): analog prototype poles, frequency transform (low/high/band-pass), bilinear
 * transform with pre-warping, then poles paired in conjugate pairs (the pair nearest the unit
 * circle last). Notch: the second-order IIR notch of scipy.signal.iirnotch (-3 dB bandwidth
 * w0/Q). Coefficients in each row: [b0, b1, b2, 1, a1, a2].
 */

/** Second-order sections, row-major: 6 numbers per section. */
export type Sos = Float64Array;

export type BandType = 'lowpass' | 'highpass' | 'bandpass';

interface Complex {
  re: number;
  im: number;
}

const mul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
const div = (a: Complex, b: Complex): Complex => {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
};
const sqrtC = (a: Complex): Complex => {
  const r = Math.hypot(a.re, a.im);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sign(a.im || 1) * Math.sqrt(Math.max(0, (r - a.re) / 2));
  return { re, im };
};

/**
 * Butterworth filter of the given order. `cutoffHz` is one frequency for low/high-pass, [low, high]
 * for band-pass (the band-pass has 2*order poles, as in scipy).
 */
export function butterworth(order: number, cutoffHz: number | readonly [number, number], fs: number, type: BandType): Sos {
  if (!Number.isInteger(order) || order < 1 || order > 12) throw new RangeError('order must be an integer from 1 to 12');
  const nyq = fs / 2;
  const freqs = typeof cutoffHz === 'number' ? [cutoffHz] : [...cutoffHz];
  if ((type === 'bandpass') !== (freqs.length === 2)) throw new RangeError(`${type} needs ${type === 'bandpass' ? 'two cutoffs' : 'one cutoff'}`);
  for (const f of freqs) if (!(f > 0 && f < nyq)) throw new RangeError(`cutoff ${f} Hz must be inside (0, ${nyq}) Hz`);
  if (freqs.length === 2 && !(freqs[0] < freqs[1])) throw new RangeError('band-pass cutoffs must be increasing');
  // Pre-warp with fs = 2 as scipy does (the result does not depend on this choice).
  const fs2 = 4;
  const warped = freqs.map((f) => fs2 * Math.tan((Math.PI * f) / fs));
  // Analog prototype: poles on the unit circle's left half, gain 1.
  let poles: Complex[] = [];
  for (let k = 0; k < order; k++) {
    const theta = (Math.PI * (2 * k + order + 1)) / (2 * order);
    poles.push({ re: Math.cos(theta), im: Math.sin(theta) });
  }
  let zeros: Complex[] = [];
  let gain = 1;
  if (type === 'lowpass') {
    const wc = warped[0];
    poles = poles.map((p) => ({ re: p.re * wc, im: p.im * wc }));
    gain = wc ** order;
  } else if (type === 'highpass') {
    const wc = warped[0];
    poles = poles.map((p) => div({ re: wc, im: 0 }, p));
    zeros = poles.map(() => ({ re: 0, im: 0 }));
    // gain * prod(-z)/prod(-p) with the prototype's prod(-p) = 1 stays 1.
  } else {
    const bw = warped[1] - warped[0];
    const w0sq = warped[0] * warped[1];
    const out: Complex[] = [];
    for (const p of poles) {
      const half = { re: (p.re * bw) / 2, im: (p.im * bw) / 2 };
      const disc = sqrtC({ re: half.re * half.re - half.im * half.im - w0sq, im: 2 * half.re * half.im });
      out.push({ re: half.re + disc.re, im: half.im + disc.im }, { re: half.re - disc.re, im: half.im - disc.im });
    }
    poles = out;
    zeros = Array.from({ length: order }, () => ({ re: 0, im: 0 }));
    gain = bw ** order;
  }
  // Bilinear transform.
  let num: Complex = { re: 1, im: 0 };
  let den: Complex = { re: 1, im: 0 };
  for (const z of zeros) num = mul(num, { re: fs2 - z.re, im: -z.im });
  for (const p of poles) den = mul(den, { re: fs2 - p.re, im: -p.im });
  gain *= div(num, den).re;
  const zd = zeros.map((z) => div({ re: fs2 + z.re, im: z.im }, { re: fs2 - z.re, im: -z.im }));
  while (zd.length < poles.length) zd.push({ re: -1, im: 0 });
  const pd = poles.map((p) => div({ re: fs2 + p.re, im: p.im }, { re: fs2 - p.re, im: -p.im }));
  return zpkToSos(zd, pd, gain);
}

/** Pairs conjugate poles (and real zeros at +-1) into sections; the overall gain goes to the first. */
function zpkToSos(zeros: Complex[], poles: Complex[], gain: number): Sos {
  const eps = 1e-10;
  const complexPoles = poles.filter((p) => p.im > eps);
  const realPoles = poles.filter((p) => Math.abs(p.im) <= eps).map((p) => p.re);
  // Zeros of Butterworth filters are real (+1 or -1).
  const realZeros = zeros.map((z) => z.re).sort((a, b) => a - b);
  type Section = { poles: [Complex, Complex | null]; dist: number };
  const sections: Section[] = complexPoles.map((p) => ({ poles: [p, p], dist: 1 - Math.hypot(p.re, p.im) }));
  realPoles.sort((a, b) => Math.abs(a) - Math.abs(b));
  for (let i = 0; i < realPoles.length; i += 2) {
    const a = { re: realPoles[i], im: 0 };
    const b = i + 1 < realPoles.length ? { re: realPoles[i + 1], im: 0 } : null;
    sections.push({ poles: [a, b], dist: 1 - Math.max(Math.abs(a.re), b ? Math.abs(b.re) : 0) });
  }
  sections.sort((a, b) => b.dist - a.dist); // farthest from the unit circle first
  const n = sections.length;
  const sos = new Float64Array(6 * n);
  // Hand out zeros as scipy's zpk2sos does: from the section nearest the unit circle backwards,
  // each takes the real zeros nearest its pole.
  const pool = [...realZeros];
  for (let s = n - 1; s >= 0; s--) {
    const [p1, p2] = sections[s].poles;
    let a1: number, a2: number;
    if (p2 === null) {
      a1 = -p1.re;
      a2 = 0;
    } else if (p1.im !== 0) {
      a1 = -2 * p1.re;
      a2 = p1.re * p1.re + p1.im * p1.im;
    } else {
      a1 = -(p1.re + p2.re);
      a2 = p1.re * p2.re;
    }
    const zs: number[] = [];
    for (let k = 0; k < (p2 === null ? 1 : 2) && pool.length > 0; k++) {
      let best = 0;
      for (let j = 1; j < pool.length; j++) {
        if (Math.hypot(pool[j] - p1.re, p1.im) < Math.hypot(pool[best] - p1.re, p1.im)) best = j;
      }
      zs.push(pool.splice(best, 1)[0]);
    }
    let b1 = 0,
      b2 = 0;
    if (zs.length === 1) {
      b1 = -zs[0];
    } else if (zs.length === 2) {
      b1 = -(zs[0] + zs[1]);
      b2 = zs[0] * zs[1];
    }
    const g = s === 0 ? gain : 1;
    sos.set([g, g * b1, g * b2, 1, a1, a2], 6 * s);
  }
  return sos;
}

/** Second-order notch at f0 Hz with quality factor q (scipy.signal.iirnotch), as one section. */
export function notch(f0: number, q: number, fs: number): Sos {
  if (!(f0 > 0 && f0 < fs / 2)) throw new RangeError(`notch frequency ${f0} Hz must be inside (0, ${fs / 2}) Hz`);
  if (!(q > 0)) throw new RangeError('q must be > 0');
  const w0 = (2 * Math.PI * f0) / fs;
  const bw = w0 / q;
  const beta = Math.tan(bw / 2);
  const g = 1 / (1 + beta);
  const c = Math.cos(w0);
  return Float64Array.of(g, -2 * g * c, g, 1, -2 * g * c, 2 * g - 1);
}

/** Complex response magnitude |H(e^{jw})| at f Hz. */
export function sosMagnitude(sos: Sos, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  let mag = 1;
  for (let s = 0; s < sos.length; s += 6) {
    const num = evalQuad(sos[s], sos[s + 1], sos[s + 2], w);
    const den = evalQuad(sos[s + 3], sos[s + 4], sos[s + 5], w);
    mag *= num / den;
  }
  return mag;
}

function evalQuad(c0: number, c1: number, c2: number, w: number): number {
  const re = c0 + c1 * Math.cos(w) + c2 * Math.cos(2 * w);
  const im = -c1 * Math.sin(w) - c2 * Math.sin(2 * w);
  return Math.hypot(re, im);
}
