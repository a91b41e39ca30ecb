/**
 * RR series with ectopic/artifact rejection: an interval is NN (kept) when it lies in
 * [0.25, 2.0] s and within 20% of the median of its neighbours (the "20% rule", Kamath & Fallen,
 * "Correction of the heart rate variability signal for ectopics and missing beats", in Malik &
 * Camm (eds.), Heart Rate Variability, 1995). Intervals are timed at their ending beat. An
 * interval that spans lost data (`spansGap`) is neither NN nor a neighbour: its length says
 * nothing about the heart.
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

/** `spansGap[i]`: 1 when the interval ending at beat i + 1 crosses a gap. */
export function rrSeries(beatTimes: ArrayLike<number>, neighbours = 5, tolerance = 0.2, spansGap?: ArrayLike<number>): RrSeries {
  const n = Math.max(0, beatTimes.length - 1);
  const t = new Float64Array(n);
  const rr = new Float64Array(n);
  const nn = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = beatTimes[i + 1];
    rr[i] = beatTimes[i + 1] - beatTimes[i];
  }
  const usable = (i: number) => rr[i] >= RR_MIN_SEC && rr[i] <= RR_MAX_SEC && !spansGap?.[i];
  const buf: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!usable(i)) continue;
    buf.length = 0;
    for (let j = Math.max(0, i - neighbours); j <= Math.min(n - 1, i + neighbours); j++) {
      if (j !== i && usable(j)) buf.push(rr[j]);
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

/** 1 for each interval between consecutive beats (sample positions) that crosses one of `gaps` ([start, end) samples, sorted). */
export function intervalsAcrossGaps(beats: ArrayLike<number>, gaps: readonly (readonly [number, number])[]): Uint8Array {
  const out = new Uint8Array(Math.max(0, beats.length - 1));
  let g = 0;
  for (let i = 0; i < out.length; i++) {
    while (g < gaps.length && gaps[g][1] < beats[i]) g++;
    out[i] = g < gaps.length && gaps[g][0] <= beats[i + 1] ? 1 : 0;
  }
  return out;
}
