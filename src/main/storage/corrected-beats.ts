/**
 * A stream's corrected beat set: the user's edits of its beats (or steps), stored beside the
 * detector's, which is never changed. Made from the detected set on the first edit; one row per
 * stream, times as one Float64 BLOB and the rejected flags as a bitmap (a day of ECG is ~100,000
 * beats: 800 kB, rewritten whole per edit batch, in one transaction).
 */
import type { BeatEdit, BeatSeries } from '../../shared/review';
import { applyBeatEdits, type EditableBeats } from '../analysis/dsp/beat-edits';
import type { Library } from './library';
import { detectedBeats, sessionOrThrow, streamOrThrow } from './review-queries';

/** The corrected set of a stream (times in s from the session start), or null when it has none. */
export function correctedBeats(library: Library, streamId: number): EditableBeats | null {
  const row = library.db.prepare('SELECT times, rejected, classes FROM corrected_beats WHERE stream_id = ?').get(streamId) as { times: Buffer; rejected: Buffer; classes: string | null } | undefined;
  if (!row) return null;
  const times = new Float64Array(new Uint8Array(row.times).buffer); // copy: aligned
  const beats: EditableBeats = { t: Array.from(times), rejected: Array.from(times, (_, i) => (row.rejected[i >> 3] & (1 << (i & 7))) !== 0) };
  if (row.classes !== null) beats.classes = JSON.parse(row.classes) as (string | null)[];
  return beats;
}

/** Stores `beats` as the stream's corrected set, replacing any (one row; call inside a transaction with what goes with it). */
export function writeCorrectedBeats(library: Library, streamId: number, beats: EditableBeats): void {
  const bitmap = Buffer.alloc(Math.ceil(beats.t.length / 8));
  beats.rejected.forEach((r, i) => {
    if (r) bitmap[i >> 3] |= 1 << (i & 7);
  });
  const times = Float64Array.from(beats.t);
  library.db
    .prepare(
      'INSERT INTO corrected_beats (stream_id, times, rejected, classes, edited_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET times = excluded.times, rejected = excluded.rejected, classes = excluded.classes, edited_at = excluded.edited_at',
    )
    .run(streamId, Buffer.from(times.buffer), bitmap, beats.classes ? JSON.stringify(beats.classes) : null, Date.now() / 1000);
}

/** The beats the user works on: the corrected set when there is one, else the detected one. */
export function currentBeats(library: Library, sessionId: number, key: string): BeatSeries {
  const stream = streamOrThrow(sessionOrThrow(library, sessionId), key);
  const corrected = correctedBeats(library, stream.id);
  return corrected ? { key, set: 'corrected', ...corrected } : detectedBeats(library, sessionId, key);
}

/** Applies a batch of edits to the stream's corrected set (made from the detected one on the first edit): all of them, or none. */
export function editBeats(library: Library, sessionId: number, key: string, edits: readonly BeatEdit[]): BeatSeries {
  const session = sessionOrThrow(library, sessionId);
  const stream = streamOrThrow(session, key);
  if (session.status === 'recording') throw new Error(`session ${sessionId} is still recording: its beats can be edited once it has stopped`);
  return library.db.transaction((): BeatSeries => {
    const current = currentBeats(library, sessionId, key);
    if (edits.length === 0) return current;
    const edited = applyBeatEdits(current, edits);
    writeCorrectedBeats(library, stream.id, edited);
    return { key, set: 'corrected', ...edited };
  })();
}

/** Discards the stream's corrected set (the detected one is back); returns the detected set. */
export function resetBeats(library: Library, sessionId: number, key: string): BeatSeries {
  const stream = streamOrThrow(sessionOrThrow(library, sessionId), key);
  library.db.prepare('DELETE FROM corrected_beats WHERE stream_id = ?').run(stream.id);
  return detectedBeats(library, sessionId, key);
}
