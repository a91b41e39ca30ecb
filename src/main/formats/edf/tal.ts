/**
 * Time-stamped Annotation Lists (EDF+ spec section 2.2): `+onset[\x15duration]\x14text\x14...\x14\0`.
 * Onsets are seconds from the file's start date and time. Pure.
 */

export interface EdfAnnotation {
  /** Seconds from the file's start. */
  onset: number;
  /** Seconds; null when the TAL gives none. */
  duration: number | null;
  text: string;
}

const ONSET_END = 0x14;
const DURATION_MARK = 0x15;

/** Seconds with up to 7 decimals (100 ns), trailing zeros dropped, sign always written. */
export function formatSeconds(s: number, signed: boolean): string {
  let text = Math.abs(s).toFixed(7).replace(/0+$/, '').replace(/\.$/, '');
  if (text === '') text = '0';
  return signed ? (s < 0 && text !== '0' ? '-' : '+') + text : text;
}

/** One TAL's bytes. Texts are UTF-8 (as EDF+ allows); the separators they may not hold become spaces. */
export function encodeTal(onset: number, duration: number | null, texts: readonly string[]): Uint8Array {
  const clean = texts.map((t) => t.replaceAll('\0', ' ').replaceAll('\x14', ' ').replaceAll('\x15', ' '));
  const head = formatSeconds(onset, true) + (duration !== null && duration > 0 ? '\x15' + formatSeconds(duration, false) : '');
  return new TextEncoder().encode(head + '\x14' + clean.map((t) => t + '\x14').join('') + (clean.length === 0 ? '\x14' : '') + '\0');
}

/** The time-keeping TAL that opens a data record: `+start\x14\x14\0`. */
export function timeKeepingTal(start: number): Uint8Array {
  return encodeTal(start, null, []);
}

export interface ParsedTals {
  /** The record's start from its time-keeping TAL, when this signal opens with one. */
  recordStart: number | null;
  annotations: EdfAnnotation[];
}

/**
 * The TALs of one annotation signal of one data record. `first`: this is the record's first
 * annotation signal, whose first TAL keeps the time. Throws (saying what) on a malformed TAL.
 */
export function parseTals(bytes: Uint8Array, first: boolean): ParsedTals {
  const decoder = new TextDecoder();
  const annotations: EdfAnnotation[] = [];
  let recordStart: number | null = null;
  let i = 0;
  while (i < bytes.length && bytes[i] !== 0) {
    let end = i;
    // A TAL ends with \x14\0; the padding after the last one is \0.
    while (end < bytes.length && !(bytes[end] === 0 && bytes[end - 1] === ONSET_END)) end++;
    if (end >= bytes.length) throw new Error(`a TAL at byte ${i} does not end with 0x14 0x00`);
    const tal = bytes.subarray(i, end);
    let headEnd = tal.indexOf(ONSET_END);
    const head = decoder.decode(tal.subarray(0, headEnd));
    const [onsetText, durationText] = head.split(String.fromCharCode(DURATION_MARK));
    if (!/^[+-]\d+(\.\d*)?$/.test(onsetText)) throw new Error(`a TAL at byte ${i} has onset "${onsetText}", not +seconds or -seconds`);
    if (durationText !== undefined && !/^\d+(\.\d*)?$/.test(durationText)) throw new Error(`a TAL at byte ${i} has duration "${durationText}", not seconds`);
    const onset = Number(onsetText);
    const duration = durationText === undefined || durationText === '' ? null : Number(durationText);
    const texts: string[] = [];
    while (headEnd < tal.length - 1) {
      const next = tal.indexOf(ONSET_END, headEnd + 1);
      texts.push(decoder.decode(tal.subarray(headEnd + 1, next)));
      headEnd = next;
    }
    const keepsTime = first && i === 0 && texts[0] === '';
    if (keepsTime) recordStart = onset;
    for (const text of keepsTime ? texts.slice(1) : texts) if (text !== '') annotations.push({ onset, duration, text });
    i = end + 1;
    while (i < bytes.length && bytes[i] === 0) i++;
  }
  return { recordStart, annotations };
}
