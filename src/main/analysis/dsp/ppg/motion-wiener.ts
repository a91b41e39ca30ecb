/**
 * Wiener-style suppression of motion in a PPG spectrum, after the Wiener filter stage of WFPV
 * (Temko, "Accurate heart rate monitoring during physical exercises using PPG", IEEE TBME
 * 64(9):2016-2024, 2017): the signal estimate is the PPG power spectrum averaged over recent
 * windows, the noise estimate the accelerometer's (all axes, averaged the same way), both
 * normalised to their maxima, and each bin of the current PPG spectrum is weighted by
 * W = S / (S + gain * N). The running cadence's 2nd harmonic is part of the noise too (the wrist
 * artifact is not sinusoidal): N[k] also holds `harmonic` x N at k / 2. Pure.
 */

/** Divides by the maximum in place (no-op for an all-zero spectrum); returns the maximum. */
export function normalisePeak(p: Float64Array): number {
  let mx = 0;
  for (let k = 0; k < p.length; k++) if (p[k] > mx) mx = p[k];
  if (mx > 0) for (let k = 0; k < p.length; k++) p[k] /= mx;
  return mx;
}

/** Noise spectrum with the 2nd harmonic of every bin added (N'[k] = max(N[k], h * N[k/2])). */
export function withSecondHarmonic(noise: Float64Array, harmonic: number): Float64Array {
  const out = noise.slice();
  for (let k = 2; k < noise.length; k++) out[k] = Math.max(out[k], harmonic * noise[k >> 1]);
  return out;
}

/** The PPG spectrum `p` weighted bin by bin by S / (S + gain * N); S and N peak-normalised. */
export function wienerSuppress(p: Float64Array, signal: Float64Array, noise: Float64Array, gain: number): Float64Array {
  const out = new Float64Array(p.length);
  for (let k = 0; k < p.length; k++) {
    const s = signal[k];
    const d = s + gain * noise[k];
    out[k] = d > 0 ? (p[k] * s) / d : 0;
  }
  return out;
}
