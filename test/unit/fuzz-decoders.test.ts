/**
 * 10^7 random and mutated bytes through the VBP decoder and the text-line decoder, fed in random
 * pieces, with valid frames/lines between the garbage: nothing throws, the garbage is counted,
 * and every valid frame or line after it comes out. Seeded, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { VbpDecoder, encodeData, type VbpPacket } from '../../src/main/protocols/vbp';
import { TextLineDecoder, type TextRecord } from '../../src/main/protocols/text-lines';
import { HeartRateDecodeError, decodeHeartRateMeasurement, encodeHeartRateMeasurement } from '../../src/main/protocols/heart-rate-service';

const GARBAGE_BYTES = 10_000_000;
const MARK_STREAM = 7;
const magic = (seq: number) => (seq * 7919) >>> 0;

/** Random bytes, a run of them, and a copy of `frame` with a few bytes changed (never its final delimiter). */
function fuzzer(seed: number) {
  const random = new Prng(seed);
  const int = (n: number) => Math.floor(random.next() * n);
  return {
    int,
    /** `n` random bytes into `out` at `at`; `from` 1 leaves out 0x00, so no delimiter cuts the run. */
    garbage(out: Uint8Array, at: number, n: number, from = 0): number {
      for (let i = 0; i < n; i++) out[at + i] = from + int(256 - from);
      return at + n;
    },
    mutate(frame: Uint8Array, keepLast: boolean): Uint8Array {
      const copy = frame.slice();
      const flips = 1 + int(4);
      for (let f = 0; f < flips; f++) copy[int(copy.length - (keepLast ? 1 : 0))] ^= 1 + int(255);
      return copy;
    },
  };
}

/** Feeds `bytes` in random pieces of 1..4096 bytes. */
function feed<T>(bytes: Uint8Array, seed: number, push: (piece: Uint8Array) => T[]): T[] {
  const random = new Prng(seed);
  const out: T[] = [];
  for (let at = 0; at < bytes.length; ) {
    const len = 1 + Math.floor(random.next() * 4096);
    for (const x of push(bytes.subarray(at, at + len))) out.push(x);
    at += len;
  }
  return out;
}

