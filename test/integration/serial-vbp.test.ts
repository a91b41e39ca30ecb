// VBP boards over real pseudo-terminals (socat), `serialport` on the host end: the transport, the
// decoder, SYNC round trips, the clock model and gap detection, driven in lock step by a virtual
// clock so 60 s of board time take a few seconds and every run is the same.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SerialPort } from 'serialport';
import { BoardConnection } from '../../src/main/acquisition/board-connection';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { openSerialPort, type SerialTransport } from '../../src/main/devices/serial';
import { SimulatedBoard, type SimulatorOptions } from '../../src/main/devices/simulator/board';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import type { ByteTransport } from '../../src/main/devices/transport';
import { VbpDecoder, decodeSamples } from '../../src/main/protocols/vbp';
import type { Chunk, SessionEvent } from '../../src/shared/types';
import { findTool } from '../helpers/system-tool';
import { PtyLink, closeRawPort, openRawPort } from '../helpers/serial-rig';
import { tempDir } from '../helpers/temp-dir';

const socat = findTool('socat', { envVar: 'SOCAT', install: 'apt-get install socat (macOS: brew install socat)' });
const HOST_START = 1_900_000_000;
const STEP = 0.0005;

interface RigOptions {
  board: Partial<SimulatorOptions>;
  /** Whether the board answers host commands (SYNC, DESCRIBE); a one-way UART does not. */
  answers?: boolean;
  /** Garbage bytes injected about every this many seconds (0: none). */
  garbageEvery?: number;
}

/**
 * Board and host on a pty pair. The host's clock is virtual; each step the board emits what it
 * produced up to the step's time, and the rig waits until every byte either way has arrived and
 * been answered before moving on, so arrival times are exact to a step.
 */
async function runLockStep(link: PtyLink, options: RigOptions, seconds: number) {
  const board = new SimulatedBoard(options.board);
  const twin = new SimulatedBoard(options.board);
  let t = 0;
  const now = () => HOST_START + t;
  const boardPort: SerialPort = await openRawPort(link.boardPath);
  const host: SerialTransport = await openSerialPort(link.hostPath, 921600);
  let toBoard = 0;
  let atBoard = 0;
  let toHost = 0;
  let atHost = 0;
  const writeBoard = (bytes: Uint8Array) => {
    if (!bytes.length) return;
    toHost += bytes.length;
    boardPort.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  };
  // Woken by every arrival either way, so the rig waits without spinning a core.
  let wake: (() => void) | null = null;
  const arrived = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  boardPort.on('data', (bytes: Buffer) => {
    atBoard += bytes.length;
    arrived();
    if (options.answers === false) return;
    board.receive(bytes, t);
    writeBoard(board.advance(t));
  });
  // Count the bytes on the host side of the pipe the device sees.
  const pipe: ByteTransport = {
    label: host.label,
    write: (bytes) => {
      toBoard += bytes.length;
      host.write(bytes);
    },
    onData: (listener) =>
      host.onData((bytes) => {
        atHost += bytes.length;
        listener(bytes);
        arrived();
      }),
    onClose: (listener) => host.onClose(listener),
    close: () => host.close(),
  };
  const bus = new StreamBus();
  const chunks: Chunk[] = [];
  const events: SessionEvent[] = [];
  bus.subscribe({ chunk: (c) => chunks.push(c), event: (e) => events.push(e) });
  const device = new BoardConnection({ id: 'serial:test', label: 'test board', transport: 'serial', pipe, protocol: 'auto', bus, now });
  device.start();
  const garbage = new Prng(99);
  let nextGarbage = options.garbageEvery ?? Infinity;
  let injected = 0;
  const settled = () => atHost === toHost && atBoard === toBoard;
  for (let step = 0; step * STEP <= seconds; step++) {
    t = step * STEP;
    const bytes = board.advance(t);
    twin.advance(t);
    writeBoard(bytes);
    if (t >= nextGarbage) {
      nextGarbage += options.garbageEvery!;
      const junk = new Uint8Array(1 + Math.floor(garbage.next() * 40)).map(() => Math.floor(garbage.next() * 256));
      injected += junk.length;
      writeBoard(junk);
    }
    while (!settled()) await new Promise<void>((resolve) => (wake = resolve));
  }
  await device.close();
  await closeRawPort(boardPort);
  return { board, device, chunks, events, injected };
}

/** The values each stream of a board sent, by sample index, decoded straight from its bytes. */
function truth(options: Partial<SimulatorOptions>, seconds: number): Map<number, Map<number, number[]>> {
  const board = new SimulatedBoard({ ...options, lossPct: 0 });
  const decoder = new VbpDecoder();
  const byStream = new Map<number, Map<number, number[]>>();
  const perPacket = new Map<number, number>();
  for (let step = 0; step * STEP <= seconds; step += 20) {
    for (const p of decoder.push(board.advance(step * STEP))) {
      if (p.type !== 'data') continue;
      const desc = board.descriptor.streams[p.streamId];
      const values = decodeSamples(desc, p.n, p.samples)!;
      perPacket.set(p.streamId, p.n);
      const map = byStream.get(p.streamId) ?? new Map<number, number[]>();
      byStream.set(p.streamId, map);
      const channels = desc.channels.length;
      for (let i = 0; i < p.n; i++) map.set(p.seq * p.n + i, Array.from({ length: channels }, (_, c) => values[c * p.n + i]));
    }
  }
  return byStream;
}

