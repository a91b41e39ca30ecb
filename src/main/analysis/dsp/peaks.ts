/**
 * Peak utilities in the manner of scipy.signal.find_peaks: local maxima (plateaus take their
 * middle), filtered by minimum height and prominence, then thinned so no two are closer than
 * `distance` samples (higher peaks win).
 */

export interface PeakOptions {
  height?: number;
  /** Minimum samples between peaks. */
  distance?: number;
  prominence?: number;
}

export function findPeaks(x: ArrayLike<number>, options: PeakOptions = {}): number[] {
  const n = x.length;
  let peaks: number[] = [];
  let i = 1;
  while (i < n - 1) {
    if (x[i - 1] < x[i]) {
      let ahead = i + 1;
      while (ahead < n - 1 && x[ahead] === x[i]) ahead++;
      if (x[ahead] < x[i]) {
        peaks.push((i + ahead - 1) >> 1);
        i = ahead;
      }
    }
    i++;
  }
  if (options.height !== undefined) peaks = peaks.filter((p) => x[p] >= options.height!);
  if (options.prominence !== undefined) peaks = peaks.filter((p) => prominence(x, p) >= options.prominence!);
  const distance = options.distance ?? 1;
  if (distance > 1 && peaks.length > 1) {
    const keep = new Uint8Array(peaks.length).fill(1);
    const order = peaks.map((_, k) => k).sort((a, b) => x[peaks[b]] - x[peaks[a]]);
    for (const k of order) {
      if (!keep[k]) continue;
      for (let j = k - 1; j >= 0 && peaks[k] - peaks[j] < distance; j--) keep[j] = 0;
      for (let j = k + 1; j < peaks.length && peaks[j] - peaks[k] < distance; j++) keep[j] = 0;
    }
    peaks = peaks.filter((_, k) => keep[k]);
  }
  return peaks;
}

/** A peak's prominence: its height above the higher of the two bases (scipy.signal.peak_prominences, whole signal). */
export function prominence(x: ArrayLike<number>, p: number): number {
  let left = x[p];
  for (let i = p - 1; i >= 0 && x[i] <= x[p]; i--) left = Math.min(left, x[i]);
  let right = x[p];
  for (let i = p + 1; i < x.length && x[i] <= x[p]; i++) right = Math.min(right, x[i]);
  return x[p] - Math.max(left, right);
}
