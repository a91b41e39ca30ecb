/**
 * Random, truncated and mutated WFDB headers, signal files, annotation files and CSVs through the
 * pure readers: they either read or throw an Error whose message says what and where; never a
 * TypeError/RangeError from inside, never NaN fields passed on silently, never a hang. Seeded.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { groupCsvStreams, parseCsv } from '../../src/main/formats/csv-reader';
import { WfdbError, decodeSamples, demuxSignals, encodeSamples, parseMitAnnotations, parseWfdbHeader, type WfdbHeader } from '../../src/main/formats/wfdb';

const HEADERS = [
  '100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n# 69 M 1085 1629 x1\n',
  'rec 3 250/1000(0) 5000 12:00:00\nrec.dat 16x2:1+24 1000(-5)/uV 16 0 0 0 0 ECG lead I\nrec.dat 16 500/mV\nother.dat 80 100(3)/mmHg 8 0 -3 0 0\n',
  'multi/3 2 360 1500\nseg1 500\n~ 500\nseg2 500\n',
];

function fuzz(seed: number) {
  const random = new Prng(seed);
  const int = (n: number) => Math.floor(random.next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const TOKENS = ['', ' ', '\n', '#', '/', '(', ')', 'x', ':', '+', '-', '0', '-1', '1e400', 'NaN', 'e', '999999999999', '.', '212', '16', '61', '80', '516', '~'];
  /** Truncates, overwrites, inserts or deletes at random positions of `text`. */
  const mutateText = (text: string): string => {
    let t = text;
    for (let m = 1 + int(4); m > 0; m--) {
      const at = int(t.length + 1);
      const roll = int(4);
      if (roll === 0) t = t.slice(0, at);
      else if (roll === 1) t = t.slice(0, at) + pick(TOKENS) + t.slice(at + 1 + int(3));
      else if (roll === 2) t = t.slice(0, at) + pick(TOKENS) + t.slice(at);
      else t = t.slice(0, at) + String.fromCharCode(int(128)) + t.slice(at + 1);
    }
    return t;
  };
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const mutateBytes = (b: Uint8Array): Uint8Array => {
    const copy = b.slice(0, int(b.length + 1));
    for (let m = int(6); m > 0 && copy.length > 0; m--) copy[int(copy.length)] = int(256);
    return copy;
  };
  return { int, pick, mutateText, bytes, mutateBytes };
}

/** Runs `read`; a throw must be an Error of the reader's own (not TypeError/RangeError) with a message matching `shape`. */
function readOrExplain<T>(read: () => T, shape: RegExp, input: unknown): T | null {
  try {
    return read();
  } catch (error) {
    const e = error as Error;
    if (!(e instanceof Error) || e instanceof TypeError || e instanceof RangeError || !shape.test(e.message)) {
      throw new Error(`bad failure ${e?.constructor?.name}: ${e?.message} for input ${JSON.stringify(input).slice(0, 300)}`);
    }
    return null;
  }
}

