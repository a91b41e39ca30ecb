import { describe, expect, it } from 'vitest';
import {
  PacketType,
  VbpDecoder,
  crc16,
  decodeSamples,
  encodeData,
  encodeEvent,
  encodePacket,
  encodeSyncReply,
  type VbpPacket,
} from '../../src/main/protocols/vbp';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// PROTOCOL.md test vectors.
const HELLO =
  'e501017b22646576696365223a7b226e616d65223a22566563746f7220626f617264222c226d6f64656c223a2256422d31222c226669726d77617265223a22312e302e30222c2273657269616c223a2230303031227d2c2273747265616d73223a5b7b226964223a302c226e616d65223a22656367222c226b696e64223a22656367222c2272617465223a3235302c22666f726d6174223a22693136222c226368616e6e656c73223a5b7b226c6162656c223a224c6561642049222c22756e6974223a227556222c227363616c65223a312e302c226f6666736574223a307d5d7d5d7d1f6c00';
const DATA = '020202070440420f020401020103ffff040158d900';
const EVENT = '050360e316020109627574746f6ef51b00';

/** Deterministic PRNG so a failing property run can be reproduced from its seed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the check value 0x29B1 for "123456789"', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });
});

describe('VBP decoder on the PROTOCOL.md vectors', () => {
  const all = hex(HELLO + DATA + EVENT);

  it('decodes HELLO, DATA and EVENT', () => {
    const decoder = new VbpDecoder();
    const packets = decoder.push(all);
    expect(packets.map((p) => p.type)).toEqual(['hello', 'data', 'event']);
    const [hello, data, event] = packets as [
      Extract<VbpPacket, { type: 'hello' }>,
      Extract<VbpPacket, { type: 'data' }>,
      Extract<VbpPacket, { type: 'event' }>,
    ];
    expect(hello.version).toBe(1);
    expect(hello.descriptor.device).toEqual({ name: 'Vector board', model: 'VB-1', firmware: '1.0.0', serial: '0001' });
    const stream = hello.descriptor.streams[0];
    expect(stream).toMatchObject({ id: 0, name: 'ecg', kind: 'ecg', rate: 250, format: 'i16' });
    expect(data).toMatchObject({ streamId: 0, seq: 7, tDev: 1_000_000, n: 4 });
    expect(Array.from(decodeSamples(stream, data.n, data.samples)!)).toEqual([0, 1, -1, 256]);
    expect(event).toEqual({ type: 'event', tDev: 1_500_000, code: 1, text: 'button' });
    expect(decoder.errors).toEqual({ crc: 0, cobs: 0, oversize: 0, malformed: 0 });
  });

  it('gives the same packets fed one byte at a time', () => {
    const whole = new VbpDecoder().push(all);
    const decoder = new VbpDecoder();
    const bytewise: VbpPacket[] = [];
    for (const b of all) bytewise.push(...decoder.push(Uint8Array.of(b)));
    expect(bytewise).toEqual(whole);
  });

  it('encodes the vectors byte for byte', () => {
    expect(toHex(encodeData(0, 7, 1_000_000, 'i16', 1, [0, 1, -1, 256]))).toBe(DATA);
    expect(toHex(encodeEvent(1_500_000, 1, 'button'))).toBe(EVENT);
    // The HELLO vector's JSON writes "scale":1.0, which JSON.stringify would not: frame its exact body.
    const helloBody = new VbpDecoder();
    const packet = helloBody.push(hex(HELLO))[0] as Extract<VbpPacket, { type: 'hello' }>;
    expect(packet.type).toBe('hello');
    const json = hex(HELLO).subarray(3, -3); // COBS code, type, version ... CRC, delimiter
    expect(toHex(encodePacket(PacketType.HELLO, Uint8Array.of(1, ...json)))).toBe(HELLO);
  });
});

describe('VBP decoder on bad input', () => {
  it('counts a flipped bit as a CRC error and resynchronises', () => {
    const bytes = hex(DATA + DATA);
    bytes[5] ^= 0x10;
    const decoder = new VbpDecoder();
    const packets = decoder.push(bytes);
    expect(packets).toHaveLength(1);
    expect(decoder.errors.crc).toBe(1);
  });

  it('counts an oversize frame and recovers at the next delimiter', () => {
    const decoder = new VbpDecoder();
    const junk = new Uint8Array(5000).fill(0x41);
    const packets = decoder.push(new Uint8Array([...junk, 0, ...hex(DATA)]));
    expect(packets).toHaveLength(1);
    expect(decoder.errors.oversize).toBe(1);
  });

  it('counts a COBS code that runs past the frame', () => {
    const decoder = new VbpDecoder();
    expect(decoder.push(Uint8Array.of(0x09, 1, 2, 0))).toEqual([]);
    expect(decoder.errors.cobs).toBe(1);
  });

  it('rejects a HELLO whose JSON is not a descriptor as malformed, naming the field', () => {
    const decoder = new VbpDecoder();
    const body = new TextEncoder().encode('\x01{"device":{}}');
    expect(decoder.push(encodePacket(PacketType.HELLO, body))).toEqual([
      { type: 'badHello', error: 'HELLO device.name: Invalid input: expected string, received undefined' },
    ]);
    expect(decoder.errors.malformed).toBe(1);
  });

  it('never throws on random bytes and still finds every valid frame between them (property)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = mulberry32(seed);
      const frames: Uint8Array[] = [];
      const parts: number[] = [];
      const expected: number[] = [];
      for (let k = 0; k < 20; k++) {
        const garbage = Math.floor(rand() * 40);
        for (let g = 0; g < garbage; g++) parts.push(Math.floor(rand() * 256));
        // A delimiter closes the garbage so the valid frame after it starts clean.
        parts.push(0);
        const seq = Math.floor(rand() * 65536);
        const frame = encodeSyncReply(seq, k);
        frames.push(frame);
        expected.push(seq);
        parts.push(...frame);
      }
      const bytes = Uint8Array.from(parts);
      const decoder = new VbpDecoder();
      // Feed in random splits.
      const got: VbpPacket[] = [];
      for (let at = 0; at < bytes.length; ) {
        const len = 1 + Math.floor(rand() * 64);
        got.push(...decoder.push(bytes.subarray(at, at + len)));
        at += len;
      }
      const replies = got.filter((p) => p.type === 'syncReply') as Extract<VbpPacket, { type: 'syncReply' }>[];
      // Garbage may by chance form a valid frame (CRC passes 1 in 65536); every real one must be there.
      expect(replies.filter((r) => r.tDev < 20).map((r) => r.nonce)).toEqual(expect.arrayContaining(expected));
      expect(replies.length).toBeGreaterThanOrEqual(frames.length);
    }
  });
});

describe('sample formats', () => {
  const stream = (format: 'i16' | 'i24' | 'i32' | 'f32') => ({
    id: 0,
    name: 's',
    kind: 'other' as const,
    rate: 100,
    format,
    channels: [
      { label: 'a', unit: 'u', scale: 2, offset: 1 },
      { label: 'b', unit: 'u', scale: 1, offset: 0 },
    ],
  });

  it.each(['i16', 'i24', 'i32', 'f32'] as const)('round-trips %s extremes, channel-major and scaled', (format) => {
    const max = { i16: 32767, i24: 8388607, i32: 2147483647, f32: 1.5 }[format];
    const min = { i16: -32768, i24: -8388608, i32: -2147483648, f32: -2.25 }[format];
    const raw = [max, min, 0, -1, min, max]; // 3 samples x 2 channels, interleaved
    const decoder = new VbpDecoder();
    const [packet] = decoder.push(encodeData(3, 65535, 0xffffffff, format, 2, raw)) as Extract<VbpPacket, { type: 'data' }>[];
    expect(packet).toMatchObject({ streamId: 3, seq: 65535, tDev: 0xffffffff, n: 3 });
    const values = decodeSamples(stream(format), packet.n, packet.samples)!;
    expect(Array.from(values)).toEqual([max * 2 + 1, 0 * 2 + 1, min * 2 + 1, min, -1, max]);
  });

  it('returns null when the byte count does not fit the stream', () => {
    expect(decodeSamples(stream('i16'), 3, new Uint8Array(10))).toBeNull();
  });
});
