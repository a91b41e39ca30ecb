/**
 * The review view's reads of a recorded session: its detail (streams, events), a track's samples
 * over a time range as min/max columns or raw samples, and its beats. Times in and out are seconds
 * from the session start (see src/shared/review.ts).
 */
import type { BeatSeries, ReviewEvent, SessionDetail, TrackData } from '../../shared/review';
import type { EventKind } from '../../shared/types';
import type { Library, StoredSession, StoredStream } from './library';

/** Event kinds the review view lists; beats and steps come as series (`beatSeries`). */
const LISTED_KINDS: readonly EventKind[] = ['gap', 'marker', 'device', 'note', 'label'];

export function sessionOrThrow(library: Library, sessionId: number): StoredSession {
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  return session;
}

export function streamOrThrow(session: StoredSession, key: string): StoredStream {
  const stream = session.streams.find((s) => s.key === key);
  if (!stream) throw new Error(`session ${session.id} has no stream "${key}" (streams: ${session.streams.map((s) => s.key).join(', ')})`);
  return stream;
}

export function sessionDetail(library: Library, sessionId: number): SessionDetail {
  const session = sessionOrThrow(library, sessionId);
  const origin = session.startedAt;
  const lastSample = library.db.prepare('SELECT MAX(c.t0 + c.n * c.dt) AS last FROM chunks c JOIN streams s ON s.id = c.stream_id WHERE s.session_id = ?').get(sessionId) as { last: number | null };
  const end = Math.max(lastSample.last ?? origin, session.endedAt ?? origin);
  const events = (
    library.db
      .prepare(
        `SELECT e.id, e.t, e.duration, e.kind, e.text, s.key AS key FROM events e LEFT JOIN streams s ON s.id = e.stream_id
         WHERE e.session_id = ? AND e.kind IN (${LISTED_KINDS.map(() => '?').join(', ')}) ORDER BY e.t, e.id`,
      )
      .all(sessionId, ...LISTED_KINDS) as { id: number; t: number; duration: number; kind: EventKind; text: string; key: string | null }[]
  ).map((e): ReviewEvent => {
    const lost = e.kind === 'gap' ? /(\d+) (?:lost )?samples?/.exec(e.text) : null;
    return { id: e.id, kind: e.kind, t: e.t - origin, duration: e.duration, text: e.text, ...(e.key ? { key: e.key } : {}), ...(lost ? { lost: Number(lost[1]) } : {}) };
  });
  return {
    id: session.id,
    name: session.name,
    participant: session.participant,
    status: session.status,
    startedAt: origin,
    duration: end - origin,
    streams: session.streams.map((s) => ({ key: s.key, name: s.name, kind: s.kind, rate: s.rate, channels: s.channels, samples: s.samples, derivedFrom: s.derivedFrom })),
    events,
  };
}

/** One stream over [t0, t1) s from the session start: min/max per column, or the samples when fewer than `columns`. */
export function readTrack(library: Library, sessionId: number, key: string, t0: number, t1: number, columns: number): TrackData {
  if (!(t1 > t0)) throw new Error(`readTrack: the range ${t0}..${t1} s is empty`);
  const session = sessionOrThrow(library, sessionId);
  const stream = streamOrThrow(session, key);
  const origin = session.startedAt;
  const nch = stream.channels.length;
  const chunks = library.chunksBetween(stream.id, origin + t0, origin + t1);
  let count = 0;
  for (const c of chunks) {
    const [i0, i1] = samplesIn(c, origin + t0, origin + t1);
    count += i1 - i0;
  }
  if (count <= columns) {
    const t: number[] = [];
    const values: (number | null)[][] = Array.from({ length: nch }, () => []);
    let nextIndex = -1;
    for (const c of chunks) {
      const [i0, i1] = samplesIn(c, origin + t0, origin + t1);
      if (i1 <= i0) continue;
      if (nextIndex >= 0 && c.index + i0 !== nextIndex) {
        // A gap between chunks: a null point, so no line joins across it.
        t.push(c.t0 + (i0 - 0.5) * c.dt - origin);
        for (const v of values) v.push(null);
      }
      for (let i = i0; i < i1; i++) {
        t.push(c.t0 + i * c.dt - origin);
        for (let ch = 0; ch < nch; ch++) values[ch].push(finite(c.data[ch * c.n + i]));
      }
      nextIndex = c.index + i1;
    }
    return { key, t0, t1, mode: 'samples', t, values };
  }
  const min: (number | null)[][] = Array.from({ length: nch }, () => new Array<number | null>(columns).fill(null));
  const max: (number | null)[][] = Array.from({ length: nch }, () => new Array<number | null>(columns).fill(null));
  const width = (t1 - t0) / columns;
  for (const c of chunks) {
    const [i0, i1] = samplesIn(c, origin + t0, origin + t1);
    for (let i = i0; i < i1; i++) {
      const col = Math.min(columns - 1, Math.floor((c.t0 + i * c.dt - origin - t0) / width));
      for (let ch = 0; ch < nch; ch++) {
        const v = c.data[ch * c.n + i];
        if (v !== v) continue;
        const lo = min[ch][col];
        const hi = max[ch][col];
        if (lo === null || v < lo) min[ch][col] = v;
        if (hi === null || v > hi) max[ch][col] = v;
      }
    }
  }
  return { key, t0, t1, mode: 'minmax', columns, level: 1, min, max };
}

/** The detected beats (or steps) of a stream, from its beat or step events. */
export function detectedBeats(library: Library, sessionId: number, key: string): BeatSeries {
  const session = sessionOrThrow(library, sessionId);
  const stream = streamOrThrow(session, key);
  const rows = library.db.prepare("SELECT t FROM events WHERE session_id = ? AND stream_id = ? AND kind IN ('beat', 'step') ORDER BY t").all(sessionId, stream.id) as { t: number }[];
  return { key, set: 'detected', t: rows.map((r) => r.t - session.startedAt), rejected: rows.map(() => false) };
}

/** Host epoch seconds carry ~0.2 µs of rounding: a sample this close to a range edge is on it. */
const EDGE_SAMPLES = 1e-3;

/** The sample range [i0, i1) of a chunk whose times fall in [a, b) (host time). */
export function samplesIn(c: { t0: number; dt: number; n: number }, a: number, b: number): [number, number] {
  const i0 = Math.max(0, Math.ceil((a - c.t0) / c.dt - EDGE_SAMPLES));
  const i1 = Math.min(c.n, Math.ceil((b - c.t0) / c.dt - EDGE_SAMPLES));
  return [i0, Math.max(i0, i1)];
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
