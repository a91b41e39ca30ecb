// Storage for long sessions on real SQLite files: a day of a 500 Hz stream recorded through the
// Recorder, read back as an overview from the pyramid alone and as exact 10 s ranges; every query
// of the blob tables EXPLAIN-checked; the incremental pyramid against one built from scratch;
// beats as mark series.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { recoverInterrupted } from '../../src/main/storage/crash-recovery';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import { detectedBeats, readTrack, sessionDetail } from '../../src/main/storage/review-queries';
import type { StreamInfo } from '../../src/shared/types';
import { tempDir } from '../helpers/temp-dir';

const START = 1_800_000_000;
const RATE = 500;
const DAY = 86_400;
const CHUNK = 5000;
const info: StreamInfo = { key: 'w/ecg', deviceId: 'w', name: 'ecg', kind: 'ecg', rate: RATE, channels: [{ label: 'I', unit: 'mV' }] };

/** The value of sample k: deterministic, varied within every block, exact in Float32 after fround. */
const value = (k: number) => Math.fround(Math.sin(k * 0.013) * 100 + (k % 977) * 0.01);

/** The board's clock runs 200 ppm fast and read 50 s at the session's start; it takes a sample every 1/RATE of it. */
const DRIFT = 200e-6;
const devTime = (k: number) => 50 + k / RATE;
/** When sample k was really taken, seconds from the start. */
const trueTime = (k: number) => k / RATE / (1 + DRIFT);
/** The first sample at or after t s from the start. */
const firstAt = (t: number) => Math.ceil(t * RATE * (1 + DRIFT) - 1e-6);
/** The chunk whose samples span t s from the start (the one of the last sample at or before t). */
const chunkAt = (t: number) => Math.floor(Math.floor(t * RATE * (1 + DRIFT) + 1e-6) / CHUNK);

/**
 * Records `seconds` of the stream through a Recorder (one flush per chunk), leaving out the chunks
 * listed in `lost` (by chunk number), with a beat every second outside them. Each chunk carries its device
 * times, arriving without delay, and an online time up to 0.4 ms off, which re-timing corrects
 * (beats move with their chunk).
 */
function record(library: Library, seconds: number, lost: ReadonlySet<number>, chunkSamples: (k: number) => number = () => CHUNK, stop = true): Recorder {
  const bus = new StreamBus();
  bus.setStreams('w', [info]);
  let now = START;
  const recorder = new Recorder({ library, bus, now: () => now, describeDevice: (id) => ({ key: id, label: 'W', transport: 'sim', descriptor: {} }), flushIntervalMs: 1e9 }, 'day', 'P1');
  const total = seconds * RATE;
  let nextBeat = 1;
  for (let index = 0, k = 0; index < total; k++) {
    const n = Math.min(chunkSamples(k), total - index);
    if (!lost.has(k)) {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = value(index + i);
      const obsDev = devTime(index + n - 1);
      const clock = { dev0: devTime(index), epoch: 0, obsDev, arrival: START + trueTime(index + n - 1), offset: 0, drift: 0 };
      bus.publish({ key: info.key, index, t0: START + trueTime(index) + 0.0002 * (k % 3), dt: 1 / RATE / (1 + DRIFT), n, data, clock });
    }
    index += n;
    now = START + index / RATE;
    // Beats as the live analysis places them: by the online times of their chunk.
    for (; nextBeat < trueTime(index); nextBeat++) {
      const chunkOf = chunkAt(nextBeat);
      if (lost.has(chunkOf)) continue;
      bus.publishEvent({ kind: 'beat', key: info.key, t: START + nextBeat + 0.0002 * (chunkOf % 3), duration: 0, text: 'R' });
    }
    recorder.flush();
  }
  if (stop) recorder.stop();
  return recorder;
}

