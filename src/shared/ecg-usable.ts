/**
 * The live ECG usability flag as the `<ecg>.metrics` stream records it, and how a view turns it
 * back into the stretches of ECG it judged. Pure: shared by the worker, the live strip and the review.
 *
 * The worker judges 5 s windows on host-clock multiples of 5 s. Window [5m - 10, 5m - 5) is judged
 * at 5m + 1: its right neighbour [5m - 5, 5m) has to be complete (the neighbour rule of
 * ecg-usability.ts), plus 1 s for the QRS detector to report that neighbour's last beats. The verdict
 * holds until the next one, so the `usable` sample at metrics time t always judges the ECG at
 * [t - USABLE_LAG_S, t - USABLE_LAG_S + 1).
 */
import type { TrackData } from './review';

/** Label of the metrics channel: 1 usable, 0 unusable, NaN before the first verdict. */
export const USABLE_CHANNEL = 'usable';
/** Length of a judged window, s (ecg-usability.ts's default). */
export const USABLE_WINDOW_S = 5;
/** Seconds after a window's right neighbour ends that it is judged (the detector's reporting delay, with margin). */
export const USABLE_MARGIN_S = 1;
/** A `usable` sample at time t is about the ECG at [t - USABLE_LAG_S, t - USABLE_LAG_S + 1). */
export const USABLE_LAG_S = 2 * USABLE_WINDOW_S + USABLE_MARGIN_S;

/**
 * The ECG stretches judged unusable, as merged [t0, t1) on the samples' time axis: each sample
 * `usable[i] === 0` at `t[i]` covers [t[i] - USABLE_LAG_S, t[i] - USABLE_LAG_S + dt), where `dt` is the
 * metrics' sample spacing (1 s), or a zoomed-out column's width.
 */
export function unusableStretches(t: ArrayLike<number>, usable: ArrayLike<number | null>, dt = 1): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < t.length; i++) {
    if (usable[i] !== 0) continue;
    const t0 = t[i] - USABLE_LAG_S;
    const last = out[out.length - 1];
    if (last && t0 <= last[1] + 1e-6) last[1] = Math.max(last[1], t0 + dt);
    else out.push([t0, t0 + dt]);
  }
  return out;
}

/** The stretches a recorded metrics track's `usable` channel judged unusable (a zoomed-out column counts when any of its flags is 0). */
export function unusableInTrack(data: TrackData, channel: number): [number, number][] {
  if (data.mode === 'samples') return unusableStretches(data.t, data.values[channel] ?? []);
  const width = (data.t1 - data.t0) / data.columns;
  const starts = Array.from({ length: data.columns }, (_, k) => data.t0 + k * width);
  return unusableStretches(starts, data.min[channel] ?? [], width);
}
