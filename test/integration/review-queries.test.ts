import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage/library';
import { detectedBeats, readTrack, sessionDetail } from '../../src/main/storage/review-queries';
import { tempDir } from '../helpers/temp-dir';

const START = 1_700_000_000;

/** A session with 10 s of a 100 Hz ramp (value = sample index) in 1 s chunks, chunk 4 lost, beats at 1, 2, ... 9 s. */
function fixture(path: string) {
  const library = new Library(path);
  const id = library.createSession('review', 'P1', START);
  const info = { key: 'd/ecg', deviceId: 'd', name: 'ecg', kind: 'ecg' as const, rate: 100, channels: [{ label: 'I', unit: 'mV' }, { label: 'II', unit: 'mV' }] };
  const stream = library.addStream(id, null, info);
  for (let k = 0; k < 10; k++) {
    if (k === 4) continue;
    const data = new Float32Array(200);
    for (let i = 0; i < 100; i++) {
      data[i] = k * 100 + i;
      data[100 + i] = -(k * 100 + i);
    }
    library.write(id, [{ streamId: stream, chunk: { key: info.key, index: k * 100, t0: START + k, dt: 0.01, n: 100, data } }], []);
  }
  library.write(
    id,
    [],
    [
      { streamId: stream, event: { kind: 'gap', key: info.key, t: START + 4, duration: 1, text: '5 packets lost (100 samples)', lost: 100 } },
      ...Array.from({ length: 9 }, (_, b) => ({ streamId: stream, event: { kind: 'beat' as const, key: info.key, t: START + b + 1, duration: 0, text: 'R' } })),
    ],
  );
  library.endSession(id, START + 10);
  return { library, id };
}

describe('review queries on a real SQLite library', () => {
  const dir = tempDir('review');
  let library: Library | undefined;
  afterEach(() => library?.close());

  it('reads exact min/max columns from the samples below 64 samples a column, with no data in the lost second', () => {
    const f = fixture(join(dir.path, 'a.db'));
    library = f.library;
    const track = readTrack(library, f.id, 'd/ecg', 0, 10, 20);
    expect(track.mode).toBe('minmax');
    if (track.mode !== 'minmax') return;
    expect(track.level).toBe(1);
    const starts = Array.from({ length: 20 }, (_, k) => (k === 8 || k === 9 ? null : k * 50));
    expect(track.min[0]).toEqual(starts);
    expect(track.max[0]).toEqual(starts.map((v) => (v === null ? null : v + 49)));
    expect(track.min[1][19]).toBe(-999);
  });

  it('reads min/max from the 64x pyramid (built on first read) when it has a point per column: enclosing each column, none in the lost second', () => {
    const f = fixture(join(dir.path, 'a2.db'));
    library = f.library;
    const track = readTrack(library, f.id, 'd/ecg', 0, 10, 10);
    expect(track.mode).toBe('minmax');
    if (track.mode !== 'minmax') return;
    expect(track.level).toBe(64);
    for (let k = 0; k < 10; k++) {
      if (k === 4) {
        expect([track.min[0][k], track.max[0][k]]).toEqual([null, null]);
        continue;
      }
      // A point spans at most 64 samples: a column's envelope reaches no further past its own samples.
      expect(track.min[0][k]).toBeLessThanOrEqual(k * 100);
      expect(track.min[0][k]).toBeGreaterThan(k * 100 - 64);
      expect(track.max[0][k]).toBeGreaterThanOrEqual(k * 100 + 99);
      expect(track.max[0][k]).toBeLessThan(k * 100 + 99 + 64);
    }
  });

  it('gives the samples themselves when zoomed in, with a null where a gap lies between them', () => {
    const f = fixture(join(dir.path, 'b.db'));
    library = f.library;
    const track = readTrack(library, f.id, 'd/ecg', 3.95, 5.05, 1000);
    expect(track.mode).toBe('samples');
    if (track.mode !== 'samples') return;
    expect(track.values[0]).toEqual([395, 396, 397, 398, 399, null, 500, 501, 502, 503, 504]);
    expect(track.t[0]).toBeCloseTo(3.95, 6);
    expect(track.t[track.t.length - 1]).toBeCloseTo(5.04, 6);
  });

  it('lists the session with its events in seconds from the start, gaps with their lost samples, and its beats', () => {
    const f = fixture(join(dir.path, 'c.db'));
    library = f.library;
    const labelId = library.addLabel(f.id, null, START + 2, 1.5, 'motion');
    const detail = sessionDetail(library, f.id);
    expect(detail.duration).toBeCloseTo(10, 6);
    expect(detail.events.map((e) => [e.kind, e.t, e.lost ?? null])).toEqual([
      ['label', 2, null],
      ['gap', 4, 100],
    ]);
    expect(detail.events[0].id).toBe(labelId);
    expect(detectedBeats(library, f.id, 'd/ecg').t).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    library.updateLabel(f.id, labelId, null, START + 3, 1, 'bad contact');
    expect(sessionDetail(library, f.id).events[0]).toMatchObject({ t: 3, duration: 1, text: 'bad contact' });
    library.deleteLabel(f.id, labelId);
    expect(() => library!.deleteLabel(f.id, labelId)).toThrow(/has no label/);
    expect(() => readTrack(library!, f.id, 'd/nothing', 0, 1, 10)).toThrow(/has no stream "d\/nothing"/);
  });

  it('lists protocol steps (no stream) with their durations, a running one until the next or the end; footsteps stay marks of their IMU stream', () => {
    const f = fixture(join(dir.path, 'd.db'));
    library = f.library;
    const imu = library.addStream(f.id, null, { key: 'd/acc', deviceId: 'd', name: 'acc', kind: 'imu', rate: 50, channels: [{ label: 'x', unit: 'g' }] });
    library.write(f.id, [], [
      { streamId: null, event: { kind: 'step', t: START + 1, duration: 3, text: 'rest' } },
      { streamId: null, event: { kind: 'step', t: START + 5, duration: 0, text: 'walk' } },
      { streamId: null, event: { kind: 'step', t: START + 7, duration: 0, text: 'recover' } },
      { streamId: imu, event: { kind: 'step', key: 'd/acc', t: START + 5.5, duration: 0, text: 'step' } },
      { streamId: imu, event: { kind: 'step', key: 'd/acc', t: START + 6.1, duration: 0, text: 'step' } },
    ]);
    const steps = sessionDetail(library, f.id).events.filter((e) => e.kind === 'step');
    expect(steps.map((e) => [e.text, e.t, e.duration, e.key ?? null])).toEqual([
      ['rest', 1, 3, null],
      ['walk', 5, 2, null],
      ['recover', 7, 3, null],
    ]);
    expect(detectedBeats(library, f.id, 'd/acc').t.map((t) => Math.round(t * 10) / 10)).toEqual([5.5, 6.1]);
  });
});
