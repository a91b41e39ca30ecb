/**
 * OpenBCI Cyton over its USB dongle (PROTOCOL_FACTS.md section 4, OpenBCI docs "Cyton Data
 * Format"): 33-byte packets 0xA0, sample number (u8, wraps), 8 channels x 24-bit big-endian
 * signed, 6 aux bytes, footer 0xC0-0xCF. Pure streaming decoder: fed one byte or a megabyte at a
 * time it gives the same packets; bytes that do not frame are counted and it resyncs at the next
 * header that does.
 */

export const CYTON_PACKET_BYTES = 33;
export const CYTON_HEADER = 0xa0;
export const CYTON_CHANNELS = 8;
/** 250 Hz is the Cyton's default (and, over the dongle, its only practical) rate. */
export const CYTON_RATE = 250;
/** ASCII commands: start and stop streaming. */
export const CYTON_START = 0x62; // 'b'
export const CYTON_STOP = 0x73; // 's'
export const CYTON_DEFAULT_GAIN = 24;
/** Accelerometer (LIS3DH, ±4 g): g per count of the 16-bit big-endian values of footer 0xC0. */
export const CYTON_ACCEL_G_PER_COUNT = 0.002 / 2 ** 4;
const FOOTER_ACCEL = 0xc0;

/** µV per count of a channel at `gain`: 4.5 V reference / gain / (2^23 - 1). */
export function cytonMicrovoltsPerCount(gain: number): number {
  return (4.5 / gain / (2 ** 23 - 1)) * 1e6;
}

export interface CytonPacket {
  sampleNumber: number;
  /** Samples missing before this one, from the sample number's skip (0 for the first packet). */
  lost: number;
  /** The 8 channels, µV. */
  eeg: Float64Array;
  /** X, Y, Z in g when this packet carries accelerometer values (footer 0xC0, not all zero), else null. */
  accel: [number, number, number] | null;
  footer: number;
  aux: Uint8Array;
}

export interface CytonErrorCounts {
  /** Runs of bytes that did not frame as packets (each run counts once, however long). */
  framing: number;
  /** Bytes discarded in those runs. */
  skippedBytes: number;
}

export interface CytonDecoderOptions {
  /** PGA gain of every channel (1, 2, 4, 6, 8, 12 or 24), or one per channel; default 24. */
  gain?: number | readonly number[];
}

/**
 * A packet is taken once its footer checks and the next packet's header follows it (one packet
 * period later, 4 ms at 250 Hz): a stray 0xA0 in garbage, or a packet cut short by a radio loss,
 * then rarely passes for a packet and swallows the real one after it.
 */
export class CytonDecoder {
  readonly errors: CytonErrorCounts = { framing: 0, skippedBytes: 0 };
  packets = 0;
  private readonly buffer = new Uint8Array(CYTON_PACKET_BYTES + 1);
  private length = 0;
  private inGarbage = false;
  private lastSample: number | null = null;
  private readonly scale: Float64Array;

  constructor(options: CytonDecoderOptions = {}) {
    const gain = options.gain ?? CYTON_DEFAULT_GAIN;
    this.scale = Float64Array.from({ length: CYTON_CHANNELS }, (_, c) => cytonMicrovoltsPerCount(typeof gain === 'number' ? gain : gain[c]));
  }

  /** Forgets a half-received packet and the sample-number history (the link was reopened). */
  reset(): void {
    this.length = 0;
    this.lastSample = null;
  }

  push(bytes: Uint8Array): CytonPacket[] {
    const out: CytonPacket[] = [];
    for (let i = 0; i < bytes.length; i++) {
      this.buffer[this.length++] = bytes[i];
      this.settle(out);
    }
    return out;
  }

  /** Takes packets off the buffer's front while it can decide, dropping bytes that cannot start one. */
  private settle(out: CytonPacket[]): void {
    for (;;) {
      if (this.length === 0) return;
      if (this.buffer[0] !== CYTON_HEADER) {
        this.drop();
        continue;
      }
      if (this.length < CYTON_PACKET_BYTES) return;
      if ((this.buffer[CYTON_PACKET_BYTES - 1] & 0xf0) !== 0xc0) {
        this.drop();
        continue;
      }
      if (this.length === CYTON_PACKET_BYTES) return;
      if (this.buffer[CYTON_PACKET_BYTES] !== CYTON_HEADER) {
        this.drop();
        continue;
      }
      out.push(this.packet());
      this.inGarbage = false;
      this.buffer.copyWithin(0, CYTON_PACKET_BYTES, this.length);
      this.length -= CYTON_PACKET_BYTES;
    }
  }

  /** Discards the first byte (no packet starts there), counting a run of them once. */
  private drop(): void {
    this.errors.skippedBytes++;
    if (!this.inGarbage) this.errors.framing++;
    this.inGarbage = true;
    this.buffer.copyWithin(0, 1, this.length);
    this.length--;
  }

  private packet(): CytonPacket {
    const b = this.buffer;
    const sampleNumber = b[1];
    const lost = this.lastSample === null ? 0 : (sampleNumber - this.lastSample - 1) & 0xff;
    this.lastSample = sampleNumber;
    const eeg = new Float64Array(CYTON_CHANNELS);
    for (let c = 0; c < CYTON_CHANNELS; c++) {
      const at = 2 + 3 * c;
      const raw = (b[at] << 16) | (b[at + 1] << 8) | b[at + 2];
      eeg[c] = (raw & 0x800000 ? raw - 0x1000000 : raw) * this.scale[c];
    }
    const aux = b.slice(26, 32);
    const footer = b[32];
    let accel: CytonPacket['accel'] = null;
    // The board sends new accelerometer values in some packets only (25 Hz of 250): the others carry zeros.
    if (footer === FOOTER_ACCEL && aux.some((x) => x !== 0)) {
      const axis = (k: number) => (((aux[2 * k] << 8) | aux[2 * k + 1]) << 16 >> 16) * CYTON_ACCEL_G_PER_COUNT;
      accel = [axis(0), axis(1), axis(2)];
    }
    this.packets++;
    return { sampleNumber, lost, eeg, accel, footer, aux };
  }
}

/** One 33-byte packet from counts (for simulators and tests): 8 signed 24-bit counts, accel counts or raw aux. */
export function encodeCytonPacket(sampleNumber: number, counts: readonly number[], accel?: readonly [number, number, number], footer = FOOTER_ACCEL): Uint8Array {
  const out = new Uint8Array(CYTON_PACKET_BYTES);
  out[0] = CYTON_HEADER;
  out[1] = sampleNumber & 0xff;
  for (let c = 0; c < CYTON_CHANNELS; c++) {
    const v = counts[c] & 0xffffff;
    out.set([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff], 2 + 3 * c);
  }
  if (accel) for (let k = 0; k < 3; k++) out.set([(accel[k] >> 8) & 0xff, accel[k] & 0xff], 26 + 2 * k);
  out[32] = footer;
  return out;
}
