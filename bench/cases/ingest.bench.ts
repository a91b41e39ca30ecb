import { join } from 'node:path';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { VbpDevice } from '../../src/main/acquisition/vbp-device';
import { SimulatedBoard } from '../../src/main/devices/simulator/board';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

const SECONDS = 120;

/**
 * VBP decode + clock model + SQLite recording on one thread: two minutes of the 16-channel 1 kHz
 * board are encoded first (not timed), then fed through the real device and recorder as fast as
 * they go, committing every 250 ms of data as the live recorder does.
 */
const ingest: BenchCase = {
  name: 'ingest',
  description: `VBP decode + clock model + SQLite record of ${SECONDS} s of a 16 ch x 1 kHz board, one core`,
  async run() {
    const board = new SimulatedBoard({ profile: 'bench16', seed: 2 });
    const blocks: { bytes: Uint8Array; t: number }[] = [];
    for (let t = 0.01; t <= SECONDS + 1e-9; t += 0.01) blocks.push({ bytes: board.advance(t), t });
    const bytes = blocks.reduce((s, b) => s + b.bytes.length, 0);

    const dir = tempDir('bench-ingest');
    const library = new Library(join(dir.path, 'ingest.db'));
    const bus = new StreamBus();
    let now = 1_900_000_000;
    const device = new VbpDevice({
      id: 'bench',
      label: 'bench16',
      transport: 'sim',
      pipe: { label: 'memory', write: () => undefined, onData: () => undefined, onClose: () => undefined, close: async () => undefined },
      bus,
      now: () => now,
    });
    device.start();
    const recorder = new Recorder(
      { library, bus, now: () => now, describeDevice: (id) => ({ key: id, label: 'bench16', transport: 'sim', descriptor: board.descriptor }), flushIntervalMs: 1e9 },
      'ingest bench',
      '',
    );
    const started = performance.now();
    let lastFlush = 0;
    for (const block of blocks) {
      now = 1_900_000_000 + block.t + 0.001;
      device.receive(block.bytes, now);
      if (block.t - lastFlush >= 0.25) {
        recorder.flush();
        lastFlush = block.t;
      }
    }
    recorder.stop();
    const seconds = (performance.now() - started) / 1000;
    const samples = library.session(recorder.state.sessionId)!.streams.reduce((s, st) => s + st.samples * st.channels.length, 0);
    library.close();
    dir.cleanup();
    return {
      samplesPerSecond: { value: samples / seconds, unit: 'samples/s', target: '>= 1000000' },
      bytesPerSecond: { value: bytes / seconds, unit: 'B/s' },
      realtimeFactor: { value: SECONDS / seconds, unit: 'x realtime' },
    };
  },
};

export default ingest;
