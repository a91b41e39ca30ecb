/**
 * Re-timing on close. Live, a device's clock model only knows the past, so the first seconds after
 * a connect are placed from a few observations. Once the session has ended, every chunk's device
 * time is mapped again with a fit that sees the whole session, before and after it (as pyxdf does
 * on import): the lower envelope of arrival - device time (ClockModel) over a window centred on
 * the chunk. The online times stay in `t0_live`/`dt_live`; the fits go into `clock_fits`.
 */
import type Database from 'better-sqlite3';
import { ClockModel, type ClockFit } from '../acquisition/clock-model';

/** Chunks are re-timed in segments of this much device time, each by its own fit... */
const SEGMENT_S = 600;
/** ...over the observations this far either side of the segment, so slow clock wander is followed. */
const REACH_S = 600;

interface Observation {
  dev: number;
  host: number;
}

/** Re-times the chunks (and pyramid rows) of a session's device streams. Idempotent: the online times are kept from the first run. */
export function retimeSession(db: Database.Database, sessionId: number): void {
  const streams = db.prepare('SELECT id, device_id AS deviceId, rate FROM streams WHERE session_id = ? AND device_id IS NOT NULL AND rate > 0').all(sessionId) as {
    id: number;
    deviceId: number;
    rate: number;
  }[];
  const observations = db.prepare('SELECT clock_epoch AS epoch, obs_dev AS dev, arrival AS host FROM chunks WHERE stream_id = ? AND obs_dev IS NOT NULL');
  const perClock = new Map<string, Observation[]>();
  for (const s of streams) {
    for (const o of observations.iterate(s.id) as Iterable<Observation & { epoch: number }>) {
      const key = `${s.deviceId}:${o.epoch}`;
      let list = perClock.get(key);
      if (!list) perClock.set(key, (list = []));
      list.push({ dev: o.dev, host: o.host });
    }
  }
  if (perClock.size === 0) return;
  const fits = new Map<string, Map<number, ClockFit>>();
  for (const [key, list] of perClock) fits.set(key, segmentFits(list));

  const chunks = db.prepare('SELECT sample_index AS k, clock_epoch AS epoch, dev0, t0 FROM chunks WHERE stream_id = ? AND dev0 IS NOT NULL ORDER BY t0');
  const events = db.prepare('SELECT id, t FROM events WHERE session_id = ? AND stream_id = ?');
  const moveEvent = db.prepare('UPDATE events SET t = ? WHERE id = ?');
  const marks = db.prepare('SELECT id, times FROM marks WHERE stream_id = ?');
  const moveMarks = db.prepare('UPDATE marks SET first_t = ?, times = ? WHERE id = ?');
  // One statement per run of chunks under one fit: a million chunks a day take a few hundred statements, not a million.
  const update = db.prepare(
    `UPDATE chunks SET t0_live = COALESCE(t0_live, t0), dt_live = COALESCE(dt_live, dt), t0 = dev0 + @offset + @drift * dev0, dt = @dt
     WHERE stream_id = @streamId AND sample_index BETWEEN @from AND @to AND dev0 IS NOT NULL`,
  );
  // A pyramid row starts at a sample of some chunk: it takes that chunk's new time.
  const pyramid = db.prepare(
    `UPDATE pyramid SET (t0, dt) = (SELECT c.t0 + (pyramid.first_index - c.sample_index) * c.dt, c.dt FROM chunks c
       WHERE c.stream_id = pyramid.stream_id AND c.sample_index <= pyramid.first_index ORDER BY c.sample_index DESC LIMIT 1)
     WHERE stream_id = ?`,
  );
  const clearFits = db.prepare("DELETE FROM clock_fits WHERE device_id = ? AND source = 'session'");
  const addFit = db.prepare("INSERT INTO clock_fits (device_id, epoch, source, t, dev, offset, drift) VALUES (?, ?, 'session', ?, ?, ?, ?)");
  db.transaction(() => {
    for (const s of streams) {
      const rows = chunks.all(s.id) as { k: number; epoch: number; dev0: number; t0: number }[];
      if (rows.length === 0) continue;
      const moves = new Float64Array(rows.length);
      let run = null as { fit: ClockFit; from: number; to: number } | null;
      const flush = () => run && update.run({ offset: run.fit.offset, drift: run.fit.drift, dt: (1 + run.fit.drift) / s.rate, streamId: s.id, from: run.from, to: run.to });
      const fitOf = rows.map((r) => fitAt(fits.get(`${s.deviceId}:${r.epoch}`), r.dev0));
      rows.forEach((r, i) => {
        const fit = fitOf[i];
        if (fit) moves[i] = r.dev0 + fit.offset + fit.drift * r.dev0 - r.t0;
      });
      // Runs are ranges of sample index (the UPDATE's BETWEEN), so they go in index order: after an
      // online re-fit a chunk's t0 can step back below its predecessor's, and t0 order would skip it.
      for (const i of rows.map((_, i) => i).sort((a, b) => rows[a].k - rows[b].k)) {
        const fit = fitOf[i];
        if (!fit) continue;
        if (run?.fit === fit) run.to = rows[i].k;
        else {
          flush();
          run = { fit, from: rows[i].k, to: rows[i].k };
        }
      }
      flush();
      pyramid.run(s.id);
      // The stream's gaps and beats were placed by the same online times: they move with their chunk.
      const move = (t: number) => t + moves[chunkAt(rows, t)];
      for (const e of events.all(sessionId, s.id) as { id: number; t: number }[]) moveEvent.run(move(e.t), e.id);
      for (const m of marks.all(s.id) as { id: number; times: Buffer }[]) {
        const times = new Float64Array(new Uint8Array(m.times).buffer).map(move);
        moveMarks.run(times[0], Buffer.from(times.buffer), m.id);
      }
    }
    for (const deviceId of new Set(streams.map((s) => s.deviceId))) clearFits.run(deviceId);
    for (const [key, segments] of fits) {
      const [deviceId, epoch] = key.split(':').map(Number);
      for (const [segment, fit] of segments) {
        const dev = segment * SEGMENT_S;
        addFit.run(deviceId, epoch, dev + fit.offset + fit.drift * dev, dev, fit.offset, fit.drift);
      }
    }
  })();
}

/** The last of the chunks (by t0, ascending) starting at or before t; the first when t is before all. */
function chunkAt(rows: readonly { t0: number }[], t: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rows[mid].t0 <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Per segment of device time that has observations, the envelope fit over it and REACH_S either side. */
function segmentFits(observations: Observation[]): Map<number, ClockFit> {
  observations.sort((a, b) => a.dev - b.dev);
  const fits = new Map<number, ClockFit>();
  let from = 0;
  for (const o of observations) {
    const segment = Math.floor(o.dev / SEGMENT_S);
    if (fits.has(segment)) continue;
    const lo = segment * SEGMENT_S - REACH_S;
    const hi = (segment + 1) * SEGMENT_S + REACH_S;
    while (observations[from].dev < lo) from++;
    const model = new ClockModel({ windowSeconds: Infinity });
    for (let i = from; i < observations.length && observations[i].dev < hi; i++) model.observe(observations[i].dev, observations[i].host);
    fits.set(segment, model.current()!);
  }
  return fits;
}

/** The fit of dev's segment; a chunk starting just before its first observation's segment takes that one. */
function fitAt(segments: Map<number, ClockFit> | undefined, dev: number): ClockFit | undefined {
  const segment = Math.floor(dev / SEGMENT_S);
  return segments?.get(segment) ?? segments?.get(segment + 1) ?? segments?.get(segment - 1);
}