/** Counts the rows the library's chunk reads return, and the SQL of every statement it prepares. */
function instrument(library: Library) {
  const db = library.db;
  const prepare = db.prepare.bind(db);
  /** `own`: the test's own queries, not recorded. */
  const seen = { chunkRows: 0, sql: new Set<string>(), own: prepare };
  const between = library.chunksBetween.bind(library);
  library.chunksBetween = (...args) => {
    const rows = between(...args);
    seen.chunkRows += rows.length;
    return rows;
  };
  const all = library.chunks.bind(library);
  library.chunks = function* (streamId) {
    for (const c of all(streamId)) {
      seen.chunkRows++;
      yield c;
    }
  };
  db.prepare = ((sql: string) => {
    seen.sql.add(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  return seen;
}

/** EXPLAIN QUERY PLAN of a statement, its parameters bound to NULL. */
function plan(own: Library['db']['prepare'], sql: string): string[] {
  const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]))];
  const statement = own(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (named.length ? statement.all(Object.fromEntries(named.map((n) => [n, null]))) : statement.all(...new Array<null>((sql.match(/\?/g) ?? []).length).fill(null))) as {
    detail: string;
  }[];
  return rows.map((r) => r.detail);
}

describe('a 24-hour session in the library', () => {
  const dir = tempDir('long-session');
  afterAll(() => dir.cleanup());
  // Chunks 3000 (8:20 h in) and 7000-7001 (19:26 h in) are lost: 10 s and 20 s gaps.
  const lost = new Set([3000, 7000, 7001]);
  const library = new Library(join(dir.path, 'day.db'));
  const seen = instrument(library);
  const sessionId = record(library, DAY, lost).state.sessionId;
  afterAll(() => library.close());

  it('re-timed the chunks on close from their device times, keeping the online times', () => {
    const off = seen.own('SELECT MAX(ABS(t0 - (? + sample_index / ?))) AS worst, MAX(ABS(t0_live - t0)) AS moved FROM chunks').get(START, RATE * (1 + DRIFT)) as {
      worst: number;
      moved: number;
    };
    expect(off.worst).toBeLessThan(2e-6);
    expect(off.moved).toBeGreaterThan(3e-4);
    const fits = seen.own("SELECT source, COUNT(*) AS n, AVG(drift) AS drift FROM clock_fits GROUP BY source ORDER BY source").all() as { source: string; n: number; drift: number }[];
    expect(fits.map((f) => f.source)).toEqual(['live', 'session']);
    // One fit per 600 s of device time.
    expect(fits[1].n).toBe(Math.floor(devTime(DAY * RATE) / 600) + 1);
    expect((1 / (1 + fits[1].drift) - 1) * 1e6).toBeCloseTo(200, 3);
    seen.chunkRows = 0;
  });

  it('draws the whole-day overview from the pyramid alone, at the coarsest level with a point per column', () => {
    const overview = readTrack(library, sessionId, info.key, 0, DAY, 2000);
    expect(overview.mode).toBe('minmax');
    if (overview.mode !== 'minmax') return;
    expect(overview.level).toBe(4096);
    expect(seen.chunkRows).toBe(0);
    expect(overview.min[0].every((v) => v !== null)).toBe(true);
    const top = readTrack(library, sessionId, info.key, 0, DAY, 100);
    expect(top.mode === 'minmax' && top.level).toBe(262144);
    expect(seen.chunkRows).toBe(0);
    // Each column encloses its samples (a point reaches at most 4096 samples past them).
    const random = new Prng(5);
    for (let j = 0; j < 5; j++) {
      const col = Math.floor(random.next() * 2000);
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = firstAt((col * DAY) / 2000); k < firstAt(((col + 1) * DAY) / 2000); k++) {
        if (lost.has(Math.floor(k / CHUNK))) continue;
        lo = Math.min(lo, value(k));
        hi = Math.max(hi, value(k));
      }
      expect(overview.min[0][col]).toBeLessThanOrEqual(lo);
      expect(overview.max[0][col]).toBeGreaterThanOrEqual(hi);
    }
  });

  it('reads 10 s anywhere exactly as recorded, touching only the chunks it needs, with nulls in a gap', () => {
    const random = new Prng(9);
    for (let j = 0; j < 20; j++) {
      // The first read spans the 10 s gap of chunk 3000 (29994 to 30004 s).
      const [t0, t1] = j === 0 ? [29_990, 30_008] : [random.next() * (DAY - 20), 0];
      seen.chunkRows = 0;
      const track = readTrack(library, sessionId, info.key, t0, t1 || t0 + 10, 6000);
      if (track.mode !== 'samples') throw new Error(`expected samples at ${t0}`);
      expect(seen.chunkRows).toBeLessThanOrEqual(3);
      let k = firstAt(t0);
      for (let i = 0; i < track.t.length; i++) {
        if (track.values[0][i] === null) {
          // The gap: the next sample is the first after the lost chunk.
          k = (Math.floor(k / CHUNK) + 1) * CHUNK;
          expect(lost.has(Math.floor((k - 1) / CHUNK))).toBe(true);
          continue;
        }
        expect(track.t[i]).toBeCloseTo(trueTime(k), 5);
        expect(track.values[0][i]).toBe(value(k));
        k++;
      }
      if (j === 0) expect(track.values[0].filter((v) => v === null)).toHaveLength(1);
    }
  });

  it('keeps gaps as gaps in the pyramid: no point spans a lost sample, and every other sample is covered once per level', () => {
    const rows = seen.own('SELECT level, first_index AS first, samples FROM pyramid WHERE stream_id = (SELECT id FROM streams WHERE session_id = ?) ORDER BY level, first_index').all(sessionId) as {
      level: number;
      first: number;
      samples: number;
    }[];
    for (const level of [64, 4096, 262144]) {
      let covered = 0;
      for (const r of rows.filter((x) => x.level === level)) {
        for (const k of lost) expect(r.first + r.samples <= k * CHUNK || r.first >= (k + 1) * CHUNK, `level ${level} row at ${r.first}`).toBe(true);
        covered += r.samples;
      }
      expect(covered).toBe(DAY * RATE - lost.size * CHUNK);
    }
  });

  it('stores beats as a few mark rows, not one event each, and lists them as before', () => {
    // One a second, from 1 s to the last sample, but in the gaps.
    const expected = Array.from({ length: Math.ceil(trueTime(DAY * RATE)) - 1 }, (_, i) => i + 1).filter((t) => !lost.has(chunkAt(t)));
    const count = expected.length;
    const marks = seen.own('SELECT COUNT(*) AS rows, SUM(count) AS beats FROM marks').get() as { rows: number; beats: number };
    expect(marks.beats).toBe(count);
    expect(marks.rows).toBeLessThan(DAY / 5);
    const beats = detectedBeats(library, sessionId, info.key).t;
    expect(beats).toHaveLength(count);
    expect(Math.max(...beats.map((t, i) => Math.abs(t - expected[i])))).toBeLessThan(2e-6);
    expect((seen.own("SELECT COUNT(*) AS n FROM events WHERE kind = 'beat'").get() as { n: number }).n).toBe(0);
    const events = library.events(sessionId);
    expect(events.filter((e) => e.kind === 'beat')).toHaveLength(count);
    expect(events[0]).toMatchObject({ kind: 'beat', text: 'R', stream: 'ecg', key: info.key });
    expect(sessionDetail(library, sessionId).duration).toBeCloseTo(DAY, 6);
  });

  it('reads chunks, pyramid, marks and events through indices: no scan, and no sort of blob rows', () => {
    // Every statement the reads above prepared, plus the recorder's writes and the re-timing.
    const blobTables = /\b(chunks|pyramid|marks)\b/;
    const checked = [...seen.sql].filter((sql) => /\b(chunks|pyramid|marks|events|clock_fits)\b/.test(sql) && !/^\s*INSERT/i.test(sql));
    expect(checked.length).toBeGreaterThanOrEqual(8);
    for (const sql of checked) {
      const steps = plan(seen.own, sql);
      for (const step of steps) {
        expect(step, sql).not.toMatch(/^SCAN (chunks|pyramid|marks|events|clock_fits|c|e|m)\b/);
        if (blobTables.test(sql)) expect(step, sql).not.toMatch(/TEMP B-TREE/);
      }
    }
  });
});

