/**
 * The min/max pyramid of a stream: per channel, the minimum and maximum of every 64 samples, of
 * every 4096 and of every 262144, so a view of any length is drawn from a few thousand points and
 * an overview of a day never touches the raw samples. A point never spans lost samples: a run of
 * consecutive sample indices ends at a gap, and so do its points (the last one is shorter).
 * Points are stored in rows of consecutive points, each written once: when it is full, or a gap or
 * the end closes it. Until then a row stays in memory, and a reader of a session still being
 * recorded takes what no row covers yet from the samples (at most one row's span per level).
 */
import type Database from 'better-sqlite3';
import type { StoredChunk } from './library';

export const PYRAMID_LEVELS = [64, 4096, 262144] as const;
/**
 * Points per stored row, per level: rows of a few KB (a day at 64x is ~2,600 rows of an ECG), and
 * what a row not yet written spans stays small (16,384, 65,536 and 262,144 samples).
 */
const ROW_POINTS = [256, 16, 1];

/** One stored row: `n` points from sample `firstIndex` on, each of `level` samples but the last (the rest of `samples`). */
export interface PyramidRow {
  level: number;
  firstIndex: number;
  /** Host time of the first sample, and seconds per sample. */
  t0: number;
  dt: number;
  n: number;
  samples: number;
  /** min[ch][n] then max[ch][n]; +Infinity/-Infinity where a point had no finite value. */
  data: Float32Array;
}

interface OpenRow {
  firstIndex: number;
  t0: number;
  dt: number;
  samples: number;
  min: number[][];
  max: number[][];
}

/** One level: the point being filled, and the row it goes into. */
class Level {
  readonly min: Float64Array;
  readonly max: Float64Array;
  samples = 0;
  firstIndex = 0;
  t0 = 0;
  dt = 0;
  row: OpenRow | null = null;
  /** Full rows, and rows a gap ended, not written yet. */
  closed: PyramidRow[] = [];

  constructor(
    readonly size: number,
    private readonly rowPoints: number,
    private readonly channels: number,
  ) {
    this.min = new Float64Array(channels).fill(Infinity);
    this.max = new Float64Array(channels).fill(-Infinity);
  }

  /** Starts a point at sample `index` (host time `t0`) if none is being filled. */
  begin(index: number, t0: number, dt: number): void {
    if (this.samples > 0) return;
    this.firstIndex = index;
    this.t0 = t0;
    this.dt = dt;
  }

  /** Ends the point being filled: into the open row (a new one if needed). */
  emit(): void {
    let row = this.row;
    if (!row) {
      const empty = () => Array.from({ length: this.channels }, () => [] as number[]);
      row = this.row = { firstIndex: this.firstIndex, t0: this.t0, dt: this.dt, samples: 0, min: empty(), max: empty() };
    }
    for (let ch = 0; ch < this.channels; ch++) {
      row.min[ch].push(this.min[ch]);
      row.max[ch].push(this.max[ch]);
    }
    row.samples += this.samples;
    this.samples = 0;
    this.min.fill(Infinity);
    this.max.fill(-Infinity);
    if (row.min[0].length === this.rowPoints) this.closeRow();
  }

  closeRow(): void {
    if (this.row) this.closed.push(this.encode(this.row));
    this.row = null;
  }

  private encode(row: OpenRow): PyramidRow {
    const n = row.min[0].length;
    const data = new Float32Array(2 * this.channels * n);
    for (let ch = 0; ch < this.channels; ch++) {
      data.set(row.min[ch], ch * n);
      data.set(row.max[ch], (this.channels + ch) * n);
    }
    return { level: this.size, firstIndex: row.firstIndex, t0: row.t0, dt: row.dt, n, samples: row.samples, data };
  }
}

/**
 * Builds one stream's pyramid from its chunks in sample order, incrementally: complete points go
 * into rows at once, the partial points stay in memory until their block fills, a gap ends them,
 * or `end()` finishes the tail.
 */
export class PyramidBuilder {
  private readonly levels: Level[];
  private nextIndex: number | null = null;