describe('fuzzing the stream decoders (10^7 bytes each)', () => {
  it('VBP: garbage and mutated frames are counted, every valid frame after them decodes', () => {
    const f = fuzzer(0x5eed);
    const bytes = new Uint8Array(GARBAGE_BYTES + 4_000_000);
    let at = 0;
    let garbage = 0;
    let valid = 0;
    let mutated = 0;
    while (garbage < GARBAGE_BYTES) {
      const roll = f.int(3);
      if (roll === 0) {
        // Random bytes, or now and then a run with no delimiter longer than any frame.
        const long = f.int(20) === 0;
        const n = Math.min(long ? 3000 + f.int(3000) : f.int(3000), GARBAGE_BYTES - garbage);
        at = f.garbage(bytes, at, n, long ? 1 : 0);
        garbage += n;
        // The decoder can only resynchronise at a delimiter: one closes the garbage.
        bytes[at++] = 0;
      } else if (roll === 1) {
        // A damaged frame of another stream (its CRC or COBS breaks), ended by its own delimiter.
        const frame = f.mutate(encodeData(3, f.int(65536), f.int(2 ** 32), 'i16', 1, [f.int(1000), f.int(1000)]), true);
        bytes.set(frame, at);
        at += frame.length;
        garbage += frame.length;
        mutated++;
      } else {
        const frame = encodeData(MARK_STREAM, valid & 0xffff, magic(valid), 'i16', 1, [valid & 0x7fff]);
        bytes.set(frame, at);
        at += frame.length;
        valid++;
      }
    }
    const decoder = new VbpDecoder();
    const packets = feed<VbpPacket>(bytes.subarray(0, at), 1, (piece) => decoder.push(piece));
    const marks = packets.filter((p): p is Extract<VbpPacket, { type: 'data' }> => p.type === 'data' && p.streamId === MARK_STREAM && p.tDev === magic(p.seq));
    expect(marks.length).toBe(valid);
    expect(marks.every((p, k) => p.seq === (k & 0xffff))).toBe(true);
    const { crc, cobs, oversize, malformed } = decoder.errors;
    // Each damaged frame is at least one counted error (a CRC collision, 1 in 65536, aside).
    expect(crc + cobs + oversize + malformed).toBeGreaterThan(mutated * 0.99);
    expect(crc).toBeGreaterThan(0);
    expect(oversize).toBeGreaterThan(0);
  });

  it('text lines: garbage and mutated lines are counted, every valid line after them comes out', () => {
    const f = fuzzer(0x7e47);
    const bytes = new Uint8Array(GARBAGE_BYTES + 4_000_000);
    const encoder = new TextEncoder();
    const line = (k: number) => encoder.encode(`${k},${2 * k},${3 * k}\n`);
    bytes.set(line(0), 0);
    let at = line(0).length;
    let garbage = 0;
    let valid = 1;
    while (garbage < GARBAGE_BYTES) {
      const roll = f.int(3);
      if (roll === 0) {
        const n = Math.min(f.int(3000), GARBAGE_BYTES - garbage);
        at = f.garbage(bytes, at, n);
        garbage += n;
        // A line ends the garbage, so the valid line after it starts clean.
        bytes[at++] = 0x0a;
      } else if (roll === 1) {
        const mutated = f.mutate(encoder.encode(`${f.int(99)} ${f.int(99)}\t${f.int(99)};x\n`), true);
        bytes.set(mutated, at);
        at += mutated.length;
        garbage += mutated.length;
      } else {
        bytes.set(line(valid), at);
        at += line(valid).length;
        valid++;
      }
    }
    const decoder = new TextLineDecoder();
    const records = feed<TextRecord>(bytes.subarray(0, at), 2, (piece) => decoder.push(piece));
    const samples = records.filter((r): r is Extract<TextRecord, { kind: 'sample' }> => r.kind === 'sample');
    const marks = samples.filter((r) => r.values.length === 3 && r.values[1] === 2 * r.values[0] && r.values[2] === 3 * r.values[0]);
    expect(marks.map((r) => r.values[0])).toEqual(Array.from({ length: valid }, (_, k) => k));
    const errors = records.filter((r) => r.kind === 'error');
    expect(decoder.parseErrors).toBe(errors.length);
    expect(errors.length).toBeGreaterThan(1000);
    expect(errors.every((e) => e.kind === 'error' && e.reason.length > 0 && e.line.length <= 1024)).toBe(true);
  });

  it('Heart Rate Measurement: 10^5 random and mutated values give a measurement that fits their length, or the decoder\'s own error', () => {
    const f = fuzzer(0x4852);
    let refused = 0;
    for (let k = 0; k < 100_000; k++) {
      const valid = encodeHeartRateMeasurement({ bpm: 30 + f.int(300), contact: 'detected', ...(f.int(2) ? { energyJ: f.int(65536) * 1000 } : {}), rrMs: Array.from({ length: f.int(9) }, () => 300 + f.int(1500)) });
      const value = k % 2 ? f.mutate(valid, false).subarray(0, f.int(valid.length + 1)) : (() => { const v = new Uint8Array(f.int(24)); f.garbage(v, 0, v.length); return v; })();
      if (k % 3 === 0) expect(decodeHeartRateMeasurement(valid).bpm).toBe(valid[0] & 1 ? valid[1] | (valid[2] << 8) : valid[1]);
      try {
        const m = decodeHeartRateMeasurement(value);
        const header = 1 + (value[0] & 1 ? 2 : 1) + (value[0] & 8 ? 2 : 0);
        expect(m.rrMs.length).toBe(value[0] & 0x10 ? (value.length - header) / 2 : 0);
        expect(m.rrMs.every((r) => r >= 0 && r < 64_000)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(HeartRateDecodeError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});
