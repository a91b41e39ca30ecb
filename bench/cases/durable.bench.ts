import { join } from 'node:path';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import type { StreamInfo } from '../../src/shared/types';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

const FLUSHES = 400;
const ecg: StreamInfo = { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate: 1000, channels: Array.from({ length: 16 }, (_, i) => ({ label: `ch${i}`, unit: 'uV' })) };

/**
 * Recorder flushes per second on a real file, synchronous=NORMAL (the default) against FULL
 * (--durable): each flush is 250 ms of a 16-channel 1 kHz stream, committed as the live recorder
 * does. FULL adds an fsync of the WAL per commit, so the figure mostly measures the disk.
 */
async function flushesPerSecond(durable: boolean): Promise<number> {
  const dir = tempDir('bench-durable');
  const library = new Library(join(dir.path, 'durable.db'), { durable });
  const bus = new StreamBus();
  bus.setStreams('b', [ecg]);
  const recorder = new Recorder(
    { library, bus, now: () => 1_900_000_000, describeDevice: (id) => ({ key: id, label: 'bench', transport: 'sim', descriptor: {} }), flushIntervalMs: 1e9 },
    'durable bench',
    '',
  );
  const n = 250;
  const data = new Float32Array(n * ecg.channels.length).fill(1);
  const started = performance.now();
  for (let k = 0; k < FLUSHES; k++) {
    bus.publish({ key: ecg.key, index: k * n, t0: 1_900_000_000 + k / 4, dt: 0.001, n, data });
    if (!recorder.flush()) throw new Error(`flush failed: ${recorder.error?.message}`);
  }
  const seconds = (performance.now() - started) / 1000;
  recorder.stop();
  library.close();
  dir.cleanup();
  return FLUSHES / seconds;
}

const durable: BenchCase = {
  name: 'durable',
  description: `recorder flushes/s on a real file, synchronous NORMAL vs FULL (--durable), ${FLUSHES} flushes of 250 ms x 16 ch x 1 kHz`,
  async run() {
    await flushesPerSecond(false); // warm-up: page cache, JIT
    const normal = await flushesPerSecond(false);
    const full = await flushesPerSecond(true);
    return {
      normalFlushesPerSecond: { value: normal, unit: 'flushes/s' },
      // The live recorder commits 4 times a second: FULL must keep up with that to record in real time.
      fullFlushesPerSecond: { value: full, unit: 'flushes/s', target: '>= 4' },
      fullOverNormal: { value: full / normal, unit: 'ratio' },
    };
  },
};

export default durable;