describe.skipIf(!socat)('VBP board over a real pty (serialport)', () => {
  const dir = tempDir('serial');
  let link: PtyLink;
  let count = 0;
  beforeAll(() => undefined);
  afterEach(async () => link?.down());
  afterAll(() => dir.cleanup());

  async function freshLink(): Promise<PtyLink> {
    link = new PtyLink(socat!, dir.path, `b${count++}`);
    await link.up();
    return link;
  }

  function checkAgainstTruth(chunks: Chunk[], options: Partial<SimulatorOptions>, seconds: number, names: string[]) {
    const expected = truth(options, seconds);
    let checked = 0;
    for (const c of chunks) {
      const streamId = names.indexOf(c.key.split('/').pop()!);
      const map = expected.get(streamId)!;
      const channels = c.data.length / c.n;
      for (let i = 0; i < c.n; i++) {
        const want = map.get(c.index + i);
        expect(want, `${c.key} sample ${c.index + i} was never sent`).toBeDefined();
        for (let ch = 0; ch < channels; ch++) expect(c.data[ch * c.n + i]).toBeCloseTo(want![ch], 4);
        checked++;
      }
    }
    return checked;
  }

  it('delivers every sample with the right values', async () => {
    const options = { seed: 11 };
    const seconds = 8;
    const run = await runLockStep(await freshLink(), { board: options }, seconds);
    const names = run.board.descriptor.streams.map((s) => s.name);
    const stats = run.device.stats();
    expect(stats.protocol).toBe('vbp');
    for (const desc of run.board.descriptor.streams) {
      const got = run.chunks.filter((c) => c.key === `serial:test/${desc.name}`).reduce((s, c) => s + c.n, 0);
      expect(Math.abs(got - desc.rate * seconds)).toBeLessThanOrEqual(desc.rate * 0.05);
    }
    expect(checkAgainstTruth(run.chunks, options, seconds, names)).toBeGreaterThan(5000);
    expect(run.events.filter((e) => e.kind === 'gap')).toEqual([]);
    expect(stats.decodeErrors).toEqual({ crc: 0, cobs: 0, oversize: 0, malformed: 0 });
    expect(stats.syncReplies).toBeGreaterThan(10);
  });

  it('with 1% packet loss, the gap events match the dropped packets', async () => {
    const run = await runLockStep(await freshLink(), { board: { seed: 5, lossPct: 1 } }, 30);
    const stats = run.device.stats();
    for (const desc of run.board.descriptor.streams) {
      const key = `serial:test/${desc.name}`;
      const dropped = run.board.dropped.get(desc.id) ?? 0;
      expect(dropped).toBeGreaterThan(3);
      const gaps = run.events.filter((e) => e.kind === 'gap' && e.key === key);
      expect(gaps.reduce((s, e) => s + Number(/^(\d+) packet/.exec(e.text)![1]), 0)).toBe(dropped);
      expect(stats.streams.find((s) => s.key === key)!.packetsLost).toBe(dropped);
    }
  });

  it.each([
    [100, true],
    [-100, true],
    [100, false],
  ])('places samples within 1 ms of the board\'s true time after 60 s at %i ppm (board answers SYNC: %s)', async (ppm, answers) => {
    const run = await runLockStep(await freshLink(), { board: { seed: 7, driftPpm: ppm }, answers }, 61);
    const ecg = run.board.descriptor.streams[0];
    const late = run.chunks.filter((c) => c.key === 'serial:test/ecg' && c.index >= 60 * ecg.rate);
    expect(late.length).toBeGreaterThan(10);
    let worst = 0;
    for (const c of late) worst = Math.max(worst, Math.abs(c.t0 - (HOST_START + run.board.sampleTime(ecg.rate, c.index))));
    expect(worst).toBeLessThan(0.001);
    const stats = run.device.stats();
    expect(stats.driftPpm).toBeCloseTo(ppm, -1);
    if (answers) {
      expect(stats.syncReplies).toBeGreaterThan(100);
      expect(stats.rttMs).toBeLessThan(1);
    } else expect(stats.syncReplies ?? 0).toBe(0);
  });

  it('counts injected garbage, invents no sample, and keeps going', async () => {
    const options = { seed: 13 };
    const seconds = 10;
    const run = await runLockStep(await freshLink(), { board: options, garbageEvery: 0.05 }, seconds);
    const names = run.board.descriptor.streams.map((s) => s.name);
    const errors = run.device.stats().decodeErrors;
    expect(run.injected).toBeGreaterThan(1000);
    expect(errors.crc + errors.cobs + errors.malformed + errors.oversize).toBeGreaterThan(50);
    // Every sample that came through is one the board sent, at its own index.
    expect(checkAgainstTruth(run.chunks, options, seconds, names)).toBeGreaterThan(2000);
    // ...and data kept coming to the end.
    const lastEcg = run.chunks.filter((c) => c.key === 'serial:test/ecg').pop()!;
    expect(lastEcg.index).toBeGreaterThan((seconds - 0.5) * 500);
  });
});
