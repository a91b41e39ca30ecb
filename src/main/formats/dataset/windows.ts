/**
 * Where a dataset's windows lie in a session and what labels they carry. Times are seconds from
 * the session start. Pure: the session's samples are read and cut elsewhere.
 */

export type WindowAnchor = 'beats' | 'markers';

/** A window to cut: [start, end), and for a beat or marker window what it was centred on. */
export interface PlannedWindow {
  start: number;
  end: number;
  /** The beat's class ('' where none is set) or the marker's text. */
  centre?: string;
}

export interface TimedText {
  t: number;
  duration: number;
  text: string;
}

/** Sliding windows of `window` s every `step` s over [from, to): each fits whole. */
export function slidingWindows(from: number, to: number, window: number, step: number): PlannedWindow[] {
  const out: PlannedWindow[] = [];
  // Multiples of the step from `from`, not a running sum: no drift over a day of windows.
  for (let k = 0; from + k * step + window <= to + 1e-9; k++) out.push({ start: from + k * step, end: from + k * step + window });
  return out;
}

/** A window of `window` s centred on each time, with its text. */
export function centredWindows(centres: readonly { t: number; text: string }[], window: number): PlannedWindow[] {
  return centres.map((c) => ({ start: c.t - window / 2, end: c.t + window / 2, centre: c.text }));
}

/** The texts of the events overlapping [start, end) (an instant one inside it), in time order, joined by '|'; '' for none. */
export function overlappingText(events: readonly TimedText[], start: number, end: number): string {
  const texts = events.filter((e) => (e.duration > 0 ? e.t < end && e.t + e.duration > start : e.t >= start && e.t < end)).map((e) => e.text);
  return [...new Set(texts)].join('|');
}

/**
 * The protocol step in force at time `t`: the last step that started at or before it, while it
 * lasts (a step of duration 0 lasts until the next one); '' when none is.
 */
export function stepAt(steps: readonly TimedText[], t: number): string {
  let current: TimedText | null = null;
  for (const s of steps) if (s.t <= t) current = s;
  if (!current) return '';
  return current.duration > 0 && t >= current.t + current.duration ? '' : current.text;
}
