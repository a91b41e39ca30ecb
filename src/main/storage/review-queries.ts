/**
 * The review view's reads of a recorded session: its detail (streams, events), a track's samples
 * over a time range as min/max columns or raw samples, and its beats. Times in and out are seconds
 * from the session start (see src/shared/review.ts).
 */
import type { BeatSeries, ReviewEvent, SessionDetail, TrackData } from '../../shared/review';
import type { EventKind } from '../../shared/types';
import type { Library, StoredChunk, StoredSession, StoredStream } from './library';
import { stepIntervals } from './protocol-steps';
import { PYRAMID_LEVELS, pyramidEnd, pyramidRowsBetween, type PyramidRow } from './pyramid';

/** Event kinds the review view lists; beats and footsteps come as series (`beatSeries`), protocol steps (no stream) are listed. */
const LISTED_KINDS: readonly EventKind[] = ['gap', 'marker', 'device', 'note', 'label', 'step'];

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
  // Each stream's last chunk by the time index, not a scan of all of them.
  const lastSample = library.db
    .prepare('SELECT MAX((SELECT c.t0 + c.n * c.dt FROM chunks c WHERE c.stream_id = s.id ORDER BY c.t0 DESC LIMIT 1)) AS last FROM streams s WHERE s.session_id = ?')
    .get(sessionId) as { last: number | null };
  const end = Math.max(lastSample.last ?? origin, session.endedAt ?? origin);
  const events = (
    library.db
      .prepare(
        `SELECT e.id, e.t, e.duration, e.kind, e.text, e.lost, s.key AS key FROM events e LEFT JOIN streams s ON s.id = e.stream_id
         WHERE e.session_id = ? AND e.kind IN (${LISTED_KINDS.map(() => '?').join(', ')}) AND (e.kind <> 'step' OR e.stream_id IS NULL) ORDER BY e.t, e.id`,
      )
      .all(sessionId, ...LISTED_KINDS) as { id: number; t: number; duration: number; kind: EventKind; text: string; lost: number | null; key: string | null }[]
  ).map(
    (e): ReviewEvent => ({
      id: e.id,
      kind: e.kind,
      t: e.t - origin,
      duration: e.duration,
      text: e.text,
      ...(e.key ? { key: e.key } : {}),
      ...(e.lost !== null ? { lost: e.lost } : {}),
    }),
  );
  // A step's duration is 0 while it runs (or when the runner could not update it): it lasts until the next step or the end.
  const steps = events.filter((e) => e.kind === 'step');
  stepIntervals(steps, end - origin).forEach((span, i) => (steps[i].duration = span.end - span.start));
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

/**
 * One stream over [t0, t1) s from the session start: min/max per column, or the samples when
 * fewer than `columns`. Min/max come from the coarsest pyramid level that still has a point per
 * column (built first for a closed session that lacks it), from raw samples only below 64x.
 */
export function readTrack(library: Library, sessionId: number, key: string, t0: number, t1: number, columns: number): TrackData {
  if (!(t1 > t0)) throw new Error(`readTrack: the range ${t0}..${t1} s is empty`);
  const session = sessionOrThrow(library, sessionId);
  const stream = streamOrThrow(session, key);
  const origin = session.startedAt;
  const a = origin + t0;
  const b = origin + t1;
  const nch = stream.channels.length;
  const level = PYRAMID_LEVELS.findLast((l) => ((t1 - t0) * stream.rate) / l >= columns);
  if (level !== undefined) {
    if (session.status !== 'recording') library.ensurePyramid(sessionId);
    const grid = new ColumnGrid(nch, columns, a, b);
    for (const row of pyramidRowsBetween(library.db, stream.id, level, a, b)) grid.addPoints(row);
    // A stream still being recorded: what its pyramid has no point for yet comes from the samples.
    if (!library.hasPyramid(stream.id)) {
      const covered = pyramidEnd(library.db, stream.id, level) ?? a;
      if (covered < b) for (const c of library.chunksBetween(stream.id, Math.max(a, covered), b)) grid.addSamples(c, Math.max(a, covered), b);
    }
    return { key, t0, t1, mode: 'minmax', columns, level, min: grid.min, max: grid.max };
  }
  const chunks = library.chunksBetween(stream.id, a, b);
  let count = 0;
  for (const c of chunks) {
    const [i0, i1] = samplesIn(c, a, b);
    count += i1 - i0;
  }
  if (count > columns) {
    const grid = new ColumnGrid(nch, columns, a, b);
    for (const c of chunks) grid.addSamples(c, a, b);
    return { key, t0, t1, mode: 'minmax', columns, level: 1, min: grid.min, max: grid.max };
  }
  const t: number[] = [];
  const values: (number | null)[][] = Array.from({ length: nch }, () => []);
  let nextIndex = -1;
  for (const c of chunks) {
    const [i0, i1] = samplesIn(c, a, b);
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

/** Min/max per channel over `columns` equal columns of [a, b) (host time); null where nothing fell. */
class ColumnGrid {
  readonly min: (number | null)[][];
  readonly max: (number | null)[][];
  private readonly width: number;

  constructor(
    private readonly channels: number,
    private readonly columns: number,
    private readonly a: number,
    b: number,
  ) {
    this.min = Array.from({ length: channels }, () => new Array<number | null>(columns).fill(null));
    this.max = Array.from({ length: channels }, () => new Array<number | null>(columns).fill(null));
    this.width = (b - a) / columns;
  }

  /** The chunk's samples within [a, b), each into its column. */
  addSamples(c: StoredChunk, a: number, b: number): void {
    const [i0, i1] = samplesIn(c, a, b);
    for (let i = i0; i < i1; i++) {
      const col = this.column(c.t0 + i * c.dt);
      for (let ch = 0; ch < this.channels; ch++) this.put(ch, col, c.data[ch * c.n + i], c.data[ch * c.n + i]);
    }
  }

  /** A pyramid row's points, each into every column its samples reach. */
  addPoints(row: PyramidRow): void {
    const { n, level, dt } = row;
    for (let k = 0; k < n; k++) {
      const start = row.t0 + k * level * dt;
      const count = k < n - 1 ? level : row.samples - (n - 1) * level;
      const c0 = this.column(start);
      const c1 = this.column(start + (count - 1) * dt);
      if (c1 < 0 || c0 >= this.columns) continue;
      for (let ch = 0; ch < this.channels; ch++) {
        const lo = row.data[ch * n + k];
        const hi = row.data[(this.channels + ch) * n + k];
        for (let col = Math.max(0, c0); col <= Math.min(this.columns - 1, c1); col++) this.put(ch, col, lo, hi);
      }
    }
  }

  /** The column of host time t; -1 before a, `columns` at or past b. */
  private column(t: number): number {
    const col = Math.floor((t - this.a) / this.width + EDGE_SAMPLES * 1e-3);
    return col < 0 ? -1 : Math.min(col, this.columns);
  }

  private put(ch: number, col: number, lo: number, hi: number): void {
    if (col < 0 || col >= this.columns || !(lo <= hi)) return;
    const min = this.min[ch][col];
    const max = this.max[ch][col];
    if (min === null || lo < min) this.min[ch][col] = lo;
    if (max === null || hi > max) this.max[ch][col] = hi;
  }
}

/** The detected beats (or steps) of a stream, from its mark series. */
export function detectedBeats(library: Library, sessionId: number, key: string): BeatSeries {
  const session = sessionOrThrow(library, sessionId);
  const stream = streamOrThrow(session, key);
  const t = library.markTimes(stream.id).map((x) => x - session.startedAt);
  return { key, set: 'detected', t, rejected: t.map(() => false) };
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
