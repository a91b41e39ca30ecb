import { cobsDecode } from './cobs';
import { crc16 } from './crc16';
import { DATA_HEADER_BYTES, MAX_PACKET, PacketType, parseHello, type VbpPacket } from './packets';

export interface VbpErrorCounts {
  crc: number;
  cobs: number;
  oversize: number;
  /** Frames that passed CRC but do not parse: unknown type, short body, a HELLO that is rejected. */
  malformed: number;
}

/** Longest COBS block a MAX_PACKET packet can encode to. */
const MAX_ENCODED = MAX_PACKET + Math.ceil(MAX_PACKET / 254) + 1;

/**
 * Streaming VBP decoder: feed it bytes in any split, get whole packets. Bad frames are counted
 * and dropped, and the decoder resynchronises at the next 0x00; it never throws on input.
 */
export class VbpDecoder {
  readonly errors: VbpErrorCounts = { crc: 0, cobs: 0, oversize: 0, malformed: 0 };
  private readonly block = new Uint8Array(MAX_ENCODED);
  private readonly packet = new Uint8Array(MAX_ENCODED);
  private length = 0;
  private overflowed = false;
  private readonly text = new TextDecoder('utf-8', { fatal: true });

  /** Drops a partly received frame without counting it (the link was reopened). */
  reset(): void {
    this.length = 0;
    this.overflowed = false;
  }

  push(bytes: Uint8Array): VbpPacket[] {
    const packets: VbpPacket[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte !== 0) {
        if (this.length < MAX_ENCODED) this.block[this.length++] = byte;
        else this.overflowed = true;
        continue;
      }
      const packet = this.endFrame();
      if (packet) packets.push(packet);
    }
    return packets;
  }

  private endFrame(): VbpPacket | null {
    const length = this.length;
    this.length = 0;
    if (this.overflowed) {
      this.overflowed = false;
      this.errors.oversize++;
      return null;
    }
    if (length === 0) return null; // back-to-back delimiters: idle line or a resync
    const decoded = cobsDecode(this.block, length, this.packet);
    if (decoded < 0) {
      this.errors.cobs++;
      return null;
    }
    if (decoded > MAX_PACKET) {
      this.errors.oversize++;
      return null;
    }
    if (decoded < 3) {
      this.errors.malformed++;
      return null;
    }
    const crc = this.packet[decoded - 2] | (this.packet[decoded - 1] << 8);
    if (crc16(this.packet, 0, decoded - 2) !== crc) {
      this.errors.crc++;
      return null;
    }
    const packet = this.parse(this.packet.slice(0, decoded - 2));
    if (!packet || packet.type === 'badHello') this.errors.malformed++;
    return packet;
  }

  private parse(p: Uint8Array): VbpPacket | null {
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const bodyLength = p.length - 1;
    switch (p[0]) {
      case PacketType.HELLO: {
        if (bodyLength < 1) return null;
        let json: string;
        try {
          json = this.text.decode(p.subarray(2));
        } catch {
          return { type: 'badHello', error: 'HELLO descriptor is not UTF-8 text' };
        }
        const hello = parseHello(p[1], json);
        return 'error' in hello ? { type: 'badHello', error: hello.error } : { type: 'hello', version: p[1], descriptor: hello.descriptor };
      }
      case PacketType.DATA:
        if (bodyLength < DATA_HEADER_BYTES) return null;
        return {
          type: 'data',
          streamId: p[1],
          seq: view.getUint16(2, true),
          tDev: view.getUint32(4, true),
          n: p[8],
          samples: p.subarray(1 + DATA_HEADER_BYTES),
        };
      case PacketType.EVENT:
        if (bodyLength < 6) return null;
        return {
          type: 'event',
          tDev: view.getUint32(1, true),
          code: view.getUint16(5, true),
          text: new TextDecoder().decode(p.subarray(7)),
        };
      case PacketType.SYNC_REPLY:
        if (bodyLength !== 8) return null;
        return { type: 'syncReply', nonce: view.getUint32(1, true), tDev: view.getUint32(5, true) };
      case PacketType.START:
        return bodyLength === 0 ? { type: 'start' } : null;
      case PacketType.STOP:
        return bodyLength === 0 ? { type: 'stop' } : null;
      case PacketType.DESCRIBE:
        return bodyLength === 0 ? { type: 'describe' } : null;
      case PacketType.SYNC_REQUEST:
        return bodyLength === 4 ? { type: 'syncRequest', nonce: view.getUint32(1, true) } : null;
      default:
        return null;
    }
  }
}
