import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import type { Chunk, StreamInfo } from '../../src/shared/types';
import { tempDir } from '../helpers/temp-dir';

const ecg: StreamInfo = { key: 'dev/ecg', deviceId: 'dev', name: 'ecg', kind: 'ecg', rate: 100, channels: [{ label: 'I', unit: 'uV' }] };
const imu: StreamInfo = {
  key: 'dev/imu',
  deviceId: 'dev',
  name: 'imu',
  kind: 'imu',
  rate: 50,
  channels: [
    { label: 'ax', unit: 'g' },
    { label: 'ay', unit: 'g' },
  ],
};

function chunk(info: StreamInfo, index: number, n: number, t0: number, fill: (i: number, c: number) => number): Chunk {
  const channels = info.channels.length;
  const data = new Float32Array(n * channels);
  for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) data[c * n + i] = fill(index + i, c);
  return { key: info.key, index, t0, dt: 1 / info.rate, n, data };
}

describe('Recorder on a real SQLite file', () => {
  let dir: ReturnType<typeof tempDir>;
  let library: Library;
  beforeEach(() => {
    dir = tempDir('recorder');
    library = new Library(join(dir.path, 'library.db'));
  });
  afterEach(() => {
    library.close();
    dir.cleanup();
  });

  function recorder(bus: StreamBus, now: () => number) {
    return new Recorder({ library, bus, now, describeDevice: (id) => ({ key: id, label: 'Test board', transport: 'sim', descriptor: { device: { name: 'T' } } }) }, 'walk test', 'P042');
  }

  it('stores every sample, merges contiguous chunks, keeps gaps and markers, and reads them back', () => {
    const bus = new StreamBus();
    bus.setStreams('dev', [ecg]);
    let now = 1000;
    const rec = recorder(bus, () => now);
    // 3 contiguous ECG chunks, a 20-sample gap, then 2 more; an IMU stream that appears later.
    for (let k = 0; k < 3; k++) bus.publish(chunk(ecg, k * 10, 10, 1000 + k * 0.1, (i) => i));
    bus.publishEvent({ kind: 'gap', key: 'dev/ecg', t: 1000.3, duration: 0.2, text: '2 packets lost (20 samples)' });
    for (let k = 5; k < 7; k++) bus.publish(chunk(ecg, k * 10, 10, 1000 + k * 0.1, (i) => i));
    bus.setStreams('dev', [ecg, imu]);
    bus.publish(chunk(imu, 0, 25, 1000.2, (i, c) => i * 10 + c));
    rec.addMarker('start walking');
    expect(rec.flush()).toBe(true);
    now = 1001;
    rec.stop();

    const session = library.session(rec.state.sessionId)!;
    expect(session).toMatchObject({ name: 'walk test', participant: 'P042', startedAt: 1000, endedAt: 1001 });
    expect(session.streams.map((s) => [s.name, s.samples])).toEqual([
      ['ecg', 50],
      ['imu', 25],
    ]);
    const ecgChunks = [...library.chunks(session.streams[0].id)];
    // The contiguous runs before and after the gap each became one row.
    expect(ecgChunks.map((c) => [c.index, c.n])).toEqual([
      [0, 30],
      [50, 20],
    ]);
    expect(Array.from(ecgChunks[1].data)).toEqual(Array.from({ length: 20 }, (_, i) => 50 + i));
    const imuChunk = [...library.chunks(session.streams[1].id)][0];
    expect(imuChunk.data.slice(24, 26)).toEqual(new Float32Array([240, 1])); // channel-major: last ax, first ay
    const events = library.events(rec.state.sessionId);
    expect(events.map((e) => [e.kind, e.stream, e.text])).toEqual([
      ['marker', null, 'start walking'], // at t=1000, before the gap at 1000.3
      ['gap', 'ecg', '2 packets lost (20 samples)'],
    ]);
  });

  it('keeps data queued when a write fails and lands it on the next flush', () => {
    const bus = new StreamBus();
    bus.setStreams('dev', [ecg]);
    const errors: Error[] = [];
    const rec = new Recorder(
      { library, bus, now: () => 1, describeDevice: (id) => ({ key: id, label: 'x', transport: 'sim', descriptor: {} }), onError: (e) => errors.push(e) },
      's',
      '',
    );
    bus.publish(chunk(ecg, 0, 10, 1, (i) => i));
    // Make the database refuse writes, as a full disk would.
    library.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON chunks BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    expect(rec.flush()).toBe(false);
    expect(rec.error?.message).toMatch(/disk is full/);
    expect(errors).toHaveLength(1);
    library.db.exec('DROP TRIGGER refuse');
    bus.publish(chunk(ecg, 10, 10, 1.1, (i) => i));
    expect(rec.flush()).toBe(true);
    rec.stop();
    expect(library.session(rec.state.sessionId)!.streams[0].samples).toBe(20);
  });

  it('refuses a database written by a newer schema with a clear message', () => {
    library.db.pragma('user_version = 99');
    library.close();
    expect(() => new Library(join(dir.path, 'library.db'))).toThrow(/newer Vitalscope \(schema 99/);
    library = new Library(join(dir.path, 'other.db'));
  });
});
