import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { normalizeTags, sessionName } from '../../shared/session-library';
import type { ReviewStream } from '../../shared/review';
import type { Chunk, SessionEvent, SessionStatus, SessionSummary, StreamInfo } from '../../shared/types';
import { recoverInterrupted } from './crash-recovery';
import { MIGRATIONS } from './migrations';
import { NewerSchemaError, prepareLibraryFile, explainOpenFailure } from './open-errors';
import { PyramidBuilder, writePyramidRows, type PyramidRow } from './pyramid';
import { retimeSession } from './retime';

export interface LibraryOptions {
  /** A better-sqlite3 binding built for another runtime (Electron); see EngineOptions. */
  nativeBinding?: string;
  /** synchronous=FULL: a commit also survives a power loss or OS crash, at a cost per flush (see `npm run bench -- durable`). */
  durable?: boolean;
  /**
   * Open an existing library for reading only (a job's own connection): WAL lets it read while
   * the recorder writes, and it never migrates or creates anything.
   */
  readonly?: boolean;
}

/** A stored stream: what the review view is told of it (`derivedFrom`: for a stream the analysis derived, its source's key), and its row id. */
export interface StoredStream extends ReviewStream {
  id: number;
}

export interface StoredSession {
  id: number;
  name: string;
  participant: string;
  /** The study it belongs to ('' for none). */
  study: string;
  startedAt: number;
  endedAt: number | null;
  status: SessionStatus;
  tags: string[];
  /** Labels of its devices, in the order they were added. */
  devices: string[];
  streams: StoredStream[];
}

export interface StoredChunk {
  index: number;
  t0: number;
  dt: number;
  n: number;
  data: Float32Array | Float64Array;
}

export interface NewDevice {
  key: string;
  label: string;
  transport: string;
  descriptor: unknown;
}

/** Stamped on every flush of a live recording: who records it, and when it last wrote (wall clock, s). */
export interface Heartbeat {
  pid: number;
  at: number;
}

/** A device's online clock fit at host time `t` (see `clock_fits`). */
export interface LiveClockFit {
  deviceRowId: number;
  epoch: number;
  t: number;
  dev: number;
  offset: number;
  drift: number;
}

/** What a flush writes beside chunks and events. */
export interface WriteExtras {
  heartbeat?: Heartbeat;
  /** Pyramid rows per stream row, new or grown since the last write. */
  pyramid?: { streamId: number; rows: readonly PyramidRow[] }[];
  fits?: readonly LiveClockFit[];
}

/** Event kinds stored as compact per-stream series (`marks`), not one row each. */
const MARK_KINDS: ReadonlySet<string> = new Set(['beat', 'step']);

/** The library database: one SQLite file (WAL) holding every recorded session. */
export class Library {
  private connection: Database.Database;
  /** The file's identity at open, to notice it being deleted or replaced under us. */
  private inode: number | null = null;
  /** Sessions a crash had left open, closed as 'recovered' by this open. */
  readonly recovered: number[];

  constructor(
    readonly path: string,
    private readonly options: LibraryOptions = {},
  ) {
    if (options.readonly) {
      if (!existsSync(path)) throw new Error(`there is no library database at ${path}`);
      try {
        this.connection = new Database(path, { nativeBinding: options.nativeBinding, readonly: true, fileMustExist: true });
        this.checkVersion();
      } catch (error) {
        throw new Error(`cannot open library database ${path} for reading: ${(error as Error).message}`);
      }
      this.recovered = [];
      return;
    }
    if (path !== ':memory:') prepareLibraryFile(path);
    let db: Database.Database | undefined;
    try {
      this.connection = db = this.connect();
      this.migrate();
      this.recovered = recoverInterrupted(db);
    } catch (error) {
      if (db?.open) db.close();
      throw new Error(explainOpenFailure(path, error, options.nativeBinding));
    }
  }

  get db(): Database.Database {
    return this.connection;
  }

  close(): void {
    this.connection.close();
  }