  constructor(private readonly channels: number) {
    this.levels = PYRAMID_LEVELS.map((size, k) => new Level(size, ROW_POINTS[k], channels));
  }

  add(chunk: Pick<StoredChunk, 'index' | 't0' | 'dt' | 'n' | 'data'>): void {
    const { n, data, dt } = chunk;
    if (n === 0) return;
    if (this.nextIndex !== null && chunk.index !== this.nextIndex) this.end();
    const base = this.levels[0];
    let i = 0;
    while (i < n) {
      base.begin(chunk.index + i, chunk.t0 + i * dt, dt);
      const take = Math.min(n - i, base.size - base.samples);
      for (let ch = 0; ch < this.channels; ch++) {
        let lo = base.min[ch];
        let hi = base.max[ch];
        const from = ch * n + i;
        for (let k = from; k < from + take; k++) {
          const v = data[k];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        base.min[ch] = lo;
        base.max[ch] = hi;
      }
      base.samples += take;
      i += take;
      if (base.samples === base.size) this.complete(0);
    }
    this.nextIndex = chunk.index + n;
  }

  /** Ends the run: the partial points become the last (shorter) points of their rows. */
  end(): void {
    for (let k = 0; k < this.levels.length; k++) if (this.levels[k].samples > 0) this.complete(k);
    for (const level of this.levels) level.closeRow();
    this.nextIndex = null;
  }

  /** Closed rows not written yet. */
  pending(): PyramidRow[] {
    return this.levels.flatMap((level) => level.closed);
  }

  hasPending(): boolean {
    return this.levels.some((level) => level.closed.length > 0);
  }

  /** The rows `pending()` gave were committed. */
  written(): void {
    for (const level of this.levels) level.closed = [];
  }

  /** Level k's point is done: into its row, and folded into level k + 1's point. */
  private complete(k: number): void {
    const level = this.levels[k];
    const up = this.levels[k + 1];
    if (up) {
      up.begin(level.firstIndex, level.t0, level.dt);
      for (let ch = 0; ch < this.channels; ch++) {
        if (level.min[ch] < up.min[ch]) up.min[ch] = level.min[ch];
        if (level.max[ch] > up.max[ch]) up.max[ch] = level.max[ch];
      }
      up.samples += level.samples;
    }
    level.emit();
    if (up && up.samples === up.size) this.complete(k + 1);
  }
}

export function writePyramidRows(db: Database.Database, streamId: number, rows: readonly PyramidRow[]): void {
  const insert = db.prepare('INSERT INTO pyramid (stream_id, level, first_index, t0, dt, n, samples, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(streamId, r.level, r.firstIndex, r.t0, r.dt, r.n, r.samples, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
}

/**
 * A level's rows that overlap [a, b) (host time), in time order: the last row starting at or
 * before `a` (rows of a stream do not overlap) and those starting before `b`, by the time index.
 */
export function pyramidRowsBetween(db: Database.Database, streamId: number, level: number, a: number, b: number): PyramidRow[] {
  const rows = db
    .prepare(
      `SELECT level, first_index AS firstIndex, t0, dt, n, samples, data FROM pyramid
       WHERE stream_id = @streamId AND level = @level AND t0 < @b
         AND t0 >= COALESCE((SELECT t0 FROM pyramid WHERE stream_id = @streamId AND level = @level AND t0 <= @a ORDER BY t0 DESC LIMIT 1), @a)
       ORDER BY t0`,
    )
    .all({ streamId, level, a, b }) as (Omit<PyramidRow, 'data'> & { data: Buffer })[];
  return rows.map((r) => ({ ...r, data: new Float32Array(new Uint8Array(r.data).buffer) }));
}

/** Where a level's stored points end (host time), or null when it has none. */
export function pyramidEnd(db: Database.Database, streamId: number, level: number): number | null {
  const row = db.prepare('SELECT t0 + samples * dt AS end FROM pyramid WHERE stream_id = ? AND level = ? ORDER BY t0 DESC LIMIT 1').get(streamId, level) as { end: number } | undefined;
  return row?.end ?? null;
}
