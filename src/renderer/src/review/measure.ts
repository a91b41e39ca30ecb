/** The two-point measurement and the cursor readout's values. Pure. */
import type { TrackData } from '../../../shared/review';
import { lowerBound } from '../live/lower-bound';

export interface MeasurePoint {
  /** Seconds from the session start. */
  t: number;
  /** The value of the track under the point (first shown channel), or null off the data. */
  value: number | null;
  key: string;
  unit: string;
}

export interface Measurement {
  dt: number;
  /** Only when both points are on the same track and have values. */
  dValue: number | null;
  unit: string;
  /** The heart rate an interval of |dt| implies, beats per minute. */
  bpm: number | null;
}

export function measure(a: MeasurePoint, b: MeasurePoint): Measurement {
  const dt = b.t - a.t;
  const sameTrack = a.key === b.key && a.value !== null && b.value !== null;
  return {
    dt,
    dValue: sameTrack ? b.value! - a.value! : null,
    unit: sameTrack ? a.unit : '',
    bpm: Math.abs(dt) > 1e-6 ? 60 / Math.abs(dt) : null,
  };
}

/**
 * A channel's value at time t: the nearest sample within `maxGap` seconds (raw data), or the middle
 * of the column's min/max (zoomed out). Null in a gap or outside the data.
 */
export function valueAt(track: TrackData, channel: number, t: number, maxGap = Infinity): number | null {
  if (track.mode === 'minmax') {
    const col = Math.floor(((t - track.t0) / (track.t1 - track.t0)) * track.columns);
    if (col < 0 || col >= track.columns) return null;
    const lo = track.min[channel]?.[col];
    const hi = track.max[channel]?.[col];
    return lo === null || hi === null || lo === undefined || hi === undefined ? null : (lo + hi) / 2;
  }
  const times = track.t;
  if (times.length === 0) return null;
  const values = track.values[channel] ?? [];
  const lo = lowerBound(times.length, (i) => times[i], t);
  // The nearest sample on each side, stepping over a gap's null marker.
  let left = lo - 1;
  while (left >= 0 && values[left] === null) left--;
  let right = lo;
  while (right < times.length && values[right] === null) right++;
  let best = -1;
  for (const i of [left, right]) {
    if (i < 0 || i >= times.length) continue;
    if (best < 0 || Math.abs(times[i] - t) < Math.abs(times[best] - t)) best = i;
  }
  if (best < 0 || Math.abs(times[best] - t) > maxGap) return null;
  return values[best];
}

/** The index of the beat nearest to t within `tolerance` seconds, or -1. Beats ascending. */
export function nearestBeat(beats: readonly number[], t: number, tolerance: number): number {
  const lo = lowerBound(beats.length, (i) => beats[i], t);
  let best = -1;
  for (const i of [lo - 1, lo]) {
    if (i < 0 || i >= beats.length || Math.abs(beats[i] - t) > tolerance) continue;
    if (best < 0 || Math.abs(beats[i] - t) < Math.abs(beats[best] - t)) best = i;
  }
  return best;
}
