/** Turning a PsdResult into chart points. Pure. */
import type { PsdResult } from '../../../shared/api';

export const PSD_SECONDS = [8, 16, 30] as const;
/** Refresh period of an open PSD panel, ms. */
export const PSD_REFRESH_MS = 2000;
/** Default upper frequency of the plot, Hz (physiology lives below it). */
export const PSD_DEFAULT_MAX_HZ = 50;
/** Power floor, so an exact zero does not become -Infinity dB. */
const FLOOR = 1e-30;

export interface PsdPoint {
  /** Hz. */
  f: number;
  /** 10·log10(psd). */
  db: number;
}

/** Upper end of the x axis: Nyquist, capped at 50 Hz unless the full band is asked for. */
export function psdMaxHz(rate: number, fullBand: boolean): number {
  const nyquist = rate > 0 ? rate / 2 : Infinity;
  if (fullBand) return Number.isFinite(nyquist) ? nyquist : PSD_DEFAULT_MAX_HZ;
  return Math.min(nyquist, PSD_DEFAULT_MAX_HZ);
}

/** The points to plot: frequencies 0..maxHz, power in dB; non-finite values dropped. */
export function psdPoints(result: Pick<PsdResult, 'freqs' | 'psd'>, maxHz: number): PsdPoint[] {
  const out: PsdPoint[] = [];
  const n = Math.min(result.freqs.length, result.psd.length);
  for (let i = 0; i < n; i++) {
    const f = result.freqs[i];
    const p = result.psd[i];
    if (!(f <= maxHz) || !Number.isFinite(p) || p < 0) continue;
    out.push({ f, db: 10 * Math.log10(Math.max(p, FLOOR)) });
  }
  return out;
}

/** The y axis label: "Power (dB mV²/Hz)", or "Power (dB/Hz)" for a unitless channel. */
export function psdUnitLabel(unit: string): string {
  return unit ? `Power (dB ${unit}²/Hz)` : 'Power (dB/Hz)';
}
