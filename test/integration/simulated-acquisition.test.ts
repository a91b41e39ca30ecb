import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Library } from '../../src/main/storage/library';
import { tempDir } from '../helpers/temp-dir';
import { HOST_START, runVirtualBoard as runBoard } from '../helpers/virtual-acquisition';

describe('simulated board through the real acquisition path', () => {
  const dir = tempDir('acq');
  let library: Library | undefined;
  afterEach(() => library?.close());

  it('records rate x duration samples (±0.5%) and stores exactly what arrived', () => {
    const run = runBoard({ seed: 3 }, 60, join(dir.path, 'a.db'));
    library = run.library;
    const session = library.session(run.sessionId)!;
    for (const stream of session.streams) {
      const expected = stream.rate * 60;
      expect(Math.abs(stream.samples - expected) / expected).toBeLessThan(0.005);
      const arrived = run.chunks.filter((c) => c.key === stream.key).reduce((s, c) => s + c.n, 0);
      expect(stream.samples).toBe(arrived);
    }
    expect(run.events.filter((e) => e.kind === 'gap')).toEqual([]);
  });

  it('with 1% loss, the gap events account for exactly the dropped packets and samples', () => {
    const run = runBoard({ seed: 5, lossPct: 1 }, 60, join(dir.path, 'b.db'));
    library = run.library;
    const stored = library.events(run.sessionId).filter((e) => e.kind === 'gap');
    const stats = run.device.stats();
    for (const desc of run.board.descriptor.streams) {
      const key = `sim/${desc.name}`;
      const dropped = run.board.dropped.get(desc.id) ?? 0;
      expect(dropped).toBeGreaterThan(5);
      const gaps = stored.filter((e) => e.key === key);
      const lostPackets = gaps.reduce((sum, e) => sum + Number(/^(\d+) packet/.exec(e.text)![1]), 0);
      expect(lostPackets).toBe(dropped);
      expect(stats.streams.find((s) => s.key === key)!.packetsLost).toBe(dropped);
      // Sample indices skip exactly the lost samples: nothing is filled in.
      const chunks = run.chunks.filter((c) => c.key === key);
      const last = chunks[chunks.length - 1];
      const received = chunks.reduce((s, c) => s + c.n, 0);
      const lostSamples = gaps.reduce((sum, e) => sum + Number(/\((\d+) samples\)/.exec(e.text)![1]), 0);
      expect(last.index + last.n).toBe(received + lostSamples);
    }
  });

  it.each([100, -100])('places samples within 1 ms of their true time after 60 s at %i ppm drift', (ppm) => {
    const run = runBoard({ seed: 7, driftPpm: ppm }, 61, join(dir.path, `c${ppm}.db`));
    library = run.library;
    const ecg = run.board.descriptor.streams[0];
    const late = run.chunks.filter((c) => c.key === 'sim/ecg' && c.index >= 60 * ecg.rate);
    expect(late.length).toBeGreaterThan(10);
    for (const c of late) {
      const truth = HOST_START + run.board.sampleTime(ecg.rate, c.index);
      expect(Math.abs(c.t0 - truth)).toBeLessThan(0.001);
    }
    expect(run.device.stats().driftPpm).toBeCloseTo(ppm, -1);
  });

  it('crosses the 32-bit device clock wrap without a jump', () => {
    // Power up 10 s before the microsecond clock wraps; look at the 4 s around the wrap.
    const run = runBoard({ seed: 9, clockStartSeconds: 2 ** 32 / 1e6 - 10 }, 14, join(dir.path, 'd.db'));
    library = run.library;
    const around = run.chunks.filter((c) => c.key === 'sim/ecg' && c.index >= 8 * 500 && c.index < 12 * 500);
    expect(around).toHaveLength((4 * 500) / 10);
    for (const c of around) expect(Math.abs(c.t0 - (HOST_START + run.board.sampleTime(500, c.index)))).toBeLessThan(0.001);
  });

  afterEach(() => {
    library = undefined;
  });
});