describe('the pyramid the recorder writes', () => {
  const dir = tempDir('pyramid');
  afterAll(() => dir.cleanup());

  it('is the pyramid built from scratch, whatever the chunk sizes and gaps', () => {
    const library = new Library(join(dir.path, 'p.db'));
    try {
      const random = new Prng(3);
      const sizes = Array.from({ length: 4000 }, () => 1 + Math.floor(random.next() * 700));
      const lost = new Set(Array.from({ length: 40 }, () => Math.floor(random.next() * 4000)));
      const sessionId = record(library, 2000, lost, (k) => sizes[k % sizes.length]).state.sessionId;
      const rows = () => library.db.prepare('SELECT level, first_index, t0, dt, n, samples, hex(data) AS data FROM pyramid ORDER BY level, first_index').all();
      const written = rows();
      expect(written.length).toBeGreaterThan(100);
      library.db.prepare('UPDATE streams SET pyramid = 0').run();
      library.ensurePyramid(sessionId);
      expect(rows()).toEqual(written);
    } finally {
      library.close();
    }
  });
});

describe('a session still being recorded', () => {
  const dir = tempDir('recording');
  afterAll(() => dir.cleanup());

  it('is read from the pyramid rows written so far, and from the samples no row covers yet', () => {
    const library = new Library(join(dir.path, 'r.db'));
    const recorder = record(library, 600, new Set(), () => 1234, false);
    try {
      const sessionId = recorder.state.sessionId;
      expect(library.session(sessionId)!.status).toBe('recording');
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < 600 * RATE; k++) [lo, hi] = [Math.min(lo, value(k)), Math.max(hi, value(k))];
      // One 262144-sample point is written; the last 37856 samples come from the chunks.
      const whole = readTrack(library, sessionId, info.key, 0, 600, 1);
      expect(whole.mode === 'minmax' && [whole.level, whole.min[0][0], whole.max[0][0]]).toEqual([262144, lo, hi]);
      const track = readTrack(library, sessionId, info.key, 0, 600, 500);
      expect(track.mode === 'minmax' && track.level).toBe(64);
      if (track.mode === 'minmax') expect(track.max[0].every((v) => v !== null)).toBe(true);
    } finally {
      recorder.stop();
      library.close();
    }
  });
});

