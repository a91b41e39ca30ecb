/**
 * The review view's visible time window and its navigation (zoom around a point, pan, jump),
 * always kept inside the session. Times are seconds from the session start. Pure.
 */

export interface TimeWindow {
  t0: number;
  t1: number;
}

/** The shortest window: a fraction of one beat. */
export const MIN_SPAN_S = 0.1;

/** The window-length picker's choices, seconds (1 s … 24 h). */
export const WINDOW_CHOICES_S: readonly number[] = [
  1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 2 * 3600, 6 * 3600, 12 * 3600, 24 * 3600,
];

export function span(w: TimeWindow): number {
  return w.t1 - w.t0;
}

/** A window of the given length starting at t0, moved and shortened as needed to lie inside [0, duration]. */
export function clampWindow(t0: number, length: number, duration: number): TimeWindow {
  const total = Math.max(duration, MIN_SPAN_S);
  const len = Math.min(Math.max(length, MIN_SPAN_S), total);
  const start = Math.min(Math.max(t0, 0), total - len);
  return { t0: start, t1: start + len };
}

/** Zoom by `factor` (< 1 in, > 1 out) keeping the time under `anchor` (seconds) where it is on screen. */
export function zoomAround(w: TimeWindow, factor: number, anchor: number, duration: number): TimeWindow {
  const len = span(w);
  const fraction = len > 0 ? (anchor - w.t0) / len : 0.5;
  const next = Math.min(Math.max(len * factor, MIN_SPAN_S), Math.max(duration, MIN_SPAN_S));
  return clampWindow(anchor - fraction * next, next, duration);
}

/** Move by `windows` window lengths (negative: back in time). */
export function panBy(w: TimeWindow, windows: number, duration: number): TimeWindow {
  return clampWindow(w.t0 + windows * span(w), span(w), duration);
}

/** Move by `seconds`. */
export function shiftBy(w: TimeWindow, seconds: number, duration: number): TimeWindow {
  return clampWindow(w.t0 + seconds, span(w), duration);
}

/** The same centre with another length (the window picker). */
export function withLength(w: TimeWindow, length: number, duration: number): TimeWindow {
  const centre = (w.t0 + w.t1) / 2;
  return clampWindow(centre - length / 2, length, duration);
}

/** The window of the same length centred on `t` (a click on the overview). */
export function centredOn(w: TimeWindow, t: number, duration: number): TimeWindow {
  return clampWindow(t - span(w) / 2, span(w), duration);
}

export function wholeSession(duration: number): TimeWindow {
  return clampWindow(0, Math.max(duration, MIN_SPAN_S), duration);
}

/** The first window a session opens with: 30 s, or all of a shorter one. */
export function initialWindow(duration: number): TimeWindow {
  return clampWindow(0, Math.min(30, duration), duration);
}

/** The picker's choice nearest to a window length (so the select shows what is on screen). */
export function nearestChoice(length: number): number {
  let best = WINDOW_CHOICES_S[0];
  for (const c of WINDOW_CHOICES_S) if (Math.abs(Math.log(c / length)) < Math.abs(Math.log(best / length))) best = c;
  return best;
}

/** Maps time to x (CSS px) across a plot [left, left + width), and back. */
export interface TimeScale {
  x(t: number): number;
  t(x: number): number;
}

export function timeScale(w: TimeWindow, left: number, width: number): TimeScale {
  const len = span(w) || 1;
  return {
    x: (t) => left + ((t - w.t0) / len) * width,
    t: (x) => w.t0 + ((x - left) / width) * len,
  };
}

/** `data-drawn` text: the range drawn, seconds from the start, to the microsecond. */
export function drawnAttr(w: TimeWindow): string {
  return `${round6(w.t0)},${round6(w.t1)}`;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
