/**
 * SpO2 by the ratio of ratios (Webster, "Design of Pulse Oximeters", 1997; Mendelson 1992):
 * R = (AC_red / DC_red) / (AC_ir / DC_ir), SpO2 = a - b R with a configurable empirical
 * calibration (default a = 110, b = 25, the common linear approximation). AC is the pulse's
 * peak-to-trough amplitude estimated as the 97.5th minus the 2.5th percentile of the band-passed
 * window; DC is the window's mean light level. Perfusion index PI = 100 AC_ir / DC_ir (%).
 */

export interface Spo2Calibration {
  a: number;
  b: number;
}

export const DEFAULT_SPO2_CALIBRATION: Spo2Calibration = { a: 110, b: 25 };

export interface Spo2Estimate {
  ratio: number;
  spo2: number;
  perfusionIndex: number;
}

/** Peak-to-trough amplitude of a band-passed window (robust percentiles). */
export function pulseAmplitude(ac: ArrayLike<number>): number {
  const s = Float64Array.from(ac).sort();
  if (s.length < 2) return 0;
  const lo = s[Math.floor(0.025 * (s.length - 1))];
  const hi = s[Math.ceil(0.975 * (s.length - 1))];
  return hi - lo;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : NaN;
}

/**
 * SpO2 from one window of both wavelengths: band-passed (AC) and low-passed (DC) versions of red
 * and IR. Returns NaN fields when a DC or AC is not positive.
 */
export function ratioOfRatios(
  redAc: ArrayLike<number>,
  redDc: ArrayLike<number>,
  irAc: ArrayLike<number>,
  irDc: ArrayLike<number>,
  calibration: Spo2Calibration = DEFAULT_SPO2_CALIBRATION,
): Spo2Estimate {
  const dcR = Math.abs(mean(redDc));
  const dcI = Math.abs(mean(irDc));
  const acR = pulseAmplitude(redAc);
  const acI = pulseAmplitude(irAc);
  if (!(dcR > 0 && dcI > 0 && acR > 0 && acI > 0)) return { ratio: NaN, spo2: NaN, perfusionIndex: NaN };
  const ratio = acR / dcR / (acI / dcI);
  const spo2 = Math.min(100, calibration.a - calibration.b * ratio);
  return { ratio, spo2, perfusionIndex: (100 * acI) / dcI };
}
