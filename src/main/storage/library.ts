import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Chunk, SessionEvent, SessionSummary, StreamInfo, StreamKind } from '../../shared/types';
import { MIGRATIONS } from './migrations';

export interface LibraryOptions {
  /** A better-sqlite3 binding built for another runtime (Electron); see EngineOptions. */
  nativeBinding?: string;
  /**
   * Open an existing library for reading only (a job's own connection): WAL lets it read while
   * the recorder writes, and it never migrates or creates anything.
   */
  readonly?: boolean;
}

export interface StoredStream {
  id: number;
  key: string;
  name: string;
  kind: StreamKind;
  rate: number;
  channels: { label: string; unit: string }[];
  samples: number;
  /** For a stream the analysis derived: the key of its source stream. */
  derivedFrom: string | null;
}

export interface StoredSession {
  id: number;
  name: string;
  participant: string;
  startedAt: number;
  endedAt: number | null;
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

/** The library database: one SQLite file (WAL) holding every recorded session. */
export class Library {
  readonly db: Database.Database;

  constructor(readonly path: string, options: LibraryOptions = {}) {
    if (options.readonly) {
      if (!existsSync(path)) throw new Error(`there is no library database at ${path}`);
      try {
        this.db = new Database(path, { nativeBinding: options.nativeBinding, readonly: true, fileMustExist: true });
        this.checkVersion();
      } catch (error) {
        throw new Error(`cannot open library database ${path} for reading: ${(error as Error).message}`);
      }
      return;
    }
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path, { nativeBinding: options.nativeBinding });
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a committed transaction survives an application crash.
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
    } catch (error) {
      throw new Error(`cannot open library database ${path}: ${(error as Error).message}`);
    }
  }

  close(): void {
    this.db.close();
  }

  /** The schema version, refused when a newer Vitalscope wrote it. */
  private checkVersion(): number {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`it was written by a newer Vitalscope (schema ${version}, this version knows ${MIGRATIONS.length})`);
    }
    return version;
  }

  private migrate(): void {
    const version = this.checkVersion();
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  createSession(name: string, participant: string, startedAt: number): number {
    const r = this.db.prepare('INSERT INTO sessions (name, participant, started_at) VALUES (?, ?, ?)').run(name, participant, startedAt);
    return Number(r.lastInsertRowid);
  }

  endSession(id: number, endedAt: number): void {
    this.db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ?').run(endedAt, id);
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

  /** Writes chunks and events in one transaction: all of a flush lands, or none of it. */
  write(sessionId: number, chunks: { streamId: number; chunk: Chunk }[], events: { streamId: number | null; event: SessionEvent }[]): void {
    const insertChunk = this.db.prepare('INSERT INTO chunks (stream_id, sample_index, t0, dt, n, dtype, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const count = this.db.prepare('UPDATE streams SET samples = samples + ? WHERE id = ?');
    const insertEvent = this.db.prepare('INSERT INTO events (session_id, stream_id, t, duration, kind, text) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { streamId, chunk } of chunks) {
        const { data } = chunk;
        insertChunk.run(
          streamId,
          chunk.index,
          chunk.t0,
          chunk.dt,
          chunk.n,
          data instanceof Float64Array ? 'f64' : 'f32',
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        );
        count.run(chunk.n, streamId);
      }
      for (const { streamId, event } of events) insertEvent.run(sessionId, streamId, event.t, event.duration, event.kind, event.text);
    })();
  }

  sessions(): StoredSession[] {
    const rows = this.db.prepare('SELECT id FROM sessions ORDER BY started_at DESC, id DESC').all() as { id: number }[];
    return rows.map((r) => this.session(r.id)!);
  }

  session(id: number): StoredSession | null {
    const row = this.db.prepare('SELECT id, name, participant, started_at, ended_at FROM sessions WHERE id = ?').get(id) as
      | { id: number; name: string; participant: string; started_at: number; ended_at: number | null }
      | undefined;
    if (!row) return null;
    const streams = (
      this.db.prepare('SELECT id, key, name, kind, rate, channels, samples, derived_from AS derivedFrom FROM streams WHERE session_id = ? ORDER BY id').all(id) as (Omit<
        StoredStream,
        'channels'
      > & { channels: string })[]
    ).map((s) => ({ ...s, channels: JSON.parse(s.channels) as StoredStream['channels'] }));
    return { id: row.id, name: row.name, participant: row.participant, startedAt: row.started_at, endedAt: row.ended_at, streams };
  }

  /** A stream's chunks in time order, decoded lazily so a long session never sits in memory whole. */
  *chunks(streamId: number): Generator<StoredChunk> {
    const rows = this.db
      .prepare('SELECT sample_index AS "index", t0, dt, n, dtype, data FROM chunks WHERE stream_id = ? ORDER BY sample_index')
      .iterate(streamId) as Iterable<{ index: number; t0: number; dt: number; n: number; dtype: string; data: Buffer }>;
    for (const r of rows) {
      const bytes = new Uint8Array(r.data); // copy: aligned, and owned past the iterator step
      const data = r.dtype === 'f64' ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
      yield { index: r.index, t0: r.t0, dt: r.dt, n: r.n, data };
    }
  }

  events(sessionId: number): (SessionEvent & { stream: string | null })[] {
    return this.db
      .prepare(
        `SELECT e.t, e.duration, e.kind, e.text, s.name AS stream, s.key AS key FROM events e
         LEFT JOIN streams s ON s.id = e.stream_id WHERE e.session_id = ? ORDER BY e.t, e.id`,
      )
      .all(sessionId)
      .map((r) => {
        const { key, ...rest } = r as SessionEvent & { stream: string | null; key: string | null };
        return key ? { ...rest, key } : rest;
      });
  }
}

export function toSummary(s: StoredSession): SessionSummary {
  return {
    id: s.id,
    name: s.name,
    participant: s.participant,
    startedAt: new Date(s.startedAt * 1000).toISOString(),
    endedAt: s.endedAt === null ? null : new Date(s.endedAt * 1000).toISOString(),
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
