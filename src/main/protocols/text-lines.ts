/**
 * Text lines, the quick-hack board format (PROTOCOL.md): one sample per line, values separated by
 * commas, semicolons, spaces or tabs, optionally as `label:value` pairs (the Arduino serial
 * plotter's format). A first line of non-numeric words is a header naming the channels. A line
 * that does not parse is counted and handed back as an error, never a reason to stop. Pure.
 */

/** Longer lines are garbage (a board printing without newlines, a wrong baud rate). */
export const MAX_LINE_BYTES = 1024;

export type TextRecord =
  | { kind: 'sample'; values: number[] }
  | { kind: 'header'; labels: string[] }
  | { kind: 'error'; line: string; reason: string };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SEPARATORS = /[\s,;]+/;

/** One line's tokens: numbers, `label:number` pairs, or words. Null when it mixes them or a value is not a number. */
export function parseLine(line: string): { values: number[]; labels: string[] | null } | { words: string[] } | null {
  const tokens = line.trim().split(SEPARATORS).filter((t) => t.length > 0);
  if (tokens.length === 0) return null;
  const labeled = tokens.filter((t) => t.includes(':')).length;
  if (labeled === tokens.length) {
    const labels: string[] = [];
    const values: number[] = [];
    for (const t of tokens) {
      const at = t.lastIndexOf(':');
      const value = t.slice(at + 1);
      if (!NUMBER.test(value) || at === 0) return null;
      labels.push(t.slice(0, at));
      values.push(Number(value));
    }
    return { values, labels };
  }
  if (labeled > 0) return null;
  const numeric = tokens.filter((t) => NUMBER.test(t)).length;
  if (numeric === tokens.length) return { values: tokens.map(Number), labels: null };
  if (numeric === 0) return { words: tokens };
  return null;
}

/**
 * Streaming text-line decoder: feed bytes in any split, get one record per complete line. The
 * channel set is fixed by the header or the first sample line; later lines with another channel
 * count (or other labels) are errors.
 */
export class TextLineDecoder {
  /** Channel names once known (header, labels, or ch1..chN). */
  labels: string[] | null = null;
  lines = 0;
  parseErrors = 0;
  private partial = '';
  private sawSample = false;
  private readonly text = new TextDecoder('utf-8');

  push(bytes: Uint8Array): TextRecord[] {
    const records: TextRecord[] = [];
    let chunk = this.partial + this.text.decode(bytes, { stream: true });
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const line = chunk.slice(start, nl);
      start = nl + 1;
      const record = this.line(line);
      if (record) records.push(record);
    }
    chunk = chunk.slice(start);
    if (chunk.length > MAX_LINE_BYTES) {
      records.push(this.error(chunk.slice(0, 80), `line longer than ${MAX_LINE_BYTES} characters`));
      chunk = '';
    }
    this.partial = chunk;
    return records;
  }

  private line(raw: string): TextRecord | null {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return null;
    this.lines++;
    if (line.length > MAX_LINE_BYTES) return this.error(line.slice(0, 80), `line longer than ${MAX_LINE_BYTES} characters`);
    const parsed = parseLine(line);
    if (!parsed) return this.error(line, 'not numbers, label:value pairs or a header');
    if ('words' in parsed) {
      if (this.sawSample) return this.error(line, 'words after the data started');
      this.labels = parsed.words;
      return { kind: 'header', labels: parsed.words };
    }
    const { values, labels } = parsed;
    if (!this.sawSample) {
      this.sawSample = true;
      if (labels) this.labels = labels;
      else if (!this.labels || this.labels.length !== values.length) this.labels = values.map((_, i) => `ch${i + 1}`);
      return { kind: 'sample', values };
    }
    if (values.length !== this.labels!.length) return this.error(line, `${values.length} values, expected ${this.labels!.length}`);
    if (labels && labels.some((l, i) => l !== this.labels![i])) return this.error(line, `labels ${labels.join(',')} differ from ${this.labels!.join(',')}`);
    return { kind: 'sample', values };
  }

  private error(line: string, reason: string): TextRecord {
    this.parseErrors++;
    return { kind: 'error', line, reason };
  }
}
