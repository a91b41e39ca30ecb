/**
 * Filtering with second-order sections, transposed direct form II (as scipy.signal.sosfilt):
 * a streaming `SosFilter` that keeps its state between blocks, a one-shot `sosfilt`, and
 * zero-phase `sosfiltfilt` (forward-backward with odd extension and steady-state initial
 * conditions, as scipy.signal.sosfiltfilt).
 */
import type { Sos } from './butterworth';

export class SosFilter {
  private readonly sos: Float64Array;
  private readonly state: Float64Array;
  private readonly sections: number;

  constructor(sos: Sos) {
    if (sos.length === 0 || sos.length % 6 !== 0) throw new RangeError('sos must hold 6 numbers per section');
    this.sos = Float64Array.from(sos);
    for (let s = 0; s < this.sos.length; s += 6) {
      const a0 = this.sos[s + 3];
      if (a0 !== 1) for (let k = 0; k < 6; k++) this.sos[s + k] /= a0;
    }
    this.sections = sos.length / 6;
    this.state = new Float64Array(2 * this.sections);
  }

  /** Filters one sample. */
  step(x: number): number {
    const c = this.sos;
    const z = this.state;
    let v = x;
    for (let s = 0, j = 0; s < this.sections; s++, j += 6) {
      const zi = 2 * s;
      const y = c[j] * v + z[zi];
      z[zi] = c[j + 1] * v - c[j + 4] * y + z[zi + 1];
      z[zi + 1] = c[j + 2] * v - c[j + 5] * y;
      v = y;
    }
    return v;
  }

  /** Filters a block; `out` may be `input` (in place). */
  process(input: ArrayLike<number>, out: Float64Array | Float32Array = new Float64Array(input.length)): Float64Array | Float32Array {
    for (let i = 0; i < input.length; i++) out[i] = this.step(input[i]);
    return out;
  }

  /** Sets the state to the steady state for a constant input x0 (scipy.signal.sosfilt_zi * x0). */
  settle(x0: number): void {
    let scale = x0;
    for (let s = 0; s < this.sections; s++) {
      const j = 6 * s;
      const [b0, b1, b2, , a1, a2] = this.sos.subarray(j, j + 6);
      const h = (b0 + b1 + b2) / (1 + a1 + a2);
      const z2 = b2 - a2 * h;
      this.state[2 * s] = scale * (b1 - a1 * h + z2);
      this.state[2 * s + 1] = scale * z2;
      scale *= h;
    }
  }

  reset(): void {
    this.state.fill(0);
  }
}

/** One-shot causal filtering from zero state. */
export function sosfilt(sos: Sos, x: ArrayLike<number>): Float64Array {
  return new SosFilter(sos).process(x) as Float64Array;
}

/** scipy's default pad length for sosfiltfilt. */
function padLength(sos: Sos): number {
  const n = sos.length / 6;
  let zb = 0,
    za = 0;
  for (let s = 0; s < n; s++) {
    if (sos[6 * s + 2] === 0) zb++;
    if (sos[6 * s + 5] === 0) za++;
  }
  return 3 * (2 * n + 1 - Math.min(zb, za));
}

/** A copy with NaN (a recording gap) as 0: forward-backward filtering cannot skip samples. */
export function gapsAsZero(signal: ArrayLike<number>): Float64Array {
  const out = new Float64Array(signal.length);
  for (let i = 0; i < signal.length; i++) out[i] = signal[i] === signal[i] ? signal[i] : 0;
  return out;
}

/** Zero-phase forward-backward filtering (scipy.signal.sosfiltfilt, padtype 'odd'). */
export function sosfiltfilt(sos: Sos, x: ArrayLike<number>): Float64Array {
  const n = x.length;
  if (n === 0) return new Float64Array(0);
  const pad = Math.min(padLength(sos), n - 1);
  const m = n + 2 * pad;
  const ext = new Float64Array(m);
  for (let i = 0; i < pad; i++) ext[i] = 2 * x[0] - x[pad - i];
  for (let i = 0; i < n; i++) ext[pad + i] = x[i];
  for (let i = 0; i < pad; i++) ext[pad + n + i] = 2 * x[n - 1] - x[n - 2 - i];
  const f = new SosFilter(sos);
  f.settle(ext[0]);
  f.process(ext, ext);
  ext.reverse();
  f.settle(ext[0]);
  f.process(ext, ext);
  ext.reverse();
  return ext.slice(pad, pad + n);
}
