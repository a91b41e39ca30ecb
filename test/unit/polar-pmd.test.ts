import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import {
  PMD_CONTROL_POINT,
  PMD_DATA,
  PMD_SERVICE,
  PmdStreamState,
  PmdType,
  decodeControlResponse,
  decodePmdData,
  encodeGetSettings,
  encodeStart,
  encodeStop,
  ppiTimes,
  type PmdFrame,
} from '../../src/main/protocols/polar-pmd';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/** A PMD data notification: type, u64 LE timestamp (ns), frame type, body. */
function frame(type: number, ns: bigint, frameType: number, body: number[] | Uint8Array): Uint8Array {
  const out = new Uint8Array(10 + body.length);
  out[0] = type;
  new DataView(out.buffer).setBigUint64(1, ns, true);
  out[9] = frameType;
  out.set(body, 10);
  return out;
}

function decoded(bytes: Uint8Array): PmdFrame {
  const r = decodePmdData(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.frame;
}

/**
 * The documented delta layout, written independently of the decoder: reference sample (LE,
 * `refBytes` per channel), then per block [width, count, deltas packed LSB first, byte padded].
 */
function encodeDelta(samples: number[][], refBytes: number, blocks: { width: number; count: number }[]): Uint8Array {
  const out: number[] = [];
  for (const v of samples[0]) for (let b = 0; b < refBytes; b++) out.push(Math.floor((v < 0 ? v + 2 ** (8 * refBytes) : v) / 2 ** (8 * b)) & 0xff);
  let k = 1;
  for (const { width, count } of blocks) {
    out.push(width, count);
    const bits: number[] = [];
    for (let s = 0; s < count; s++, k++) {
      for (let c = 0; c < samples[k].length; c++) {
        const d = samples[k][c] - samples[k - 1][c];
        expect(d >= -(2 ** (width - 1)) && d < 2 ** (width - 1), `delta ${d} fits ${width} bits`).toBe(true);
        const u = d < 0 ? d + 2 ** width : d;
        for (let b = 0; b < width; b++) bits.push(Math.floor(u / 2 ** b) & 1);
      }
    }
    for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((acc, bit, j) => acc | (bit << j), 0));
  }
  return Uint8Array.from(out);
}

