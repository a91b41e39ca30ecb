/**
 * MIT-format WFDB annotation files (WFDB Programmer's Guide, "annot(5)"): 16-bit little-endian
 * words, 6-bit code + 10-bit time increment, with the SKIP (59), NUM (60), SUB (61), CHN (62)
 * and AUX (63) pseudo-codes. Pure: bytes in, annotations out.
 */
import { WfdbError } from './header';

export interface WfdbAnnotations {
  /** Sample index of each annotation. */
  samples: number[];
  /** Annotation codes (1 = N, 5 = V, ...). */
  codes: number[];
  aux: (string | null)[];
}

/** Codes that mark a beat (the WFDB library's isqrs()). */
const BEAT_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 38, 41]);

export function isBeatCode(code: number): boolean {
  return BEAT_CODES.has(code);
}

const MNEMONICS: Record<number, string> = { 1: 'N', 2: 'L', 3: 'R', 4: 'a', 5: 'V', 6: 'F', 7: 'J', 8: 'A', 9: 'S', 10: 'E', 11: 'j', 12: '/', 13: 'Q', 14: '~', 16: '|', 28: '+', 38: 'f', 31: '!', 34: 'e', 35: 'n', 41: 'r' };

export function annotationMnemonic(code: number): string {
  return MNEMONICS[code] ?? `#${code}`;
}

/** Reads an annotation file; a truncated or impossible one is a WfdbError naming the byte offset. */
export function parseMitAnnotations(bytes: Uint8Array): WfdbAnnotations {
  const out: WfdbAnnotations = { samples: [], codes: [], aux: [] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const truncated = (what: string, at: number) => new WfdbError(`annotation file is truncated: ${what} at byte ${at} runs past its end (${bytes.length} bytes)`);
  let t = 0;
  let i = 0;
  while (i < bytes.length) {
    const at = i;
    if (i + 1 >= bytes.length) throw truncated('the last word', at);
    const word = view.getUint16(i, true);
    i += 2;
    const code = word >> 10;
    const value = word & 0x3ff;
    if (code === 0 && value === 0) break;
    if (code === 59) {
      if (i + 4 > bytes.length) throw truncated('a SKIP', at);
      // PDP-11 long: high word first, each word little-endian.
      const skip = (view.getInt16(i, true) << 16) | view.getUint16(i + 2, true);
      t += skip;
      i += 4;
      if (t < 0) throw new WfdbError(`annotation file: the SKIP at byte ${at} moves time to sample ${t}, before the record starts`);
    } else if (code === 63) {
      if (i + value > bytes.length) throw truncated(`an AUX of ${value} bytes`, at);
      const text = new TextDecoder().decode(bytes.subarray(i, i + value)).replace(/\0+$/, '');
      if (out.aux.length > 0) out.aux[out.aux.length - 1] = text;
      i += value + (value & 1);
    } else if (code === 60 || code === 61 || code === 62) {
      // NUM / SUB / CHN: fields of the previous annotation, not needed here.
    } else {
      t += value;
      out.samples.push(t);
      out.codes.push(code);
      out.aux.push(null);
    }
  }
  return out;
}

/** Sample indices of the beat annotations only. */
export function beatSamples(a: WfdbAnnotations): number[] {
  return a.samples.filter((_, k) => isBeatCode(a.codes[k]));
}
