/**
 * Which way up a PPG is. Volume-polarity signals (a monitor's PLETH, most datasets) rise fast at
 * systole and fall slowly; raw light-intensity counts from a sensor are the mirror image. So the
 * slope of the pulse band (0.5-8 Hz, zero-phase) is skewed: strongly positive for volume
 * polarity (fast upstroke), negative for intensity (the asymmetry described by Elgendi, "On the
 * analysis of fingertip photoplethysmogram signals", Curr Cardiol Rev 8(1), 2012).
 * Measured on 10-30 s stretches: PhysioNet PLETH (BIDMC, Challenge 2015) +0.9..+1.4; SPC2015
 * wrist PPG at rest +0.3..+1.3; the simulator's intensity counts at rest -1.3. Under motion all
 * of them sit near 0, which is why a weak skew decides nothing.
 */
import { butterworth } from '../filters/butterworth';
import { gapsAsZero, sosfiltfilt } from '../filters/sos-filter';

export type PpgPolarity = 'volume' | 'intensity';

/** |skew| below this leaves the polarity undecided. */
const DECISIVE_SKEW = 0.3;

export function ppgPolarity(signal: ArrayLike<number>, fs: number): { polarity: PpgPolarity | null; skew: number } {
  if (signal.length < fs * 4) return { polarity: null, skew: NaN };
  const y = sosfiltfilt(butterworth(2, [0.5, Math.min(8, fs * 0.45)], fs, 'bandpass'), gapsAsZero(signal));
  const n = y.length - 1;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i + 1] - y[i];
  mean /= n;
  let m2 = 0,
    m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i + 1] - y[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const skew = m2 > 0 ? m3 / n / (m2 / n) ** 1.5 : NaN;
  const polarity = skew > DECISIVE_SKEW ? 'volume' : skew < -DECISIVE_SKEW ? 'intensity' : null;
  return { polarity, skew };
}
