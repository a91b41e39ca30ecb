/**
 * Protocol steps of a session: events of kind 'step' that belong to no stream (the runner writes
 * one at every step boundary, text = the step name). Footsteps are also kind 'step' but belong to
 * an IMU stream, so the stream tells them apart.
 */
import type { TimedText } from '../formats/dataset/windows';
import type { Library } from './library';

/** A protocol step's span, s from the session start. */
export interface StepInterval {
  name: string;
  start: number;
  end: number;
}

/** The session's protocol steps in time order, times in s from `startedAt` (the session start). */
export function protocolSteps(library: Library, sessionId: number, startedAt: number): TimedText[] {
  return library
    .eventsBetween(sessionId, ['step'], 0, Number.MAX_VALUE)
    .filter((e) => e.key === undefined)
    .map((e) => ({ t: e.t - startedAt, duration: e.duration, text: e.text }));
}

/** Each step's span: its duration when it has one, else until the next step starts or `end` (the session's length). */
export function stepIntervals(steps: readonly TimedText[], end: number): StepInterval[] {
  return steps.map((s, i) => {
    const next = i + 1 < steps.length ? steps[i + 1].t : end;
    return { name: s.text, start: s.t, end: s.duration > 0 ? Math.min(s.t + s.duration, next) : next };
  });
}
