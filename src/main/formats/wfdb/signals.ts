/**
 * WFDB signal file decoders (WFDB Programmer's Guide, "signal(5)"): format 212 (two 12-bit
 * two's-complement samples in three bytes), 16 (16-bit little-endian), 61 (16-bit big-endian) and
 * 80 (8-bit offset binary). Signals stored in one file are interleaved frame by frame, each
 * signal contributing samplesPerFrame samples per frame. Pure: bytes in, samples out.
 */
import { WfdbError, type WfdbSignalSpec } from './header';

export const SUPPORTED_FORMATS: readonly number[] = [212, 16, 61, 80];

/** The value each format reserves for "no sample" (becomes NaN). */
export const INVALID_SAMPLE: Record<number, number> = { 212: -2048, 16: -32768, 61: -32768, 80: -128 };

export function assertSupportedFormat(format: number, what: string): void {
  if (!SUPPORTED_FORMATS.includes(format)) {
    const hint = format === 508 || format === 516 || format === 524 ? ' (FLAC-compressed)' : '';
    throw new WfdbError(`WFDB format ${format}${hint} of ${what} is not supported; supported formats: ${SUPPORTED_FORMATS.join(', ')}`);
  }
}

/** Decodes a whole file of one format into a flat run of ADC samples (in storage order). */
export function decodeSamples(bytes: Uint8Array, format: number, byteOffset = 0): Int32Array {
  assertSupportedFormat(format, 'a signal file');
  const b = bytes.subarray(Math.min(byteOffset, bytes.length));
  switch (format) {
    case 212: {
      const n = Math.floor((b.length * 2) / 3);
      const out = new Int32Array(n);
      for (let i = 0, j = 0; i < n; i += 2, j += 3) {
        const b0 = b[j],
          b1 = b[j + 1];
        let s0 = b0 | ((b1 & 0x0f) << 8);
        if (s0 & 0x800) s0 -= 0x1000;
        out[i] = s0;
        if (i + 1 < n) {
          let s1 = b[j + 2] | ((b1 & 0xf0) << 4);
          if (s1 & 0x800) s1 -= 0x1000;
          out[i + 1] = s1;
        }
      }
      return out;
    }
    case 16:
    case 61: {
      const n = b.length >> 1;
      const out = new Int32Array(n);
      const view = new DataView(b.buffer, b.byteOffset, n * 2);
      const little = format === 16;
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, little);
      return out;
    }
    default: {
      const out = new Int32Array(b.length);
      for (let i = 0; i < b.length; i++) out[i] = b[i] - 128;
      return out;
    }
  }
}

export interface DecodedSignal {
  spec: WfdbSignalSpec;
  /** Physical values, (adc - baseline) / gain; NaN where the format marks a missing sample. */
  data: Float32Array;
  /** Raw ADC values. */
  adc: Int32Array;
  fs: number;
}

/**
 * Splits the samples of one signal file among its signals (the specs in header order that name
 * this file). `frames` limits the frame count (the header's sample count).
 */
export function demuxSignals(samples: Int32Array, specs: WfdbSignalSpec[], frameFs: number, frames: number | null): DecodedSignal[] {
  for (const s of specs) assertSupportedFormat(s.format, `signal "${s.description || s.fileName}"`);
  const perFrame = specs.reduce((n, s) => n + s.samplesPerFrame, 0);
  const available = Math.floor(samples.length / Math.max(1, perFrame));
  const nFrames = frames === null ? available : Math.min(frames, available);
  const invalid = INVALID_SAMPLE[specs[0]?.format ?? 16];
  let offset = 0;
  return specs.map((spec) => {
    const spf = spec.samplesPerFrame;
    const n = nFrames * spf;
    const adc = new Int32Array(n);
    const data = new Float32Array(n);
    for (let f = 0, o = 0; f < nFrames; f++) {
      const base = f * perFrame + offset;
      for (let k = 0; k < spf; k++, o++) {
        const v = samples[base + k];
        adc[o] = v;
        data[o] = v === invalid ? NaN : (v - spec.baseline) / spec.gain;
      }
    }
    offset += spf;
    return { spec, adc, data, fs: frameFs * spf };
  });
}

/** WFDB checksum of a signal: the 16-bit sum of its ADC samples. */
export function wfdbChecksum(adc: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < adc.length; i++) sum = (sum + adc[i]) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}

/** Encodes ADC samples (frame-interleaved already) as format 212 or 16 (for tests and export). */
export function encodeSamples(samples: ArrayLike<number>, format: 212 | 16): Uint8Array {
  if (format === 16) {
    const out = new Uint8Array(samples.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < samples.length; i++) view.setInt16(2 * i, samples[i], true);
    return out;
  }
  const out = new Uint8Array(Math.ceil((samples.length * 3) / 2));
  for (let i = 0, j = 0; i < samples.length; i += 2, j += 3) {
    const s0 = samples[i] & 0xfff;
    const s1 = i + 1 < samples.length ? samples[i + 1] & 0xfff : 0;
    out[j] = s0 & 0xff;
    out[j + 1] = ((s0 >> 8) & 0x0f) | ((s1 >> 4) & 0xf0);
    if (j + 2 < out.length) out[j + 2] = s1 & 0xff;
  }
  return out;
}
