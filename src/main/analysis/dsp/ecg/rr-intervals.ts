/**
 * RR series with ectopic/artifact rejection: an interval is NN (kept) when it lies in
 * [0.25, 2.0] s and within 20% of the median of its neighbours (the "20% rule", Kamath & Fallen,
 * "Correction of the heart rate variability signal for ectopics and missing beats", in Malik &
 * Camm (eds.), Heart Rate Variability, 1995). Intervals are timed at their ending beat.
 */

export interface RrSeries {
  /** Time of each interval's ending beat, s. */
  t: Float64Array;
  /** Interval, s. */
  rr: Float64Array;
  /** 1 when the interval is accepted as normal-to-normal. */
  nn: Uint8Array;
}

export const RR_MIN_SEC = 0.25;
export const RR_MAX_SEC = 2.0;

export function rrSeries(beatTimes: ArrayLike<number>, neighbours = 5, tolerance = 0.2): RrSeries {
  const n = Math.max(0, beatTimes.length - 1);
  const t = new Float64Array(n);
  const rr = new Float64Array(n);
  const nn = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = beatTimes[i + 1];
    rr[i] = beatTimes[i + 1] - beatTimes[i];
  }
  const buf: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rr[i] < RR_MIN_SEC || rr[i] > RR_MAX_SEC) continue;
    buf.length = 0;
    for (let j = Math.max(0, i - neighbours); j <= Math.min(n - 1, i + neighbours); j++) {
      if (j !== i && rr[j] >= RR_MIN_SEC && rr[j] <= RR_MAX_SEC) buf.push(rr[j]);
    }
    if (buf.length === 0) {
      nn[i] = 1;
      continue;
    }
    buf.sort((a, b) => a - b);
    const med = buf[buf.length >> 1];
    nn[i] = Math.abs(rr[i] - med) <= tolerance * med ? 1 : 0;
  }
  return { t, rr, nn };
}
