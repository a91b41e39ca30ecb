/**
 * Serial boards: the VBP decoder's throughput, and a board on a real pty (socat) streaming at ten
 * times the byte rate of a 921600-baud UART into SQLite through the whole acquisition path
 * (serialport -> BoardConnection -> VbpDevice -> StreamBus -> Recorder) with zero loss.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { BoardConnection } from '../../src/main/acquisition/board-connection';
import { hostNow } from '../../src/main/acquisition/host-clock';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { openSerialPort } from '../../src/main/devices/serial';
import { SimulatedBoard } from '../../src/main/devices/simulator/board';
import { VbpDecoder, encodeData, encodeHello, type DeviceDescriptor } from '../../src/main/protocols/vbp';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import type { BenchCase, Metric } from '../types';

const UART_BYTES_PER_S = 921600 / 10; // 8N1: ten bits a byte
const TARGET_BYTES_PER_S = 10 * UART_BYTES_PER_S;

function decoderThroughput(): Record<string, Metric> {
  // 16-channel 1 kHz ECG (i24): realistic packet sizes.
  const board = new SimulatedBoard({ profile: 'bench16', seed: 1 });
  const parts: Uint8Array[] = [];
  for (let t = 0.02; t <= 30; t += 0.02) parts.push(board.advance(t));
  const block = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    block.set(p, at);
    at += p.length;
  }
  const decoder = new VbpDecoder();
  decoder.push(block); // warm up
  let bytes = 0;
  let packets = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    packets += decoder.push(block).length;
    bytes += block.length;
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    decoder_mb_per_s: { value: bytes / seconds / 1e6, unit: 'MB/s', target: '>= 50' },
    decoder_packets_per_s: { value: packets / seconds, unit: 'packets/s' },
  };
}

/** One wide stream sized so the board sends about TARGET_BYTES_PER_S. */
const CHANNELS = 24;
const RATE = 13000; // 24 ch x 3 B x 13000 Hz = 936 kB/s of samples, plus framing: just over 10x the UART
const PER_PACKET = 25;
const descriptor: DeviceDescriptor = {
  device: { name: 'bench board', model: 'pty', firmware: '1' },
  streams: [
    {
      id: 0,
      name: 'wide',
      kind: 'other',
      rate: RATE,
      format: 'i24',
      channels: Array.from({ length: CHANNELS }, (_, c) => ({ label: `c${c}`, unit: 'counts', scale: 1, offset: 0 })),
    },
  ],
};

async function ptyToSqlite(seconds: number): Promise<Record<string, Metric>> {
  const dir = mkdtempSync(join(tmpdir(), 'vitalscope-bench-serial-'));
  const boardPath = join(dir, 'board');
  const hostPath = join(dir, 'host');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${boardPath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 5000;
    while (!(existsSync(boardPath) && existsSync(hostPath))) {
      if (Date.now() > deadline) throw new Error('socat did not create its ptys (is socat installed?)');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const boardPort = new SerialPort({ path: boardPath, baudRate: 921600, autoOpen: false });
    await new Promise<void>((resolve, reject) => boardPort.open((e) => (e ? reject(e) : resolve())));
    boardPort.on('error', () => undefined);
    const host = await openSerialPort(hostPath, 921600);
    const bus = new StreamBus();
    const library = new Library(join(dir, 'bench.db'));
    const device = new BoardConnection({ id: 'serial:bench', label: 'bench', transport: 'serial', pipe: host, protocol: 'vbp', bus, now: hostNow });
    device.start();
    const hello = encodeHello(descriptor);
    boardPort.write(Buffer.from(hello));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const recorder = new Recorder(
      { library, bus, now: hostNow, describeDevice: (id) => ({ key: id, label: 'bench', transport: 'serial', descriptor }) },
      'serial bench',
      '',
    );
    // The board: packets on its own microsecond clock, written every 5 ms as they fall due.
    let sent = 0;
    let seq = 0;
    let bytesSent = 0;
    const raw = new Int32Array(PER_PACKET * CHANNELS);
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const t = (performance.now() - started) / 1000;
        const due = Math.min(Math.floor((t * RATE) / PER_PACKET), Math.floor((seconds * RATE) / PER_PACKET));
        const frames: Uint8Array[] = [];
        for (; sent < due; sent++) {
          for (let i = 0; i < raw.length; i++) raw[i] = ((sent * PER_PACKET * CHANNELS + i) % 100_000) - 50_000;
          frames.push(encodeData(0, seq, Math.round(((sent * PER_PACKET) / RATE) * 1e6) >>> 0, 'i24', CHANNELS, raw));
          seq = (seq + 1) & 0xffff;
        }
        if (frames.length) {
          const buf = Buffer.concat(frames);
          bytesSent += buf.length;
          boardPort.write(buf);
        }
        if (t >= seconds) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await new Promise<void>((resolve) => boardPort.drain(() => resolve()));
    const elapsed = (performance.now() - started) / 1000;
    // Let the last bytes through, then close the session.
    const wait = Date.now() + 3000;
    while ((device.stats().bytesReceived ?? 0) < bytesSent + hello.length && Date.now() < wait) await new Promise((resolve) => setTimeout(resolve, 20));
    recorder.stop();
    const stats = device.stats();
    const stored = library.session(recorder.state.sessionId)!.streams[0]?.samples ?? 0;
    await device.close();
    await new Promise<void>((resolve) => boardPort.close(() => resolve()));
    library.close();
    const lost = stats.streams[0]?.packetsLost ?? sent;
    const errors = stats.decodeErrors.crc + stats.decodeErrors.cobs + stats.decodeErrors.oversize + stats.decodeErrors.malformed;
    return {
      pty_bytes_per_s: { value: (stats.bytesReceived ?? 0) / elapsed, unit: 'B/s', target: `>= ${TARGET_BYTES_PER_S}` },
      pty_x_uart_921600: { value: (stats.bytesReceived ?? 0) / elapsed / UART_BYTES_PER_S, unit: 'x', target: '>= 10' },
      pty_packets_lost: { value: lost + (sent - stats.streams[0]!.packets - lost), unit: 'packets', target: '<= 0' },
      pty_decode_errors: { value: errors, unit: 'frames', target: '<= 0' },
      pty_samples_missing_in_sqlite: { value: sent * PER_PACKET - stored, unit: 'samples', target: '<= 0' },
    };
  } finally {
    socat.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: BenchCase = {
  name: 'serial',
  description: 'VBP decoder MB/s; a pty board at 10x a 921600-baud UART into SQLite with zero loss',
  async run() {
    return { ...decoderThroughput(), ...(await ptyToSqlite(5)) };
  },
};

export default bench;
