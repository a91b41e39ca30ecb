/**
 * HR and HRV over a time range of a recorded stream, from its current beat set (the corrected
 * one when the user edited it): the review view's readout and `vitalscope hrv`. Gaps are never
 * bridged: no interval across a recorded gap that could hide a beat is used.
 */
import type { HrvSummary } from '../../shared/review';
import { beatRangeHrv } from '../analysis/dsp/ecg/beat-hrv';
import { HIDING_GAP_SEC } from '../analysis/pipelines/gap-bridge';
import { currentBeats } from './corrected-beats';
import type { Library } from './library';
import { sessionOrThrow, streamOrThrow } from './review-queries';

export function rangeHrv(library: Library, sessionId: number, key: string, t0: number, t1: number): HrvSummary {
  if (!(t1 > t0)) throw new Error(`HRV: the range ${t0}..${t1} s is empty`);
  const beats = currentBeats(library, sessionId, key);
  const gaps = hidingGaps(library, sessionId, key);
  return { key, set: beats.set, t0, t1, ...beatRangeHrv(beats.t, beats.rejected, gaps, t0, t1) };
}

/**
 * The stream's gaps that could hide a beat, [start, end) s from the session start, sorted: its
 * own gap events and the session-wide ones (a lost link), HIDING_GAP_SEC or longer, or of
 * unknown length (0).
 */
function hidingGaps(library: Library, sessionId: number, key: string): [number, number][] {
  const session = sessionOrThrow(library, sessionId);
  const stream = streamOrThrow(session, key);
  const rows = library.db
    .prepare("SELECT t, duration FROM events WHERE session_id = ? AND kind = 'gap' AND (stream_id = ? OR stream_id IS NULL) AND (duration >= ? OR duration <= 0) ORDER BY t")
    .all(sessionId, stream.id, HIDING_GAP_SEC) as { t: number; duration: number }[];
  return rows.map((g) => [g.t - session.startedAt, g.t - session.startedAt + Math.max(0, g.duration)]);
}