/** Says where (record line, signal line, segment, WFDB) and quotes the field or gives a number. */
const WFDB_SHAPE = /^(?=.*(WFDB|record line|signal line|segment))(?=.*("|\d|has no))/;
const int = (x: number) => Number.isInteger(x);

function headerSane(h: WfdbHeader): boolean {
  if (!(Number.isFinite(h.fs) && h.fs > 0) || (h.samples !== null && !(int(h.samples) && h.samples >= 0))) return false;
  if (h.segments) return h.segments.every((s) => s.name.length > 0 && int(s.samples) && s.samples >= 0);
  return h.signals.every(
    (s) =>
      s.fileName.length > 0 &&
      int(s.format) &&
      int(s.samplesPerFrame) &&
      s.samplesPerFrame >= 1 &&
      int(s.skew) &&
      int(s.byteOffset) &&
      Number.isFinite(s.gain) &&
      s.gain !== 0 &&
      Number.isFinite(s.baseline) &&
      int(s.adcResolution) &&
      int(s.adcZero) &&
      int(s.initialValue) &&
      (s.checksum === null || int(s.checksum)),
  );
}

describe('fuzzing the file readers', () => {
  it('WFDB headers and their signal files: read sanely or a WfdbError naming the field', () => {
    const f = fuzz(0x4ea);
    let parsed = 0;
    for (let k = 0; k < 20_000; k++) {
      const text = k % 10 === 0 ? String.fromCharCode(...Array.from({ length: f.int(200) }, () => f.int(128))) : f.mutateText(f.pick(HEADERS));
      const header = readOrExplain(() => parseWfdbHeader(text), WFDB_SHAPE, text);
      if (!header) continue;
      parsed++;
      expect(headerSane(header), JSON.stringify(text)).toBe(true);
      if (header.segments || header.signals.length === 0 || k % 4 !== 0) continue;
      // Its signal file: random bytes of random length, or a valid file cut short and damaged.
      const specs = header.signals.filter((s) => s.fileName === header.signals[0].fileName);
      const file = k % 8 === 0 ? f.bytes(f.int(3000)) : f.mutateBytes(encodeSamples(Array.from({ length: 600 }, () => f.int(4096) - 2048), 212));
      readOrExplain(() => demuxSignals(decodeSamples(file, specs[0].format, specs[0].byteOffset), specs, header.fs, header.samples), WFDB_SHAPE, text);
    }
    expect(parsed).toBeGreaterThan(2000);
  });

  it('MIT annotation files: read or a WfdbError naming the byte offset; sample times never negative', () => {
    const f = fuzz(0xa77);
    const word = (code: number, value: number) => [((code << 10) | value) & 0xff, ((code << 10) | value) >> 8];
    const valid = Uint8Array.from([
      ...word(1, 100),
      ...word(5, 300),
      ...word(63, 5),
      ...[65, 66, 67, 68, 69, 0],
      ...word(59, 0),
      ...[0, 0, 0x10, 0x27],
      ...word(1, 1),
      ...word(0, 0),
    ]);
    let read = 0;
    for (let k = 0; k < 20_000; k++) {
      const bytes = k % 3 === 0 ? f.bytes(f.int(400)) : f.mutateBytes(valid);
      const a = readOrExplain(() => parseMitAnnotations(bytes), /annotation.*byte \d+/, Array.from(bytes));
      if (!a) continue;
      read++;
      expect(a.samples.length).toBe(a.codes.length);
      expect(a.aux.length).toBe(a.codes.length);
      expect(a.samples.every((t) => int(t) && t >= 0)).toBe(true);
    }
    expect(read).toBeGreaterThan(1000);
    expect(parseMitAnnotations(valid)).toEqual({ samples: [100, 400, 10401], codes: [1, 5, 1], aux: [null, 'ABCDE', null] });
  });

  it('CSVs: parsed and grouped, or an Error saying what is missing', () => {
    const f = fuzz(0xc5f);
    const VALID = 'time [s],ECG,PPG red,ax,ay,az\n0,1,2,3,4,5\n0.004,1.5,2,3,4,5\n0.008,2,2,3,4,5\n';
    for (let k = 0; k < 10_000; k++) {
      const text = k % 5 === 0 ? String.fromCharCode(...Array.from({ length: f.int(300) }, () => f.int(128))) : f.mutateText(f.mutateText(VALID));
      const table = readOrExplain(() => parseCsv(text), /CSV/, text);
      if (!table) continue;
      expect(table.columns.every((c) => c.length === table.rows)).toBe(true);
      const rate = f.pick([undefined, 100, 0, -1, NaN, Infinity]);
      const rec = readOrExplain(() => groupCsvStreams(table, { rate }), /(time column|sample rate)/, text);
      if (rec) expect(Number.isFinite(rec.fs) && rec.fs > 0).toBe(true);
    }
  });
});

describe('bugs the fuzzing found', () => {
  it('a negative sample count is an error, not a RangeError later in demuxSignals', () => {
    expect(() => parseWfdbHeader('r 1 250 -5\nr.dat 16\n')).toThrow(new WfdbError('bad sample count "-5" in WFDB record line'));
  });

  it('an infinite sampling frequency is an error', () => {
    expect(() => parseWfdbHeader('r 1 1e400 10\nr.dat 16\n')).toThrow(new WfdbError('bad sampling frequency "1e400" in WFDB record line'));
  });

  it('a signal line field that is not a number is an error, not a NaN read silently', () => {
    expect(() => parseWfdbHeader('r 1 250 10\nr.dat 16 200 12 x\n')).toThrow(new WfdbError('bad ADC zero "x" in signal line "r.dat 16 200 12 x"'));
    expect(() => parseWfdbHeader('r 1 250 10\nr.dat 16 200(-)/mV\n')).toThrow(new WfdbError('bad baseline "-" in signal line "r.dat 16 200(-)/mV"'));
    expect(() => parseWfdbHeader('r 1 250 10\nr.dat 16 e/mV\n')).toThrow(new WfdbError('bad gain "e" in signal line "r.dat 16 e/mV"'));
    expect(() => parseWfdbHeader('r 1 250 10\nr.dat 16 abc\n')).toThrow(new WfdbError('bad gain field "abc" in signal line "r.dat 16 abc"'));
    expect(() => parseWfdbHeader('r 1 250 10\nr.dat 16x0\n')).toThrow(new WfdbError('bad samples per frame "0" in signal line "r.dat 16x0"'));
  });

  it('annotation files: a negative SKIP and a cut AUX or SKIP name the byte offset', () => {
    // SKIP by -1 (0xffff_ffff, high word first) at byte 0.
    expect(() => parseMitAnnotations(Uint8Array.of(0x00, 0xec, 0xff, 0xff, 0xff, 0xff))).toThrow(
      new WfdbError('annotation file: the SKIP at byte 0 moves time to sample -1, before the record starts'),
    );
    // A beat, then an AUX declaring 9 bytes with 2 left.
    expect(() => parseMitAnnotations(Uint8Array.of(0x0a, 0x04, 0x09, 0xfc, 65, 66))).toThrow(
      new WfdbError('annotation file is truncated: an AUX of 9 bytes at byte 2 runs past its end (6 bytes)'),
    );
    expect(() => parseMitAnnotations(Uint8Array.of(0x00, 0xec, 0x00))).toThrow(new WfdbError('annotation file is truncated: a SKIP at byte 0 runs past its end (3 bytes)'));
  });

  it('CSV: a rate that is not a positive number, or a time step too small for one, is an error', () => {
    const table = parseCsv('t,ecg\n0,1\n5e-324,2\n1e-323,3\n');
    expect(() => groupCsvStreams(table)).toThrow('time column "t" steps by 5e-324 s, too little to give a sample rate; give it with --rate');
    expect(() => groupCsvStreams(table, { rate: Infinity })).toThrow('the sample rate Infinity Hz is not a positive number');
  });
});