describe('Polar PMD', () => {
  it('names the service and characteristics in lowercase 128-bit form', () => {
    expect(PMD_SERVICE).toBe('fb005c80-02e7-f387-1cad-8acd2d8df0c8');
    expect(PMD_CONTROL_POINT).toBe('fb005c81-02e7-f387-1cad-8acd2d8df0c8');
    expect(PMD_DATA).toBe('fb005c82-02e7-f387-1cad-8acd2d8df0c8');
  });

  it('encodes control-point commands byte for byte', () => {
    expect(toHex(encodeStart(PmdType.ECG, { sampleRate: 130, resolution: 14 }))).toBe('02 00 00 01 82 00 01 01 0e 00');
    expect(toHex(encodeStart(PmdType.ACC, { sampleRate: 200, resolution: 16, range: 8 }))).toBe('02 02 00 01 c8 00 01 01 10 00 02 01 08 00');
    expect(toHex(encodeStart(PmdType.PPG, { sampleRate: 135, resolution: 22, channels: 4 }, true))).toBe('02 81 00 01 87 00 01 01 16 00 04 01 04');
    expect(toHex(encodeGetSettings(PmdType.ECG))).toBe('01 00');
    expect(toHex(encodeStop(PmdType.ACC))).toBe('03 02');
  });

  it('decodes a get-settings answer into its offered values', () => {
    // f0 01 02 00 00 | rates 25 50 100 200 | resolution 16 | ranges 2 4 8 | factor 0.5 (float32 LE)
    const r = decodeControlResponse(hex('f0 01 02 00 00  00 04 19 00 32 00 64 00 c8 00  01 01 10 00  02 03 02 00 04 00 08 00  05 01 00 00 00 3f'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ opCode: 1, measurementType: 2, status: 0, statusText: 'success', ok: true, more: false });
    expect(r.value.settings).toEqual({ sampleRate: [25, 50, 100, 200], resolution: [16], range: [2, 4, 8], channels: [], factor: 0.5 });
  });

  it('reads error responses and rejects malformed ones with a reason', () => {
    const r = decodeControlResponse(hex('f0 02 00 08'));
    expect(r.ok && r.value).toMatchObject({ opCode: 2, measurementType: 0, status: 8, ok: false, statusText: 'invalid sample rate', more: false });
    const charger = decodeControlResponse(hex('f0 02 01 0d'));
    expect(charger.ok && charger.value.statusText).toBe('device in charger');
    const unknown = decodeControlResponse(hex('f0 02 01 63'));
    expect(unknown.ok && unknown.value.statusText).toBe('unknown status 99');
    expect(decodeControlResponse(hex('f0 01'))).toEqual({ ok: false, error: 'control-point response of 2 bytes, expected at least 4' });
    expect(decodeControlResponse(hex('0f 01 00 00'))).toMatchObject({ ok: false, error: expect.stringMatching(/starts with 0x0f/) });
    const cut = decodeControlResponse(hex('f0 01 00 00 00 00 03 82 00'));
    expect(cut).toMatchObject({ ok: false, error: expect.stringMatching(/setting type 0 needs 6 bytes at byte 2, 2 left/) });
    expect(decodeControlResponse(hex('f0 01 00 00 00 09 01 00'))).toMatchObject({ ok: false, error: expect.stringMatching(/unknown setting type 9 at byte 0/) });
  });

  it('decodes the SDK ECG test vector exactly', () => {
    const f = decoded(hex('00  00 94 35 77 00 00 00 00  00  02 80 ff 02 80 00'));
    expect(f).toMatchObject({ measurementType: 0, name: 'ecg', timestampNs: 2_000_000_000n, timestamp: 2, frameType: 0, compressed: false, n: 2 });
    expect(f.channels).toEqual([{ label: 'ecg', unit: 'µV' }]);
    expect([...f.data[0]]).toEqual([-32766, 32770]);
  });

  it('keeps real-date timestamps to well under a microsecond, and the nanoseconds as sent', () => {
    // 2024-06-01T12:00:00.123456789Z in ns since 2000.
    const ns = 770_472_000_123_456_789n;
    const f = decoded(frame(PmdType.ECG, ns, 0, [0, 0, 0]));
    expect(f.timestampNs).toBe(ns);
    expect(Math.abs((f.timestamp - 770_472_000) * 1e9 - 123_456_789)).toBeLessThan(200);
  });

  it('decodes raw ACC frames of each sample size', () => {
    const a0 = decoded(frame(PmdType.ACC, 1n, 0, [0x01, 0xff, 0x7f, 0x80, 0x00, 0x02]));
    expect(a0.channels.map((c) => c.unit)).toEqual(['mG', 'mG', 'mG']);
    expect(a0.data.map((c) => [...c])).toEqual([[1, -128], [-1, 0], [127, 2]]);
    const a1 = decoded(frame(PmdType.ACC, 1n, 1, [0xe8, 0x03, 0x18, 0xfc, 0x00, 0x00]));
    expect(a1.data.map((c) => [...c])).toEqual([[1000], [-1000], [0]]);
    const a2 = decoded(frame(PmdType.ACC, 1n, 2, [0x01, 0x00, 0x80, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00]));
    expect(a2.data.map((c) => [...c])).toEqual([[-8388607], [-1], [0]]);
  });

  it('decodes a delta-compressed ACC frame built bit by bit from the documented layout', () => {
    // Reference (1, -2, 3) as int16 LE; one block: width 3, count 2, deltas (+1,-1,+3), (-4,0,+2):
    // bits LSB first 100 111 110 001 000 010 -> bytes 0xf9 0x08 0x01 (18 bits, padded).
    const body = hex('01 00 fe ff 03 00  03 02  f9 08 01');
    const f = decoded(frame(PmdType.ACC, 5n, 0x80, body));
    expect(f).toMatchObject({ compressed: true, frameType: 0, n: 3 });
    expect(f.data.map((c) => [...c])).toEqual([
      [1, 2, -2],
      [-2, -3, -3],
      [3, 6, 8],
    ]);
    const scaled = decodePmdData(frame(PmdType.ACC, 5n, 0x80, body), { factors: { [PmdType.ACC]: 0.5 } });
    expect(scaled.ok && [...scaled.frame.data[2]]).toEqual([1.5, 3, 4]);
  });

  it('decodes delta frames of many bit widths with negative deltas across block boundaries', () => {
    const random = new Prng(12);
    for (const width of [1, 2, 5, 7, 8, 11, 16, 22]) {
      const blocks = [{ width, count: 5 }, { width: Math.max(2, width - 1), count: 3 }, { width, count: 1 }];
      const samples: number[][] = [[-1000, 2000, 123]];
      for (const b of blocks) {
        for (let s = 0; s < b.count; s++) {
          const half = 2 ** (b.width - 1);
          // Deltas span the full signed range of the width, extremes included.
          samples.push(samples[samples.length - 1].map((v, c) => v + (s === 0 && c === 0 ? -half : s === 1 && c === 1 ? half - 1 : Math.floor(random.next() * 2 * half) - half)));
        }
      }
      const f = decoded(frame(PmdType.ACC, 9n, 0x80, encodeDelta(samples, 2, blocks)));
      expect(f.n, `width ${width}`).toBe(samples.length);
      expect(f.data.map((c) => [...c]), `width ${width}`).toEqual([0, 1, 2].map((c) => samples.map((s) => s[c])));
    }
  });

  it('decodes Verity Sense PPG raw and delta frames (3-byte channels plus ambient)', () => {
    const raw = decoded(frame(PmdType.PPG, 1n, 0, hex('01 00 00  ff ff ff  00 00 80  10 00 00   02 00 00  fe ff ff  00 00 00  11 00 00')));
    expect(raw.channels.map((c) => c.label)).toEqual(['ppg0', 'ppg1', 'ppg2', 'ambient']);
    expect(raw.data.map((c) => [...c])).toEqual([[1, 2], [-1, -2], [-8388608, 0], [16, 17]]);
    const samples = [[100_000, -5, 7, 300], [100_010, -6, 9, 290], [99_990, -6, 10, 300]];
    const delta = decoded(frame(PmdType.PPG, 1n, 0x80, encodeDelta(samples, 3, [{ width: 6, count: 2 }])));
    expect(delta.data.map((c) => [...c])).toEqual([0, 1, 2, 3].map((c) => samples.map((s) => s[c])));
  });

  it('decodes PPI beats (HR, interval, error estimate, flags) and places them in time', () => {
    const f = decoded(frame(PmdType.PPI, 10_000_000_000n, 0, hex('3c e8 03 0a 00 06  3d d0 03 0c 00 07')));
    expect(f.channels.map((c) => `${c.label} ${c.unit}`)).toEqual(['hr bpm', 'ppi ms', 'error ms', 'flags ']);
    expect(f.data.map((c) => [...c])).toEqual([[60, 61], [1000, 976], [10, 12], [6, 7]]);
    expect([...ppiTimes(f)]).toEqual([10 - 0.976, 10]);
  });

  it('gives truncated, garbage and unsupported frames as error values, never exceptions', () => {
    const cases: [Uint8Array, RegExp, boolean][] = [
      [hex('00 01 02'), /3 bytes, shorter than its 10-byte header/, false],
      [frame(PmdType.ECG, 1n, 0, [1, 2]), /ecg frame type 0: 2 sample bytes, not a whole number of 3-byte samples/, false],
      [frame(PmdType.ECG, 1n, 0, []), /0 sample bytes/, false],
      [frame(PmdType.ACC, 1n, 0x80, hex('01 00 fe ff 03 00 03 02 f9')), /delta block at byte 6 needs 3 bytes, 1 left/, false],
      [frame(PmdType.ACC, 1n, 0x80, hex('01 00 fe ff 03 00 03')), /delta block header cut off at byte 6/, false],
      [frame(PmdType.ACC, 1n, 0x80, hex('01 00 fe ff 03 00 00 02')), /delta bit width 0/, false],
      [frame(PmdType.ACC, 1n, 0x80, hex('01 00')), /shorter than the 6-byte reference sample/, false],
      [frame(PmdType.GYRO, 1n, 0x80, [1, 2, 3]), /measurement type 5 is not supported/, true],
      [frame(PmdType.ECG, 1n, 3, [1, 2, 3, 4, 5, 6]), /ecg frame type 3 is not supported/, true],
      [frame(PmdType.PPI, 1n, 0x80, [1]), /ppi frame type 0 \(delta\) is not supported/, true],
    ];
    const state = new PmdStreamState();
    for (const [bytes, error, unsupported] of cases) {
      const r = decodePmdData(bytes);
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(error), unsupported });
      expect(state.push(bytes, 130)).toBeNull();
    }
    expect(state.errors).toBe(cases.length);
    expect(state.unsupported).toBe(cases.filter((c) => c[2]).length);
    expect(state.lastError).toMatch(/ppi/);
  });

  it('times frames from the previous timestamp of the same type and measures the actual rate', () => {
    const state = new PmdStreamState();
    const ecg = (ns: bigint, n: number) => frame(PmdType.ECG, ns, 0, new Array<number>(3 * n).fill(0));
    // First frame: nominal spacing back from its last sample.
    const first = state.push(ecg(1_000_000_000n, 10), 130)!;
    expect(first.dt).toBeCloseTo(1 / 130, 12);
    expect(first.t0).toBeCloseTo(1 - 9 / 130, 12);
    // An ACC frame between them does not disturb the ECG timing.
    state.push(frame(PmdType.ACC, 5_000_000_000n, 1, new Array<number>(6).fill(0)), 200);
    // The device really runs at 128 Hz: 10 samples per 78.125 ms.
    const second = state.push(ecg(1_078_125_000n, 10), 130)!;
    expect(second.dt).toBeCloseTo(1 / 128, 12);
    expect(second.t0 + 9 * second.dt).toBeCloseTo(1.078125, 12);
    expect(second.t0 - first.timestamp).toBeCloseTo(1 / 128, 12);
    for (let k = 2; k < 20; k++) state.push(ecg(1_000_000_000n + BigInt(k) * 78_125_000n, 10), 130);
    expect(state.measuredRate(PmdType.ECG)).toBeCloseTo(128, 9);
    expect(state.measuredRate(PmdType.PPG)).toBe(0);
    // A timestamp that does not advance falls back to the nominal rate instead of a zero or negative spacing.
    expect(state.push(ecg(1_000_000_000n, 10), 130)!.dt).toBeCloseTo(1 / 130, 12);
    state.clear();
    expect(state.measuredRate(PmdType.ECG)).toBe(0);
    expect(state.push(ecg(9_000_000_000n, 13), 130)!.dt).toBeCloseTo(1 / 130, 12);
  });
});
