/**
 * The detector's beats of an imported recording, as a step after the import: the live ECG
 * pipeline replayed over the stored stream takes most of an import's time (about a second for a
 * 30-minute MIT-BIH record), so the import stores the samples, the reference beats and the
 * pyramid, marks the stream in the session's meta (`detectBeats`: its key), and the session
 * reviews at once; this step then writes the beats and clears the mark, in one transaction. A
 * mark left by a cancel, a crash or `import --no-detect` is picked up by the next engine start.
 */
import type { Library } from '../../storage/library';
import { analyzeEcg, secondLeadOf } from './analyze';
import { loadSessionFrom } from './load-input';

const PENDING = 'detectBeats';

/** The session meta that marks stream `key` as waiting for the detector. */
export function beatsPending(key: string): Record<string, string> {
  return { [PENDING]: key };
}

/** Sessions with a stream waiting for the detector (only `onlyId` when given). */
export function pendingBeatDetections(library: Library, onlyId?: number): { sessionId: number; key: string }[] {
  return library.db
    .prepare(`SELECT id AS sessionId, json_extract(meta, '$.${PENDING}') AS key FROM sessions WHERE key IS NOT NULL AND status != 'recording' AND (@id IS NULL OR id = @id) ORDER BY id`)
    .all({ id: onlyId ?? null }) as { sessionId: number; key: string }[];
}

/**
 * Runs the detector over the session's marked stream (its first channel, a two-lead record's
 * other lead supporting it: see analyzeEcg; lost stretches stay gaps) and stores the beats as its
 * detected set. Returns how many, or null when nothing was waiting. `tick(fraction)` may throw to cancel: nothing is written then, and the mark stays.
 */
export function detectPendingBeats(library: Library, sessionId: number, tick?: (fraction: number) => void): number | null {
  const [pending] = pendingBeatDetections(library, sessionId);
  if (!pending) return null;
  const session = library.session(sessionId)!;
  const stored = session.streams.find((s) => s.key === pending.key);
  const [stream] = loadSessionFrom(library, sessionId, undefined, new Set([pending.key])).streams;
  const times = stream && stored ? analyzeEcg(stream.channels[0], undefined, {}, tick, secondLeadOf(stream, stream.channels[0])).beats.map((p) => session.startedAt + stream.timeAt!(p)) : [];
  return library.db.transaction((): number | null => {
    // Another run may have stored them meanwhile: its beats stand.
    if (pendingBeatDetections(library, sessionId).length === 0) return null;
    if (stored) library.writeMarks(stored.id, 'beat', 'R', times);
    library.db.prepare(`UPDATE sessions SET meta = json_remove(meta, '$.${PENDING}') WHERE id = ?`).run(sessionId);
    return times.length;
  })();
}
