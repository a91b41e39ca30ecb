import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/main/formats/edf';
import { CYTON_ACCEL_G_PER_COUNT, CytonDecoder, cytonMicrovoltsPerCount, encodeCytonPacket, type CytonPacket } from '../../src/main/protocols/openbci-cyton';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (b) => parseInt(b, 16));
/** The parts in a row; a packet is taken once the next header confirms it, so one closes the stream. */
const concat = (parts: Uint8Array[]) => concatBytes([...parts, Uint8Array.of(0xa0)]);
const counts = (k: number) => Array.from({ length: 8 }, (_, c) => (c % 2 ? -1 : 1) * (k * 100 + c));

describe('OpenBCI Cyton decoder', () => {
  it('decodes a packet written out byte by byte from the documented layout', () => {
    // Sample 7; ch1 = 0x000001, ch2 = 0xffffff (-1), ch3 = 0x7fffff, ch4 = 0x800000, ch5-8 = 0x000100;
    // accel X = 0x0010, Y = 0xfff0 (-16), Z = 0x1f40 (8000); footer 0xc0.
    const bytes = hex('a0 07  00 00 01  ff ff ff  7f ff ff  80 00 00  00 01 00  00 01 00  00 01 00  00 01 00  00 10 ff f0 1f 40  c0  a0');
    const decoder = new CytonDecoder();
    // The first packet is taken once the next header (the last byte) confirms its framing.
    const [p] = decoder.push(bytes);
    const uv = cytonMicrovoltsPerCount(24);
    expect(uv).toBeCloseTo(0.02235, 5);
    expect(p.sampleNumber).toBe(7);
    expect(p.lost).toBe(0);
    expect([...p.eeg]).toEqual([1, -1, 8388607, -8388608, 256, 256, 256, 256].map((c) => c * uv));
    expect(p.accel).toEqual([16 * CYTON_ACCEL_G_PER_COUNT, -16 * CYTON_ACCEL_G_PER_COUNT, 8000 * CYTON_ACCEL_G_PER_COUNT]);
    expect(p.accel![2]).toBeCloseTo(1, 9);
    expect(decoder.errors).toEqual({ framing: 0, skippedBytes: 0 });
  });

  it('takes accelerometer values only from 0xC0 packets that carry them, and scales by the configured gain', () => {
    const decoder = new CytonDecoder({ gain: [1, 2, 4, 6, 8, 12, 24, 24] });
    const packets = decoder.push(concat([encodeCytonPacket(0, counts(1), [1, 2, 3]), encodeCytonPacket(1, counts(1)), encodeCytonPacket(2, counts(1), [1, 2, 3], 0xc1)]));
    expect(packets.map((p) => p.accel !== null)).toEqual([true, false, false]);
    expect(packets[2].footer).toBe(0xc1);
    expect([...packets[2].aux]).toEqual([0, 1, 0, 2, 0, 3]);
    expect(packets[0].eeg[0]).toBeCloseTo(counts(1)[0] * 4.5e6 / (2 ** 23 - 1), 9);
    expect(packets[0].eeg[5]).toBeCloseTo((counts(1)[5] * 4.5e6) / 12 / (2 ** 23 - 1), 9);
  });

  it('counts lost samples from the sample number across its wrap at 256', () => {
    const numbers = [250, 251, 252, 253, 254, 255, 0, 1, 5, 6, 255, 2];
    const packets = new CytonDecoder().push(concat(numbers.map((k) => encodeCytonPacket(k, counts(k)))));
    expect(packets.map((p) => p.sampleNumber)).toEqual(numbers);
    // 1 -> 5 skips 3 (2, 3, 4); 6 -> 255 skips 248; 255 -> 2 skips 2 (0, 1) across the wrap.
    expect(packets.map((p) => p.lost)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 248, 2]);
  });

  it('gives the same packets fed a byte at a time, in odd pieces or all at once', () => {
    const stream = concat(Array.from({ length: 40 }, (_, k) => encodeCytonPacket(k, counts(k), k % 10 === 0 ? [k, -k, 1000] : undefined)));
    const whole = new CytonDecoder().push(stream);
    const bytewise = new CytonDecoder();
    const one: CytonPacket[] = [];
    for (let i = 0; i < stream.length; i++) one.push(...bytewise.push(stream.subarray(i, i + 1)));
    const pieces = new CytonDecoder();
    const odd: CytonPacket[] = [];
    for (let i = 0; i < stream.length; i += 7) odd.push(...pieces.push(stream.subarray(i, i + 7)));
    expect(whole).toHaveLength(40);
    expect(one).toEqual(whole);
    expect(odd).toEqual(whole);
  });

  it('resyncs after garbage, a cut packet and a bad footer, counting each run once', () => {
    const decoder = new CytonDecoder();
    const good = (k: number) => encodeCytonPacket(k, counts(k));
    const badFooter = good(3);
    badFooter[32] = 0x42;
    const stream = concat([
      hex('13 37 a0 00 c0 ff'), // joined mid-stream: line noise with a stray header
      good(0),
      good(1),
      good(2).subarray(0, 20), // a packet cut short (radio loss)
      good(3),
      badFooter,
      good(5),
      good(6),
    ]);
    const packets = decoder.push(stream);
    expect(packets.map((p) => p.sampleNumber)).toEqual([0, 1, 3, 5, 6]);
    expect(packets.map((p) => p.lost)).toEqual([0, 0, 1, 1, 0]);
    expect(decoder.errors.framing).toBe(3);
    expect(decoder.errors.skippedBytes).toBe(6 + 20 + 33);
    expect(decoder.packets).toBe(5);
  });

  it('takes a packet once the next header confirms its framing', () => {
    const decoder = new CytonDecoder();
    expect(decoder.push(encodeCytonPacket(9, counts(9)))).toEqual([]);
    expect(decoder.push(hex('a0'))).toHaveLength(1);
    expect(decoder.push(encodeCytonPacket(10, counts(10)).subarray(1))).toHaveLength(0);
    expect(decoder.push(hex('a0'))).toMatchObject([{ sampleNumber: 10 }]);
    // A packet cut short whose next byte looks like a footer is not taken: the byte after it is no header.
    const cut = encodeCytonPacket(11, counts(11)).subarray(0, 32);
    const packets = decoder.push(concat([hex('0b'), cut.subarray(1), hex('c5'), encodeCytonPacket(12, counts(12))]));
    expect(packets.map((p) => p.sampleNumber)).toEqual([12]);
  });
});
