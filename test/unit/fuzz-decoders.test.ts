/**
 * 10^7 random and mutated bytes through the VBP decoder, the text-line decoder and the OpenBCI
 * Cyton decoder, fed in random pieces, with valid frames/lines/packets between the garbage:
 * nothing throws, the garbage is counted, and every valid one after it comes out. Polar PMD
 * notifications (one frame each, no byte stream) are fuzzed as random and mutated frames. Seeded,
 * so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { VbpDecoder, encodeData, type VbpPacket } from '../../src/main/protocols/vbp';
import { TextLineDecoder, type TextRecord } from '../../src/main/protocols/text-lines';
import { CYTON_HEADER, CytonDecoder, encodeCytonPacket, type CytonPacket } from '../../src/main/protocols/openbci-cyton';
import { PmdStreamState, decodePmdData } from '../../src/main/protocols/polar-pmd';
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

  it('OpenBCI Cyton: garbage and damaged packets are counted, every packet the next header confirms decodes', () => {
    const f = fuzzer(0xc7701);
    const bytes = new Uint8Array(GARBAGE_BYTES + 4_000_000);
    // Valid packets carry their ordinal in channel 1 and its negation in channel 8.
    const mark = (k: number) => encodeCytonPacket(k, [k, 1, 2, 3, 4, 5, 6, -k]);
    let at = 0;
    let garbage = 0;
    let valid = 0;
    let runs = 0;
    const starts: number[] = [];
    while (garbage < GARBAGE_BYTES) {
      const roll = f.int(3);
      if (roll === 0) {
        const n = Math.min(1 + f.int(3000), GARBAGE_BYTES - garbage);
        at = f.garbage(bytes, at, n);
        // A stray header that would frame a valid packet's bytes as its own is 1 in 4096 of them;
        // the decoder cannot tell it from a packet, so it is kept out of the last bytes before one.
        for (let i = Math.max(at - n, at - 33); i < at; i++) if (bytes[i] === CYTON_HEADER) bytes[i] = 0x00;
        garbage += n;
        runs++;
      } else if (roll === 1) {
        // A packet with another header byte, a footer outside 0xC0-0xCF, or cut short before its
        // last channel (a cut packet whose next byte looks like a footer cannot be told from a real one).
        const damage = f.int(3);
        const packet = mark(f.int(1 << 20)).subarray(0, damage === 2 ? 1 + f.int(25) : 33);
        if (damage === 0) packet[0] ^= 1 + f.int(255);
        else if (damage === 1) packet[32] ^= (1 + f.int(15)) << 4;
        for (let i = 1; i < packet.length; i++) if (packet[i] === CYTON_HEADER) packet[i] = 0x00;
        bytes.set(packet, at);
        at += packet.length;
        garbage += packet.length;
        runs++;
      } else {
        for (let r = 1 + f.int(4); r > 0; r--, valid++) {
          starts.push(at);
          bytes.set(mark(valid), at);
          at += 33;
        }
      }
    }
    // The last packet is confirmed by a next header.
    bytes[at++] = CYTON_HEADER;
    const decoder = new CytonDecoder();
    const packets = feed<CytonPacket>(bytes.subarray(0, at), 3, (piece) => decoder.push(piece));
    const uv = packets[0].eeg[1];
    const marks = packets.filter((p) => Math.abs(p.eeg[0] + p.eeg[7]) < 1e-9 && Math.abs(p.eeg[2] - 2 * uv) < 1e-9);
    // A packet is confirmed by the header after it: one followed by garbage is dropped with it.
    const confirmed = starts.map((s, k) => (bytes[s + 33] === CYTON_HEADER ? k : -1)).filter((k) => k >= 0);
    expect(confirmed.length).toBeGreaterThan(valid * 0.25);
    expect(marks.map((p) => Math.round(p.eeg[0] / uv))).toEqual(confirmed);
    // Back-to-back garbage and damaged packets make one run of unframed bytes.
    expect(decoder.errors.framing).toBeGreaterThan(runs * 0.2);
    expect(decoder.errors.framing).toBeLessThanOrEqual(runs);
    expect(decoder.errors.skippedBytes).toBeGreaterThan(GARBAGE_BYTES * 0.5);
  });

  it('Polar PMD: random and mutated notifications decode or give an error, never throw', () => {
    const f = fuzzer(0x9d0);
    const state = new PmdStreamState();
    const valid = [
      '00 00 94 35 77 00 00 00 00 00 02 80 ff 02 80 00',
      '02 01 00 00 00 00 00 00 00 80 01 00 fe ff 03 00 03 02 f9 08 01',
      '03 01 00 00 00 00 00 00 00 00 3c e8 03 0a 00 06',
      '01 01 00 00 00 00 00 00 00 00 01 00 00 ff ff ff 00 00 80 10 00 00',
    ].map((s) => Uint8Array.from(s.split(' '), (b) => parseInt(b, 16)));
    let frames = 0;
    let errors = 0;
    for (let k = 0; k < 30_000; k++) {
      let bytes: Uint8Array;
      const roll = f.int(3);
      if (roll === 0) {
        bytes = new Uint8Array(f.int(240));
        f.garbage(bytes, 0, bytes.length);
      } else if (roll === 1) {
        bytes = f.mutate(valid[f.int(valid.length)], false);
        if (f.int(2)) bytes = bytes.subarray(0, f.int(bytes.length));
      } else bytes = valid[f.int(valid.length)];
      const r = decodePmdData(bytes);
      if (r.ok) {
        frames++;
        expect(r.frame.data.every((c) => c.length === r.frame.n && c.every(Number.isFinite))).toBe(true);
      } else {
        errors++;
        expect(r.error.length).toBeGreaterThan(0);
      }
      expect(state.push(bytes, 130) === null).toBe(!r.ok);
    }
    expect(frames).toBeGreaterThan(9_000);
    expect(errors).toBeGreaterThan(9_000);
    expect(state.errors).toBe(errors);
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
