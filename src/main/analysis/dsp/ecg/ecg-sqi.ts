/**
 * kSQI, the kurtosis signal-quality index of an ECG stretch (Li, Mark & Clifford, "Robust heart
 * rate estimation from multiple asynchronous noisy sources using signal quality indices and a
 * Kalman filter", Physiol. Meas. 29(1):15-32, 2008; Clifford et al., Physiol. Meas. 33(9), 2012):
 * a clean ECG is peaky (sharp QRS on a flat baseline), kurtosis well above 5; noise, motion and
 * baseline wander bring it towards 3 (Gaussian) or below. The mean of each stretch is removed
 * first; NaN samples (gaps) are left out.
 */

/** Kurtosis (Pearson's, not excess: 3 for Gaussian noise) of `x` in [from, to), or null with fewer than half of it finite or a flat stretch. */
export function kurtosisSqi(x: ArrayLike<number>, from: number, to: number): number | null {
  let n = 0;
  let sum = 0;
  for (let i = from; i < to; i++) {
    if (x[i] !== x[i]) continue;
    n++;
    sum += x[i];
  }
  if (n < (to - from) / 2 || n < 4) return null;
  const mean = sum / n;
  let m2 = 0;
  let m4 = 0;
  for (let i = from; i < to; i++) {
    if (x[i] !== x[i]) continue;
    const d2 = (x[i] - mean) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  return m2 > 0 ? m4 / (m2 * m2) : null;
}

/** kSQI of consecutive windows of `windowSamples` (the last one shorter), as an evaluation slices by. */
export function windowedKurtosisSqi(x: ArrayLike<number>, windowSamples: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let from = 0; from < x.length; from += windowSamples) out.push(kurtosisSqi(x, from, Math.min(x.length, from + windowSamples)));
  return out;
}
