/**
 * HR and time-domain HRV over a time range of a (possibly user-edited) beat series: ECG R peaks,
 * or PPG systolic peaks for pulse rate variability. Unusable intervals are neither NN nor
 * neighbours in the 20% rule (rr-intervals.ts): those that cross a gap that could hide a beat, and
 * both intervals touching a beat rejected as artifact (peakdet's "reject", as distinct from
 * deleting a false detection, which merges its two intervals into one).
 */
import type { HrvSummary } from '../../../../shared/review';
import { lowerBound } from '../beat-edits';
import { hrvTime } from './hrv';
import { intervalsAcrossGaps, rrSeries } from './rr-intervals';

/** The numbers of an HrvSummary: beats in [t0, t1) (rejected ones included), NN intervals between two of them, 60 / mean NN, SDNN, RMSSD, pNN50. */
export type BeatRangeHrv = Omit<HrvSummary, 'key' | 'set' | 't0' | 't1'>;

/** Neighbours on each side the 20% rule compares an interval with (rrSeries' default). */
const NEIGHBOURS = 5;

/**
 * 1 for each interval between consecutive beats that crosses one of `gaps` ([start, end), sorted,
 * in the unit of `beats`: s or samples) or touches a rejected beat: rrSeries' `spansGap`.
 */
export function unusableIntervals(beats: ArrayLike<number>, rejected: ArrayLike<boolean>, gaps: readonly (readonly [number, number])[]): Uint8Array {
  const unusable = intervalsAcrossGaps(beats, gaps);
  for (let i = 0; i < beats.length; i++) {
    if (!rejected[i]) continue;
    if (i > 0) unusable[i - 1] = 1;
    if (i < unusable.length) unusable[i] = 1;
  }
  return unusable;
}

/**
 * `t`: beat times, s, ascending; `rejected[i]`: beat i is an artifact; `gaps`: [start, end) s of
 * the gaps that could hide a beat, sorted by start. Counts the intervals whose two beats both lie
 * in [t0, t1); their 20% rule still looks at neighbours outside it.
 */
export function beatRangeHrv(t: ArrayLike<number>, rejected: ArrayLike<boolean>, gaps: readonly (readonly [number, number])[], t0: number, t1: number): BeatRangeHrv {
  const first = lowerBound(t, t0);
  const end = lowerBound(t, t1);
  // Only the range and the neighbours its intervals are compared with: O(range), not O(session).
  const a = Math.max(0, first - NEIGHBOURS);
  const b = Math.min(t.length, end + NEIGHBOURS);
  const times = Array.from({ length: b - a }, (_, i) => t[a + i]);
  const unusable = unusableIntervals(times, Array.from({ length: b - a }, (_, i) => rejected[a + i]), gaps);
  const rr = rrSeries(times, NEIGHBOURS, 0.2, unusable);
  // Intervals are timed at their ending beat: from the second beat of the range on.
  const h = end - first >= 2 ? hrvTime(rr, t[first + 1], t1) : null;
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  return {
    beats: end - first,
    nn: h?.nn ?? 0,
    meanHrBpm: finite(h ? 60_000 / h.meanNnMs : undefined),
    sdnnMs: finite(h?.sdnnMs),
    rmssdMs: finite(h?.rmssdMs),
    pnn50: finite(h?.pnn50),
  };
}
