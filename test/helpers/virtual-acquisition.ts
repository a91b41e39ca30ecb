import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { VbpDevice } from '../../src/main/acquisition/vbp-device';
import { SimulatedBoard, type SimulatorOptions } from '../../src/main/devices/simulator/board';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import type { ByteTransport } from '../../src/main/devices/transport';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import type { Chunk, SessionEvent } from '../../src/shared/types';

export const HOST_START = 1_900_000_000;

/**
 * The real board, decoder, clock model, bus, recorder and SQLite file, driven by a virtual clock:
 * the board is stepped at irregular host polls and its bytes reach the device after a varying delay.
 */
export function runVirtualBoard(options: Partial<SimulatorOptions>, seconds: number, dbPath: string) {
  const board = new SimulatedBoard(options);
  let now = HOST_START;
  // A loopback byte pipe: what the host writes reaches the board (DESCRIBE, START).
  const pipe: ByteTransport = {
    label: 'virtual link',
    write: (bytes) => board.receive(bytes),
    onData: () => undefined,
    onClose: () => undefined,
    close: async () => undefined,
  };
  const bus = new StreamBus();
  const chunks: Chunk[] = [];
  const events: SessionEvent[] = [];
  bus.subscribe({ chunk: (c) => chunks.push(c), event: (e) => events.push(e) });
  const device = new VbpDevice({ id: 'sim', label: 'Simulated board', transport: 'sim', pipe, bus, now: () => now });
  device.start();
  const library = new Library(dbPath);
  const recorder = new Recorder(
    { library, bus, now: () => now, describeDevice: (id) => ({ key: id, label: 'Simulated board', transport: 'sim', descriptor: board.descriptor }), flushIntervalMs: 1e9 },
    'virtual',
    '',
  );
  // The host polls the link at irregular 1-10 ms intervals, and each delivery takes 0.3-3 ms more.
  const random = new Prng(options.seed ?? 1);
  let lastFlush = 0;
  for (let t = 0; t <= seconds; t += 0.001 + 0.009 * random.next()) {
    now = HOST_START + t + 0.0003 + 0.0027 * random.next();
    device.receive(board.advance(t), now);
    if (t - lastFlush >= 0.25) {
      recorder.flush();
      lastFlush = t;
    }
  }
  recorder.stop();
  return { board, device, chunks, events, library, sessionId: recorder.state.sessionId };
}

