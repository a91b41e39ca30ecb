import { cobsEncode } from './cobs';
import { crc16 } from './crc16';
import { FORMAT_BYTES, MAX_PACKET, PacketType, type DeviceDescriptor, type SampleFormat } from './packets';

/** Frames one packet: type + body + CRC, COBS-encoded, followed by the 0x00 delimiter. */
export function encodePacket(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const packet = new Uint8Array(1 + body.length + 2);
  if (packet.length > MAX_PACKET) throw new RangeError(`VBP packet of ${packet.length} bytes exceeds ${MAX_PACKET}`);
  packet[0] = type;
  packet.set(body, 1);
  const crc = crc16(packet, 0, packet.length - 2);
  packet[packet.length - 2] = crc & 0xff;
  packet[packet.length - 1] = crc >> 8;
  const encoded = cobsEncode(packet);
  const framed = new Uint8Array(encoded.length + 1);
  framed.set(encoded);
  return framed;
}

export function encodeHello(descriptor: DeviceDescriptor, version = 1): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(descriptor));
  const body = new Uint8Array(1 + json.length);
  body[0] = version;
  body.set(json, 1);
  return encodePacket(PacketType.HELLO, body);
}

/** `raw` holds n samples interleaved by channel, as integers (or floats for f32) before scaling. */
export function encodeData(
  streamId: number,
  seq: number,
  tDev: number,
  format: SampleFormat,
  channels: number,
  raw: ArrayLike<number>,
): Uint8Array {
  const n = raw.length / channels;
  if (!Number.isInteger(n) || n > 255) throw new RangeError(`DATA needs 0..255 whole samples, got ${raw.length} values for ${channels} channels`);
  const width = FORMAT_BYTES[format];
  const body = new Uint8Array(8 + raw.length * width);
  const view = new DataView(body.buffer);
  body[0] = streamId;
  view.setUint16(1, seq & 0xffff, true);
  view.setUint32(3, tDev >>> 0, true);
  body[7] = n;
  let at = 8;
  for (let i = 0; i < raw.length; i++, at += width) {
    const v = raw[i];
    switch (format) {
      case 'i16':
        view.setInt16(at, clamp(v, 0x7fff), true);
        break;
      case 'i24': {
        const x = clamp(v, 0x7fffff) & 0xffffff;
        body[at] = x & 0xff;
        body[at + 1] = (x >> 8) & 0xff;
        body[at + 2] = (x >> 16) & 0xff;
        break;
      }
      case 'i32':
        view.setInt32(at, clamp(v, 0x7fffffff), true);
        break;
      case 'f32':
        view.setFloat32(at, v, true);
        break;
    }
  }
  return encodePacket(PacketType.DATA, body);
}

export function encodeEvent(tDev: number, code: number, text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  const body = new Uint8Array(6 + utf8.length);
  const view = new DataView(body.buffer);
  view.setUint32(0, tDev >>> 0, true);
  view.setUint16(4, code, true);
  body.set(utf8, 6);
  return encodePacket(PacketType.EVENT, body);
}

export function encodeSyncReply(nonce: number, tDev: number): Uint8Array {
  const body = new Uint8Array(8);
  const view = new DataView(body.buffer);
  view.setUint32(0, nonce >>> 0, true);
  view.setUint32(4, tDev >>> 0, true);
  return encodePacket(PacketType.SYNC_REPLY, body);
}

export function encodeSyncRequest(nonce: number): Uint8Array {
  const body = new Uint8Array(4);
  new DataView(body.buffer).setUint32(0, nonce >>> 0, true);
  return encodePacket(PacketType.SYNC_REQUEST, body);
}

export function encodeCommand(type: typeof PacketType.START | typeof PacketType.STOP | typeof PacketType.DESCRIBE): Uint8Array {
  return encodePacket(type);
}

function clamp(v: number, max: number): number {
  const r = Math.round(v);
  return r > max ? max : r < -max - 1 ? -max - 1 : r;
}
