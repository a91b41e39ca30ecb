/**
 * Acceleration magnitude, activity intensity and a motion flag. Intensity is ENMO, the Euclidean
 * norm minus one g clipped at zero (van Hees et al., "Separating movement and gravity components
 * in an acceleration signal...", PLoS ONE 8(4):e61691, 2013), averaged per window and banded with
 * the wrist cut-points of Hildebrand et al., Med. Sci. Sports Exerc. 46(9):1816-1824, 2014
 * (sedentary < 45 mg <= light < 100 mg <= moderate < 400 mg <= vigorous). The motion flag (used to
 * grade PPG quality) is set when the magnitude's SD over the window exceeds 0.05 g.
 */

export type Intensity = 'sedentary' | 'light' | 'moderate' | 'vigorous';

export const MOTION_SD_G = 0.05;

/** |a| per sample from three channel-major axes of n samples. */
export function magnitude(data: ArrayLike<number>, n: number, offset = 0, out = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const x = data[offset + i],
      y = data[offset + n + i],
      z = data[offset + 2 * n + i];
    out[i] = Math.sqrt(x * x + y * y + z * z);
  }
  return out;
}

export function intensityForEnmo(enmoG: number): Intensity {
  return enmoG < 0.045 ? 'sedentary' : enmoG < 0.1 ? 'light' : enmoG < 0.4 ? 'moderate' : 'vigorous';
}

/** Window statistics of magnitudes already in g. */
export function windowActivity(magG: ArrayLike<number>): { enmo: number; sd: number; intensity: Intensity; motion: boolean } {
  let s = 0,
    s2 = 0,
    e = 0,
    n = 0;
  for (let i = 0; i < magG.length; i++) {
    const v = magG[i];
    if (v !== v) continue;
    s += v;
    s2 += v * v;
    e += Math.max(0, v - 1);
    n++;
  }
  if (n === 0) return { enmo: NaN, sd: NaN, intensity: 'sedentary', motion: false };
  const mean = s / n;
  const sd = Math.sqrt(Math.max(0, s2 / n - mean * mean));
  const enmo = e / n;
  return { enmo, sd, intensity: intensityForEnmo(enmo), motion: sd > MOTION_SD_G };
}