describe('a session a crash left open', () => {
  const dir = tempDir('crashed');
  afterAll(() => dir.cleanup());

  it('is re-timed when recovered, and its pyramid is built at the first review read', () => {
    const library = new Library(join(dir.path, 'c.db'));
    try {
      const sessionId = library.createSession('crashed', '', START);
      const device = library.addDevice(sessionId, { key: 'w', label: 'W', transport: 'sim', descriptor: {} });
      const stream = library.addStream(sessionId, device, info);
      for (let k = 0; k < 100; k++) {
        const index = k * CHUNK;
        const obsDev = devTime(index + CHUNK - 1);
        const clock = { dev0: devTime(index), epoch: 0, obsDev, arrival: START + trueTime(index + CHUNK - 1), offset: 0, drift: 0 };
        const chunk = { key: info.key, index, t0: START + trueTime(index) + 0.001, dt: 1 / RATE, n: CHUNK, data: new Float32Array(CHUNK).fill(k), clock };
        library.write(sessionId, [{ streamId: stream, chunk }], []);
      }
      expect(recoverInterrupted(library.db, () => false)).toEqual([sessionId]);
      const worst = library.db.prepare('SELECT MAX(ABS(t0 - (? + sample_index / ?))) AS worst FROM chunks').get(START, RATE * (1 + DRIFT)) as { worst: number };
      expect(worst.worst).toBeLessThan(2e-6);
      expect(library.hasPyramid(stream)).toBe(false);
      const track = readTrack(library, sessionId, info.key, 0, 1000, 100);
      expect(track.mode === 'minmax' && [track.level, track.min[0][0], track.max[0][99]]).toEqual([4096, 0, 99]);
      expect(library.hasPyramid(stream)).toBe(true);
    } finally {
      library.close();
    }
  });
});
