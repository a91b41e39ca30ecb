import type { SerialPort } from 'serialport';
import { expect } from 'vitest';
import { CYTON_RATE, CYTON_START, CYTON_STOP, cytonMicrovoltsPerCount, encodeCytonPacket } from '../../src/main/protocols/openbci-cyton';
import { closeRawPort, openRawPort, type PtyLink } from './serial-rig';

/** Counts of channel c at sample k: a ramp per channel, so scale and order are checkable. */
export const fakeCytonCounts = (k: number): number[] => Array.from({ length: 8 }, (_, c) => (c + 1) * 1000 + (k % 100) * (c % 2 ? -1 : 1));
/** Accelerometer counts in the packets that carry them (one in ten): about (0.25, -0.5, 1) g. */
export const FAKE_CYTON_ACCEL: [number, number, number] = [2000, -4000, 8000];

/**
 * A stand-in for an OpenBCI Cyton and its dongle on the board end of a PtyLink: silent until it
 * reads `b`, then 250 packets a second in real time (accelerometer in every tenth), until `s`.
 * `skipAt` drops the samples numbered k in [skipAt, skipAt + skipCount) from the wire, as a radio loss.
 */
export class FakeCyton {
  private port: SerialPort | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = 0;
  private k = 0;
  commands = '';

  constructor(
    readonly link: PtyLink,
    private readonly loss: { skipAt: number; skipCount: number } = { skipAt: -1, skipCount: 0 },
  ) {}

  async plug(): Promise<void> {
    const port = await openRawPort(this.link.boardPath);
    this.port = port;
    port.on('data', (bytes: Buffer) => {
      for (const b of bytes) {
        if (b >= 0x20 && b < 0x7f) this.commands += String.fromCharCode(b);
        if (b === CYTON_START && !this.timer) {
          this.started = performance.now();
          this.k = 0;
          this.timer = setInterval(() => this.flush(), 8);
        } else if (b === CYTON_STOP) this.halt();
      }
    });
  }

  async stop(): Promise<void> {
    this.halt();
    if (this.port) await closeRawPort(this.port);
    this.port = null;
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private flush(): void {
    const due = Math.floor(((performance.now() - this.started) / 1000) * CYTON_RATE);
    const packets: Uint8Array[] = [];
    for (; this.k < due; this.k++) {
      const k = this.k;
      if (k >= this.loss.skipAt && k < this.loss.skipAt + this.loss.skipCount) continue;
      packets.push(encodeCytonPacket(k, fakeCytonCounts(k), k % 10 === 0 ? FAKE_CYTON_ACCEL : undefined));
    }
    if (packets.length && this.port?.isOpen) this.port.write(Buffer.concat(packets));
  }
}

/** Sample index i is board sample i (the board started at 0 when it read `b`): each value is its count times the µV per count at `gain`. */
export function expectCountsScaled(chunks: { index: number; n: number; data: ArrayLike<number> }[], gain: number): void {
  const uv = cytonMicrovoltsPerCount(gain);
  for (const c of chunks) {
    for (let i = 0; i < c.n; i += 17) {
      for (const ch of [0, 3, 7]) expect(c.data[ch * c.n + i]).toBeCloseTo(fakeCytonCounts(c.index + i)[ch] * uv, 6);
    }
  }
}
