import { chmodSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import { describeQueue } from '../../src/shared/recording-queue';
import type { Chunk, StreamInfo } from '../../src/shared/types';
import { tempDir } from '../helpers/temp-dir';

const ecg: StreamInfo = { key: 'dev/ecg', deviceId: 'dev', name: 'ecg', kind: 'ecg', rate: 1000, channels: [{ label: 'I', unit: 'uV' }] };
const ppg: StreamInfo = { key: 'dev/ppg', deviceId: 'dev', name: 'ppg', kind: 'ppg', rate: 500, channels: [{ label: 'ir', unit: 'counts' }] };

/** One second of a stream, sample i valued i. */
function second(info: StreamInfo, s: number): Chunk {
  const n = info.rate;
  return { key: info.key, index: s * n, t0: 1000 + s, dt: 1 / n, n, data: Float32Array.from({ length: n }, (_, i) => s * n + i) };
}

describe('Recorder under storage faults (real SQLite files)', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  let library: Library;
  let bus: StreamBus;
  let now: number;
  let errors: string[];
  beforeEach(() => {
    dir = tempDir('faults');
    path = join(dir.path, 'library.db');
    library = new Library(path);
    bus = new StreamBus();
    bus.setStreams('dev', [ecg, ppg]);
    now = 1000;
    errors = [];
  });
  afterEach(() => {
    if (library.db.open) library.close();
    dir.cleanup();
  });

  function recorder(queueBudgetBytes?: number): Recorder {
    return new Recorder(
      {
        library,
        bus,
        now: () => now,
        describeDevice: (id) => ({ key: id, label: 'board', transport: 'sim', descriptor: {} }),
        onError: (e) => errors.push(e.message),
        flushIntervalMs: 1e9,
        queueBudgetBytes,
      },
      'faults',
      '',
    );
  }

  function publishSeconds(from: number, to: number): void {
    for (let s = from; s < to; s++) {
      now = 1000 + s + 1;
      bus.publish(second(ecg, s));
      bus.publish(second(ppg, s));
    }
  }

  /** A full disk: the file may not grow past its current pages, and their free space is taken. */
  function fillDisk(): void {
    library.db.exec('CREATE TABLE IF NOT EXISTS filler (b BLOB)');
    library.db.pragma(`max_page_count = ${library.db.pragma('page_count', { simple: true }) as number}`);
    const insert = library.db.prepare('INSERT INTO filler VALUES (zeroblob(64))');
    expect(() => {
      for (;;) insert.run();
    }).toThrow(/disk is full/);
  }

  const stored = (rec: Recorder) => library.session(rec.state.sessionId)!.streams.map((s) => [s.name, s.samples]);

  it('a full disk: says so at the first failed flush, bounds the queue, counts drops, and writes backlog and a gap event when space returns', () => {
    // 6 s of both streams fit in the budget (ecg 4000 B/s + ppg 2000 B/s), the 10 s published do not.
    const rec = recorder(6 * 6000);
    publishSeconds(0, 2);
    expect(rec.flush()).toBe(true);
    fillDisk();
    publishSeconds(2, 4);
    expect(rec.flush()).toBe(false);
    expect(errors).toEqual([expect.stringMatching(/disk is full/)]);
    let state = rec.state;
    expect(state.error).toMatch(/disk is full/);
    expect(state.queue!.streams.map((s) => [s.key, s.seconds, s.bytes, s.droppedSamples])).toEqual([
      ['dev/ecg', 2, 8000, 0],
      ['dev/ppg', 2, 4000, 0],
    ]);
    expect(state.queue!.secondsUntilFull).toBeGreaterThan(0);
    expect(describeQueue(state.queue!)).toMatch(/queued in memory: dev\/ecg 2\.0 s \/ 7\.8 KB, dev\/ppg 2\.0 s \/ 3\.9 KB; the 35\.2 KB queue fills in about 4 s/);
    // Retries do not re-merge what is queued, and do not report the same error again.
    publishSeconds(4, 12);
    expect(rec.flush()).toBe(false);
    expect(errors).toHaveLength(1);
    state = rec.state;
    expect(state.queue!.secondsUntilFull).toBe(0);
    expect(state.queue!.bytes).toBeLessThanOrEqual(6 * 6000);
    const dropped = Object.fromEntries(state.queue!.streams.map((s) => [s.key, s.droppedSamples]));
    const queuedSeconds = state.queue!.streams[0].seconds;
    // Every published sample is either queued or counted as dropped.
    expect(dropped['dev/ecg'] + queuedSeconds * 1000).toBe(10 * 1000);
    expect(dropped['dev/ecg']).toBeGreaterThan(0);
    expect(describeQueue(state.queue!)).toMatch(/queue is full: new samples are dropped.*samples dropped in this session: dev\/ecg \d+, dev\/ppg \d+/);

    // Space again: the backlog lands, the error clears, the drop is a gap event, and new chunks are taken.
    library.db.pragma('max_page_count = 1073741823');
    expect(rec.flush()).toBe(true);
    expect(rec.state.error).toBeUndefined();
    publishSeconds(12, 13);
    rec.stop();
    expect(stored(rec)).toEqual([
      ['ecg', 13000 - dropped['dev/ecg']],
      ['ppg', 6500 - dropped['dev/ppg']],
    ]);
    const gaps = library.events(rec.state.sessionId).filter((e) => e.kind === 'gap');
    expect(gaps.map((g) => [g.stream, g.text])).toEqual([
      ['ecg', `${dropped['dev/ecg']} samples dropped: the library could not be written and the recorder's queue was full`],
      ['ppg', `${dropped['dev/ppg']} samples dropped: the library could not be written and the recorder's queue was full`],
    ]);
    expect(gaps[0].duration).toBeCloseTo(dropped['dev/ecg'] / 1000, 6);
  });

  it('a file made read-only under the recorder: reported at once, written after it is writable again', () => {
    const rec = recorder();
    publishSeconds(0, 1);
    expect(rec.flush()).toBe(true);
    // chmod stops a new connection (of a user other than root); the open one learns it as SQLite
    // does on a read-only remount: every write refused.
    chmodSync(path, 0o444);
    library.db.pragma('query_only = ON');
    publishSeconds(1, 3);
    expect(rec.flush()).toBe(false);
    expect(errors).toEqual([expect.stringMatching(/readonly|read-only/)]);
    expect(rec.state.queue!.streams.map((s) => s.seconds)).toEqual([2, 2]);
    chmodSync(path, 0o644);
    library.db.pragma('query_only = OFF');
    expect(rec.flush()).toBe(true);
    rec.stop();
    expect(stored(rec)).toEqual([
      ['ecg', 3000],
      ['ppg', 1500],
    ]);
  });

  it('the library file deleted while recording: re-created from the open connection, nothing lost', () => {
    const rec = recorder();
    publishSeconds(0, 2);
    expect(rec.flush()).toBe(true);
    unlinkSync(path);
    publishSeconds(2, 4);
    expect(rec.flush()).toBe(true);
    expect(existsSync(path)).toBe(true);
    rec.stop();
    library.close();
    // What is on disk now, read by a fresh connection: every sample, before and after the deletion.
    library = new Library(path);
    const session = library.sessions()[0];
    expect(session.status).toBe('complete');
    expect(session.streams.map((s) => [s.name, s.samples])).toEqual([
      ['ecg', 4000],
      ['ppg', 2000],
    ]);
    expect([...library.chunks(session.streams[0].id)].flatMap((c) => Array.from(c.data))).toEqual(Array.from({ length: 4000 }, (_, i) => i));
  });

  it('the library folder gone while recording: reported with exact counts of what is not written', () => {
    const rec = recorder();
    publishSeconds(0, 1);
    expect(rec.flush()).toBe(true);
    dir.cleanup();
    publishSeconds(1, 3);
    expect(rec.flush()).toBe(false);
    expect(errors[0]).toMatch(/deleted or replaced while open and could not be re-created/);
    expect(() => rec.stop()).toThrow(/could not write the end of session \d+ .*not written: dev\/ecg 2\.0 s, dev\/ppg 2\.0 s/);
  });

  it('samples of a stream no device described are an error and counted, not silently dropped', () => {
    const rec = recorder();
    const ghost: StreamInfo = { ...ecg, key: 'dev/ghost', name: 'ghost' };
    bus.publish(second(ghost, 0));
    bus.publish(second(ecg, 0));
    expect(rec.flush()).toBe(true);
    expect(errors).toEqual([expect.stringMatching(/dev\/ghost, a stream no device described/)]);
    expect(rec.state.error).toMatch(/dev\/ghost/);
    expect(rec.state.queue!.streams).toEqual([expect.objectContaining({ key: 'dev/ghost', droppedSamples: 1000 })]);
    rec.stop();
    expect(stored(rec)).toEqual([
      ['ecg', 1000],
      ['ppg', 0],
    ]);
    expect(library.events(rec.state.sessionId).map((e) => e.text)).toEqual(['1000 samples dropped: no device described this stream']);
  });
});
