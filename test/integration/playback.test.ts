import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/main/command-args';
import { createEngine, type Engine } from '../../src/main/engine';
import { Library, type StoredStream } from '../../src/main/storage/library';
import type { EngineStatus } from '../../src/shared/types';
import { tempDir } from '../helpers/temp-dir';
import { HOST_START, runVirtualBoard } from '../helpers/virtual-acquisition';

const SECONDS = 12;
const SPEED = 10;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every sample of a stream as [index, ch0, ch1, ...], in stored order. */
function samples(library: Library, stream: StoredStream): number[][] {
  const out: number[][] = [];
  const channels = stream.channels.length;
  for (const c of library.chunks(stream.id)) {
    for (let i = 0; i < c.n; i++) out.push([c.index + i, ...Array.from({ length: channels }, (_, ch) => c.data[ch * c.n + i])]);
  }
  return out;
}

/** Sample times of a stream (host time). */
function times(library: Library, stream: StoredStream): number[] {
  const out: number[] = [];
  for (const c of library.chunks(stream.id)) for (let i = 0; i < c.n; i++) out.push(c.t0 + i * c.dt);
  return out;
}

const relative = (ts: number[]) => ts.map((t) => t - ts[0]);

describe('playback device', () => {
  const dir = tempDir('playback');
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('replays a lossy session through the live path so that recording it reproduces every sample, index jump, gap and marker', async () => {
    const db = join(dir.path, 'a.db');
    const original = runVirtualBoard({ seed: 11, lossPct: 3 }, SECONDS, db);
    original.library.write(original.sessionId, [], [{ streamId: null, event: { kind: 'marker', t: HOST_START + 4, duration: 0, text: 'stand up' } }]);
    original.library.endSession(original.sessionId, HOST_START + SECONDS);
    original.library.close();

    engine = await createEngine({ dbPath: db });
    const deviceId = `playback:${original.sessionId}`;
    expect((await engine.listDevices()).find((d) => d.id === deviceId)).toMatchObject({ label: 'Playback: virtual (#1)', transport: 'playback' });
    await engine.connect(deviceId, { speed: SPEED });
    // The playback starts on its first tick, after this: the recording misses nothing.
    const copyId = await engine.startRecording({ name: 'copy', participant: '' });
    let last: EngineStatus | undefined;
    await until('the playback to finish', async () => {
      last = await engine!.getStatus();
      return last.devices[0].state === 'finished';
    });
    expect(last!.devices[0].playback).toMatchObject({ sessionId: original.sessionId, speed: SPEED });
    expect(last!.devices[0].playback!.position).toBeCloseTo(last!.devices[0].playback!.duration, 6);
    await engine.stopRecording();
    await engine.close();
    engine = undefined;

    const library = new Library(db);
    try {
      const source = library.session(original.sessionId)!;
      const copy = library.session(copyId)!;
      const raw = source.streams.filter((s) => !s.derivedFrom);
      expect(raw.map((s) => s.name)).toEqual(['ecg', 'ppg', 'imu']);
      const sourceEvents = library.events(source.id);
      const copyEvents = library.events(copy.id);
      for (const s of raw) {
        const played = copy.streams.find((c) => c.key === `${deviceId}/${s.name}`)!;
        expect(played, s.key).toBeDefined();
        expect(played).toMatchObject({ kind: s.kind, rate: s.rate, channels: s.channels, samples: s.samples });
        const want = samples(library, s);
        const got = samples(library, played);
        // Lost packets left their index jumps: the comparison below covers them.
        const jumps = want.filter((row, i) => i > 0 && row[0] !== want[i - 1][0] + 1).length;
        expect(jumps, s.key).toBeGreaterThan(2);
        expect(got).toEqual(want);
        // One gap event per recorded gap, same text, on the played stream.
        const gapTexts = (events: typeof sourceEvents, key: string) => events.filter((e) => e.kind === 'gap' && e.key === key).map((e) => e.text);
        expect(gapTexts(copyEvents, played.key)).toEqual(gapTexts(sourceEvents, s.key));
        // Played-out times: the recorded spacing divided by the speed, within one played sample: the
        // copy's recorder merges played rows into longer ones on the first row's spacing (chunk-runs.ts).
        const wantT = relative(times(library, s)).map((t) => t / SPEED);
        const gotT = relative(times(library, played));
        expect(Math.max(...gotT.map((t, i) => Math.abs(t - wantT[i])))).toBeLessThan(1 / s.rate / SPEED);
      }
      expect(copyEvents.filter((e) => e.kind === 'marker').map((e) => e.text)).toEqual(['stand up']);
      // The live analysis derived its streams from the played samples again.
      expect(copy.streams.some((s) => s.derivedFrom === `${deviceId}/ecg`)).toBe(true);
      const device = library.db.prepare('SELECT transport, descriptor FROM devices WHERE session_id = ?').get(copy.id) as { transport: string; descriptor: string };
      expect(device.transport).toBe('playback');
      expect(JSON.parse(device.descriptor)).toMatchObject({ playback: { sessionId: source.id, speed: SPEED } });
    } finally {
      library.close();
    }
  });

  it('stops when disconnected, and refuses unknown sessions and speeds outside 1-10 with clear messages', async () => {
    const db = join(dir.path, 'b.db');
    const original = runVirtualBoard({ seed: 12 }, 4, db);
    original.library.close();
    engine = await createEngine({ dbPath: db });
    const deviceId = `playback:${original.sessionId}`;
    await engine.connect(deviceId);
    await until('some samples', async () => ((await engine!.getStatus()).devices[0]?.streams[0]?.samples ?? 0) > 0);
    await engine.disconnect(deviceId);
    const status = await engine.getStatus();
    expect(status.devices).toEqual([]);
    expect(status.streams.filter((s) => s.deviceId === deviceId)).toEqual([]);

    await expect(engine.connect('playback:999')).rejects.toThrow(/no session 999 in /);
    await expect(engine.connect(deviceId, { speed: 20 })).rejects.toThrow('playback speed must be from 1 to 10, got 20');
    expect(() => parseCommand('connect', [deviceId, { speed: 0.5 }])).toThrow(/bad arguments for connect: .*speed/s);
  });
});
