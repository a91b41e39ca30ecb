/** The Heart Rate Measurement decoder against byte sequences laid out as the SIG XML says (PROTOCOL_FACTS.md §1). */
import { describe, expect, it } from 'vitest';
import { HeartRateDecodeError, decodeHeartRateMeasurement, encodeHeartRateMeasurement } from '../../src/main/protocols/heart-rate-service';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('Heart Rate Measurement (0x2A37)', () => {
  it('decodes the worked example 16 48 1A 03 02 03', () => {
    const m = decodeHeartRateMeasurement(bytes(0x16, 0x48, 0x1a, 0x03, 0x02, 0x03));
    expect(m.bpm).toBe(72);
    expect(m.contact).toBe('detected');
    expect(m.energyJ).toBeUndefined();
    expect(m.rrMs).toEqual([(794 * 1000) / 1024, (770 * 1000) / 1024]);
    expect(m.rrMs[0]).toBeCloseTo(775.4, 1);
  });

  // Flags bits 0-4 in every combination, with bits 5-7 (reserved) set on odd combinations: they must be ignored.
  for (let flags = 0; flags < 32; flags++) {
    const wide = (flags & 1) !== 0;
    const contactBits = (flags >> 1) & 3;
    const energy = (flags & 8) !== 0;
    const rr = (flags & 16) !== 0;
    it(`flags 0x${flags.toString(16).padStart(2, '0')}: ${wide ? 'uint16' : 'uint8'} HR, contact bits ${contactBits}, energy ${energy ? 'yes' : 'no'}, RR ${rr ? 'yes' : 'no'}`, () => {
      const value = [flags | (flags % 2 ? 0xe0 : 0)];
      // 300 bpm needs the high byte; 0x8c = 140 bpm as uint8.
      value.push(...(wide ? [0x2c, 0x01] : [0x8c]));
      if (energy) value.push(0x34, 0x12); // 0x1234 = 4660 kJ
      if (rr) value.push(0x00, 0x04, 0x01, 0x02, 0xff, 0xff); // 1024, 513 and 65535 / 1024 s
      const m = decodeHeartRateMeasurement(Uint8Array.from(value));
      expect(m.bpm).toBe(wide ? 300 : 140);
      expect(m.contact).toBe(contactBits === 3 ? 'detected' : contactBits === 2 ? 'not detected' : 'unsupported');
      expect(m.energyJ).toBe(energy ? 4_660_000 : undefined);
      expect(m.rrMs).toEqual(rr ? [1000, (513 * 1000) / 1024, (65535 * 1000) / 1024] : []);
    });
  }

  it('takes RR present with no intervals as none (a strap between beats)', () => {
    expect(decodeHeartRateMeasurement(bytes(0x10, 60)).rrMs).toEqual([]);
  });

  it.each([
    [[], /0 bytes is truncated: no flags byte at byte 0/],
    [[0x00], /uint8 heart rate \(1 bytes\) missing at byte 1/],
    [[0x01, 0x50], /uint16 heart rate \(2 bytes\) missing at byte 1/],
    [[0x08, 0x50, 0x01], /energy expended \(2 bytes\) missing at byte 2/],
    [[0x19, 0x50, 0x00, 0x10], /energy expended \(2 bytes\) missing at byte 3/],
    [[0x10, 0x50, 0x00, 0x04, 0x01], /half an RR interval at byte 4/],
  ])('refuses the truncated value %j with what is missing and where', (value, message) => {
    expect(() => decodeHeartRateMeasurement(Uint8Array.from(value))).toThrow(HeartRateDecodeError);
    expect(() => decodeHeartRateMeasurement(Uint8Array.from(value))).toThrow(message);
  });

  it('encodes what it decodes, RR rounded to 1/1024 s', () => {
    const value = encodeHeartRateMeasurement({ bpm: 72, contact: 'detected', rrMs: [775.4, 752] });
    expect([...value]).toEqual([0x16, 0x48, 0x1a, 0x03, 0x02, 0x03]);
    const wide = decodeHeartRateMeasurement(encodeHeartRateMeasurement({ bpm: 300, contact: 'not detected', energyJ: 12_000, rrMs: [] }));
    expect(wide).toEqual({ bpm: 300, contact: 'not detected', energyJ: 12_000, rrMs: [] });
  });
});