  private connect(): Database.Database {
    const db = new Database(this.path, { nativeBinding: this.options.nativeBinding });
    db.pragma('journal_mode = WAL');
    // In WAL mode, NORMAL syncs at checkpoints only: a committed transaction survives an
    // application crash (it is in the -wal file the OS holds), but a power loss or OS crash can
    // lose the last commits before the next checkpoint. FULL (--durable) syncs the WAL on every
    // commit, so a commit survives those too.
    db.pragma(`synchronous = ${this.options.durable ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    if (this.path !== ':memory:') this.inode = statSync(this.path).ino;
    return db;
  }

  /** The schema version, refused when a newer Vitalscope wrote it. */
  private checkVersion(): number {
    const version = this.connection.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) throw new NewerSchemaError(version, MIGRATIONS.length);
    return version;
  }

  private migrate(): void {
    const version = this.checkVersion();
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.connection.transaction(() => {
        this.connection.exec(MIGRATIONS[v]);
        this.connection.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /**
   * When the file was deleted (or replaced) while open, SQLite keeps writing to the unlinked
   * inode, and all of it would vanish at close. Re-creates the file from this connection, which
   * still sees every committed row, and reconnects to it; throws when that is impossible.
   */
  private ensureFile(): void {
    if (this.inode === null) return;
    let ino: number | null = null;
    try {
      ino = statSync(this.path).ino;
    } catch {
      // missing: restored below
    }
    if (ino === this.inode) return;
    const restoring = `${this.path}.restoring`;
    try {
      rmSync(restoring, { force: true });
      this.connection.prepare('VACUUM INTO ?').run(restoring);
      // Closing last deletes the old -wal/-shm by name, before the restored file takes the name.
      this.connection.close();
      renameSync(restoring, this.path);
      this.connection = this.connect();
    } catch (error) {
      throw new Error(`the library ${this.path} was deleted or replaced while open and could not be re-created: ${(error as Error).message}`);
    }
  }

  createSession(name: string, participant: string, startedAt: number): number {
    const r = this.db
      .prepare(`INSERT INTO sessions (name, participant, started_at, status, owner_pid, last_flush_at) VALUES (?, ?, ?, 'recording', ?, ?)`)
      .run(name, participant, startedAt, process.pid, Date.now() / 1000);
    return Number(r.lastInsertRowid);
  }

  /**
   * Closes the session and, unless `retime` is false (then `finishSession` does it, in a job),
   * re-times its device streams with the clock fit of the whole session (see retime.ts).
   * `pyramidBuilt`: the recorder wrote every stream's pyramid to the end.
   */
  endSession(id: number, endedAt: number, pyramidBuilt = false, retime = true): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE sessions SET ended_at = ?, status = 'complete', owner_pid = NULL, retimed = ? WHERE id = ?`).run(endedAt, retime ? 1 : 0, id);
      if (pyramidBuilt) this.db.prepare('UPDATE streams SET pyramid = 1 WHERE session_id = ?').run(id);
      if (retime) retimeSession(this.db, id);
    })();
  }

  /** What closing left for later: the re-timing (when the recorder left it to a job) and the pyramid. Long for a long session. */
  finishSession(id: number): void {
    this.db.transaction(() => {
      retimeSession(this.db, id);
      this.db.prepare('UPDATE sessions SET retimed = 1 WHERE id = ?').run(id);
    })();
    this.ensurePyramid(id);
  }

  /**
   * Closed sessions whose re-timing or pyramid is still to do (see finishSession), with their
   * samples; only session `onlyId` when given (the review asks on every read: one session's rows).
   */
  unfinishedSessions(onlyId?: number): { id: number; samples: number }[] {
    return this.db
      .prepare(
        `SELECT se.id, COALESCE(SUM(s.samples), 0) AS samples FROM sessions se JOIN streams s ON s.session_id = se.id
         WHERE se.status != 'recording' AND (@id IS NULL OR se.id = @id) AND (se.retimed = 0 OR (s.pyramid = 0 AND s.rate > 0)) GROUP BY se.id`,
      )
      .all({ id: onlyId ?? null }) as { id: number; samples: number }[];
  }

  /**
   * Builds the pyramid of every stream of a closed session that lacks a complete one (an older
   * library, an imported file, a session a crash ended), from its chunks. Long for a long
   * session: a job's work where that matters. A session still recording is left to its recorder.
   */
  ensurePyramid(sessionId: number): void {
    const streams = this.db
      .prepare(
        `SELECT s.id, s.channels FROM streams s JOIN sessions se ON se.id = s.session_id
         WHERE s.session_id = ? AND s.pyramid = 0 AND s.rate > 0 AND se.status != 'recording'`,
      )
      .all(sessionId) as { id: number; channels: string }[];
    for (const s of streams) {
      const builder = new PyramidBuilder((JSON.parse(s.channels) as unknown[]).length);
      for (const chunk of this.chunks(s.id)) builder.add(chunk);
      builder.end();
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM pyramid WHERE stream_id = ?').run(s.id);
        writePyramidRows(this.db, s.id, builder.pending());
        this.db.prepare('UPDATE streams SET pyramid = 1 WHERE id = ?').run(s.id);
      })();
    }
  }

  /** Whether the stream's pyramid covers all of its chunks. */
  hasPyramid(streamId: number): boolean {
    return (this.db.prepare('SELECT pyramid FROM streams WHERE id = ?').get(streamId) as { pyramid: number } | undefined)?.pyramid === 1;
  }

  addDevice(sessionId: number, device: NewDevice): number {
    const r = this.db
      .prepare(
        `INSERT INTO devices (session_id, device_key, label, transport, descriptor) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (session_id, device_key) DO UPDATE SET descriptor = excluded.descriptor RETURNING id`,
      )
      .get(sessionId, device.key, device.label, device.transport, JSON.stringify(device.descriptor ?? {})) as { id: number };
    return r.id;
  }

  addStream(sessionId: number, deviceRowId: number | null, info: StreamInfo): number {
    const existing = this.db.prepare('SELECT id FROM streams WHERE session_id = ? AND key = ?').get(sessionId, info.key) as { id: number } | undefined;
    if (existing) return existing.id;
    const r = this.db
      .prepare('INSERT INTO streams (session_id, device_id, key, name, kind, rate, channels, derived_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(sessionId, deviceRowId, info.key, info.name, info.kind, info.rate, JSON.stringify(info.channels), info.derivedFrom ?? null);
    return Number(r.lastInsertRowid);
  }

  /**
   * Writes chunks, events, pyramid rows and clock fits in one transaction with the session's
   * heartbeat: all of a flush lands, or none of it. Beats and steps go into `marks`, one row per
   * stream and text per flush. The heartbeat also reclaims a session another process wrongly
   * recovered while this one could not write.
   */
  write(
    sessionId: number,
    chunks: { streamId: number; chunk: Chunk }[],
    events: { streamId: number | null; event: SessionEvent }[],
    extras: WriteExtras = {},
  ): void {
    this.ensureFile();
    const heartbeat = extras.heartbeat ?? { pid: process.pid, at: Date.now() / 1000 };
    const stamp = this.db.prepare(`UPDATE sessions SET status = 'recording', ended_at = NULL, owner_pid = ?, last_flush_at = ? WHERE id = ?`);
    const insertChunk = this.db.prepare(
      'INSERT INTO chunks (stream_id, sample_index, t0, dt, n, dtype, data, dev0, clock_epoch, obs_dev, arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const count = this.db.prepare('UPDATE streams SET samples = samples + ? WHERE id = ?');
    const insertEvent = this.db.prepare('INSERT INTO events (session_id, stream_id, t, duration, kind, text, lost) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const marks = new Map<string, { streamId: number; kind: string; text: string; times: number[] }>();
    this.db.transaction(() => {
      for (const { streamId, chunk } of chunks) {
        const { data, clock } = chunk;
        insertChunk.run(
          streamId,
          chunk.index,
          chunk.t0,
          chunk.dt,
          chunk.n,
          data instanceof Float64Array ? 'f64' : 'f32',
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
          clock?.dev0 ?? null,
          clock?.epoch ?? null,
          clock?.obsDev ?? null,
          clock?.arrival ?? null,
        );
        count.run(chunk.n, streamId);
      }
      for (const { streamId, event } of events) {
        if (streamId !== null && MARK_KINDS.has(event.kind)) {
          const key = `${streamId}\n${event.kind}\n${event.text}`;
          let series = marks.get(key);
          if (!series) marks.set(key, (series = { streamId, kind: event.kind, text: event.text, times: [] }));
          series.times.push(event.t);
        } else insertEvent.run(sessionId, streamId, event.t, event.duration, event.kind, event.text, event.lost ?? null);
      }
      // Prepared only when needed: most flushes have no marks, pyramid rows or fits, and a prepare costs as much as a small insert.
      for (const m of marks.values()) this.writeMarks(m.streamId, m.kind, m.text, m.times);
      for (const p of extras.pyramid ?? []) if (p.rows.length > 0) writePyramidRows(this.db, p.streamId, p.rows);
      if (extras.fits?.length) {
        const insertFit = this.db.prepare("INSERT INTO clock_fits (device_id, epoch, source, t, dev, offset, drift) VALUES (?, ?, 'live', ?, ?, ?, ?)");
        for (const f of extras.fits) insertFit.run(f.deviceRowId, f.epoch, f.t, f.dev, f.offset, f.drift);
      }
      stamp.run(heartbeat.pid, heartbeat.at, sessionId);
    })();
  }

  /** One series of a stream's beats or steps (host times, any order) as one `marks` row; beside the stream's other series. */
  writeMarks(streamId: number, kind: string, text: string, times: readonly number[]): void {
    if (times.length === 0) return;
    const sorted = Float64Array.from(times).sort();
    this.db.prepare('INSERT INTO marks (stream_id, kind, text, first_t, count, times) VALUES (?, ?, ?, ?, ?, ?)').run(streamId, kind, text, sorted[0], sorted.length, Buffer.from(sorted.buffer));
  }

  sessions(): StoredSession[] {
    const rows = this.db.prepare('SELECT id FROM sessions ORDER BY started_at DESC, id DESC').all() as { id: number }[];
    return rows.map((r) => this.session(r.id)!);
  }

  session(id: number): StoredSession | null {
    const row = this.db.prepare('SELECT id, name, participant, study, started_at, ended_at, status FROM sessions WHERE id = ?').get(id) as
      | { id: number; name: string; participant: string; study: string; started_at: number; ended_at: number | null; status: SessionStatus }
      | undefined;
    if (!row) return null;
    const streams = (
      this.db.prepare('SELECT id, key, name, kind, rate, channels, samples, derived_from AS derivedFrom FROM streams WHERE session_id = ? ORDER BY id').all(id) as (Omit<
        StoredStream,
        'channels'
      > & { channels: string })[]
    ).map((s) => ({ ...s, channels: JSON.parse(s.channels) as StoredStream['channels'] }));
    const tags = this.db.prepare('SELECT tag FROM session_tags WHERE session_id = ? ORDER BY tag COLLATE NOCASE').pluck().all(id) as string[];
    const devices = this.db.prepare('SELECT label FROM devices WHERE session_id = ? ORDER BY id').pluck().all(id) as string[];
    return { id: row.id, name: row.name, participant: row.participant, study: row.study, startedAt: row.started_at, endedAt: row.ended_at, status: row.status, tags, devices, streams };
  }

  /** A session's devices in the order they were added: label and the firmware their descriptor names (null where none does). */
  sessionDevices(id: number): { label: string; firmware: string | null }[] {
    const rows = this.db.prepare('SELECT label, descriptor FROM devices WHERE session_id = ? ORDER BY id').all(id) as { label: string; descriptor: string }[];
    return rows.map((r) => {
      const firmware = (JSON.parse(r.descriptor) as { firmware?: unknown } | null)?.firmware;
      return { label: r.label, firmware: typeof firmware === 'string' && firmware !== '' ? firmware : null };
    });
  }

  renameSession(id: number, name: string): void {
    const changed = this.db.prepare('UPDATE sessions SET name = ? WHERE id = ?').run(sessionName(name), id).changes;
    if (!changed) throw new Error(`no session ${id} in ${this.path}`);
  }

  /** Replaces the session's tags with `tags` (normalized: see normalizeTags). */
  setSessionTags(id: number, tags: readonly string[]): void {
    const kept = normalizeTags(tags);
    if (!this.session(id)) throw new Error(`no session ${id} in ${this.path}`);
    const insert = this.db.prepare('INSERT INTO session_tags (session_id, tag) VALUES (?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM session_tags WHERE session_id = ?').run(id);
      for (const tag of kept) insert.run(id, tag);
    })();
  }

  /**
   * Deletes a session and everything of it (devices, streams, chunks, events, tags: the foreign
   * keys cascade) in one transaction. Refused while it is being recorded. The freed pages are
   * reused by later recordings and imports; the file does not shrink (a VACUUM would rewrite the
   * whole library, blocking the recorder for as long).
   */
  deleteSession(id: number): void {
    const session = this.session(id);
    if (!session) throw new Error(`no session ${id} in ${this.path}`);
    if (session.status === 'recording') throw new Error(`session ${id} ("${session.name}") is being recorded: stop the recording before deleting it`);
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }

  /** A stream's chunks in time order, decoded lazily so a long session never sits in memory whole. */
  *chunks(streamId: number): Generator<StoredChunk> {
    const rows = this.db
      .prepare('SELECT sample_index AS "index", t0, dt, n, dtype, data FROM chunks WHERE stream_id = ? ORDER BY sample_index')
      .iterate(streamId) as Iterable<{ index: number; t0: number; dt: number; n: number; dtype: string; data: Buffer }>;
    for (const r of rows) yield decodeChunk(r);
  }

  /**
   * A stream's chunks that overlap [a, b) (host time), in time order. Through the time index it
   * reads only those: the last chunk starting at or before `a` (a stream's chunks do not overlap)
   * and the ones starting before `b`.
   */
  chunksBetween(streamId: number, a: number, b: number): StoredChunk[] {
    const rows = this.db
      .prepare(
        `SELECT sample_index AS "index", t0, dt, n, dtype, data FROM chunks
         WHERE stream_id = @streamId AND t0 < @b
           AND t0 >= COALESCE((SELECT t0 FROM chunks WHERE stream_id = @streamId AND t0 <= @a ORDER BY t0 DESC LIMIT 1), @a)
         ORDER BY t0`,
      )
      .all({ streamId, a, b }) as ChunkRow[];
    return rows.filter((r) => r.t0 + r.n * r.dt > a).map(decodeChunk);
  }

  /**
   * A stream's chunks whose first sample falls in [a, b) (host time), in sample order: stepping
   * [a, b) along a session visits every chunk exactly once, through the (stream, t0) index.
   */
  chunksStartingIn(streamId: number, a: number, b: number): StoredChunk[] {
    const rows = this.db
      .prepare('SELECT sample_index AS "index", t0, dt, n, dtype, data FROM chunks WHERE stream_id = ? AND t0 >= ? AND t0 < ? ORDER BY sample_index')
      .all(streamId, a, b) as ChunkRow[];
    return rows.map(decodeChunk);
  }

  /** Host times of a stream's first and last chunk starts; null when it has none. */
  chunkStarts(streamId: number): { first: number; last: number } | null {
    const r = this.db
      .prepare('SELECT (SELECT MIN(t0) FROM chunks WHERE stream_id = ?) AS first, (SELECT MAX(t0) FROM chunks WHERE stream_id = ?) AS last')
      .get(streamId, streamId) as { first: number | null; last: number | null };
    return r.first === null || r.last === null ? null : { first: r.first, last: r.last };
  }

  /** A session's events of the given kinds at host times [a, b), in time order, with their stream's key. */
  eventsBetween(sessionId: number, kinds: readonly string[], a: number, b: number): SessionEvent[] {
    return (
      this.db
        .prepare(
          `SELECT e.t, e.duration, e.kind, e.text, s.key AS key FROM events e LEFT JOIN streams s ON s.id = e.stream_id
           WHERE e.session_id = ? AND e.t >= ? AND e.t < ? AND e.kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY e.t, e.id`,
        )
        .all(sessionId, a, b, ...kinds) as (Omit<SessionEvent, 'key'> & { key: string | null })[]
    ).map(({ key, ...e }) => (key ? { ...e, key } : e));
  }

  /** A stream's beat or step times (host time, ascending): its mark series, and the event rows of a library from before them. */
  markTimes(streamId: number): number[] {
    const times: number[] = [];
    for (const r of this.db.prepare('SELECT times FROM marks WHERE stream_id = ? ORDER BY first_t').all(streamId) as { times: Buffer }[]) {
      times.push(...new Float64Array(new Uint8Array(r.times).buffer));
    }
    const legacy = this.db
      .prepare("SELECT t FROM events WHERE session_id = (SELECT session_id FROM streams WHERE id = @streamId) AND stream_id = @streamId AND kind IN ('beat', 'step') ORDER BY t")
      .all({ streamId }) as { t: number }[];
    for (const r of legacy) times.push(r.t);
    return legacy.length ? times.sort((x, y) => x - y) : times;
  }

  /** Sets the duration of the session's protocol step (a 'step' event of no stream) that began at host time t. */
  setStepDuration(sessionId: number, t: number, duration: number): void {
    this.db.prepare("UPDATE events SET duration = ? WHERE session_id = ? AND kind = 'step' AND stream_id IS NULL AND t = ?").run(duration, sessionId, t);
  }

  /** Adds a label event (host time t); returns its row id. */
  addLabel(sessionId: number, streamId: number | null, t: number, duration: number, text: string): number {
    return Number(this.db.prepare("INSERT INTO events (session_id, stream_id, t, duration, kind, text) VALUES (?, ?, ?, ?, 'label', ?)").run(sessionId, streamId, t, duration, text).lastInsertRowid);
  }

  updateLabel(sessionId: number, labelId: number, streamId: number | null, t: number, duration: number, text: string): void {
    const changed = this.db.prepare("UPDATE events SET stream_id = ?, t = ?, duration = ?, text = ? WHERE id = ? AND session_id = ? AND kind = 'label'").run(streamId, t, duration, text, labelId, sessionId).changes;
    if (!changed) throw new Error(`session ${sessionId} has no label ${labelId}`);
  }

  deleteLabel(sessionId: number, labelId: number): void {
    const changed = this.db.prepare("DELETE FROM events WHERE id = ? AND session_id = ? AND kind = 'label'").run(labelId, sessionId).changes;
    if (!changed) throw new Error(`session ${sessionId} has no label ${labelId}`);
  }

  /** All of a session's events in time order, beats and steps from their mark series included. */
  events(sessionId: number): (SessionEvent & { stream: string | null })[] {
    const rows = this.db
      .prepare(
        `SELECT e.t, e.duration, e.kind, e.text, e.lost, s.name AS stream, s.key AS key FROM events e
         LEFT JOIN streams s ON s.id = e.stream_id WHERE e.session_id = ? ORDER BY e.t, e.id`,
      )
      .all(sessionId)
      .map((r) => {
        const { key, lost, ...rest } = r as SessionEvent & { stream: string | null; key: string | null; lost: number | null };
        return { ...rest, ...(key ? { key } : {}), ...(lost !== null ? { lost } : {}) };
      });
    const marks = this.db
      .prepare('SELECT m.kind, m.text, m.times, s.name AS stream, s.key AS key FROM marks m JOIN streams s ON s.id = m.stream_id WHERE s.session_id = ?')
      .all(sessionId) as { kind: SessionEvent['kind']; text: string; times: Buffer; stream: string; key: string }[];
    if (marks.length === 0) return rows;
    const all: (SessionEvent & { stream: string | null })[] = [...rows];
    for (const m of marks) {
      for (const t of new Float64Array(new Uint8Array(m.times).buffer)) all.push({ t, duration: 0, kind: m.kind, text: m.text, stream: m.stream, key: m.key });
    }
    // Stable: at equal times, events keep their row order before the marks.
    return all.sort((x, y) => x.t - y.t);
  }
}

interface ChunkRow {
  index: number;
  t0: number;
  dt: number;
  n: number;
  dtype: string;
  data: Buffer;
}

/** A stored chunk row decoded; the copy makes the samples aligned and owned past the statement. */
function decodeChunk(r: ChunkRow): StoredChunk {
  const bytes = new Uint8Array(r.data);
  return { index: r.index, t0: r.t0, dt: r.dt, n: r.n, data: r.dtype === 'f64' ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer) };
}

export function toSummary(s: StoredSession): SessionSummary {
  return {
    id: s.id,
    status: s.status,
    name: s.name,
    participant: s.participant,
    study: s.study,
    startedAt: new Date(s.startedAt * 1000).toISOString(),
    endedAt: s.endedAt === null ? null : new Date(s.endedAt * 1000).toISOString(),
    durationSec: s.endedAt === null ? null : s.endedAt - s.startedAt,
    tags: s.tags,
    devices: s.devices,
    streams: s.streams.map((st) => ({
      name: st.name,
      kind: st.kind,
      rate: st.rate,
      channels: st.channels.map((c) => c.label),
      samples: st.samples,
      ...(st.derivedFrom ? { derivedFrom: st.derivedFrom } : {}),
    })),
  };
}
