/**
 * PPG signal-quality index per window: spectral concentration, the share of the 0.5-4 Hz power
 * that lies within +-0.15 Hz of the heart-rate peak and its first harmonic (a spectral SQI in the
 * spirit of Li & Clifford, "Dynamic time warping and machine learning for signal quality
 * assessment of pulsatile signals", Physiol. Meas. 33:1491, 2012, and Elgendi, "Optimal signal
 * quality index for photoplethysmogram signals", Bioengineering 3(4):21, 2016), downgraded when
 * the accelerometer reports motion, and "poor" without perfusion (PI < 0.05%, no skin contact).
 * good: SQI >= 0.5 at rest; fair: SQI >= 0.3 (or good under motion); poor otherwise.
 */

export type QualityClass = 'good' | 'fair' | 'poor';

export interface QualityInput {
  /** Power spectrum bins and their frequencies (Hz). */
  freqs: ArrayLike<number>;
  power: ArrayLike<number>;
  /** The heart-rate frequency, Hz. */
  hrHz: number;
  motion: boolean;
  perfusionIndex: number;
}

export function spectralSqi(freqs: ArrayLike<number>, power: ArrayLike<number>, hrHz: number, halfWidth = 0.15): number {
  let total = 0,
    inPeak = 0;
  for (let k = 0; k < freqs.length; k++) {
    const f = freqs[k];
    if (f < 0.5 || f > 4) continue;
    total += power[k];
    if (Math.abs(f - hrHz) <= halfWidth || Math.abs(f - 2 * hrHz) <= halfWidth) inPeak += power[k];
  }
  return total > 0 ? inPeak / total : 0;
}

export function classifyQuality(q: QualityInput): { sqi: number; quality: QualityClass } {
  const sqi = spectralSqi(q.freqs, q.power, q.hrHz);
  if (Number.isFinite(q.perfusionIndex) && q.perfusionIndex < 0.05) return { sqi, quality: 'poor' };
  let quality: QualityClass = sqi >= 0.5 ? 'good' : sqi >= 0.3 ? 'fair' : 'poor';
  if (q.motion && quality === 'good') quality = 'fair';
  else if (q.motion && quality === 'fair') quality = 'poor';
  return { sqi, quality };
}
