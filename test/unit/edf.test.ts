import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chooseRange,
  encodeEdfHeader,
  encodeRecord,
  encodeTal,
  fitNumber,
  layoutRecords,
  packAnnotations,
  concatBytes,
  readEdf,
  readEdfHeader,
  recordTimings,
  scaling,
  type EdfWriteHeader,
} from '../../src/main/formats/edf';
import { findSharedData } from '../helpers/shared-data';

const ORACLES = ['edfPlusC', 'edfAnnonC', 'bdfPlusC'];
const DATA = findSharedData([
  ...ORACLES.flatMap((n) => [`${n}.${n.startsWith('bdf') ? 'bdf' : 'edf'}`, `${n}_header.txt`, `${n}_signals.txt`, `${n}_annotations.txt`].map((f) => `edf/edfReader_cran/${f}`)),
  'edf/edfReader_cran/edfPlusC_data.txt',
  'edf/edfReader_cran/bdfPlusC_data.txt',
  'edf/edfReader_cran/edfPlusD.edf',
  'edf/test_edfann.edf',
]);

/** A CSV line of the oracle files: fields may hold spaces (kept, as the header holds them). */
const rows = (file: string): string[][] =>
  readFileSync(file, 'latin1')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(1)
    .map((l) => l.split(','));

describe.skipIf(!DATA)('EDF reader against the edfReader (CRAN) oracles in ../shared/data', () => {
  const dir = join(DATA ?? '', 'edf/edfReader_cran');
  for (const name of ORACLES) {
    const file = join(dir, `${name}.${name.startsWith('bdf') ? 'bdf' : 'edf'}`);
    it(`${name}: header, signals and annotations as the oracle has them`, () => {
      const edf = readEdf(readFileSync(file));
      const [h] = rows(join(dir, `${name}_header.txt`));
      const [version, patient, recording, startDate, startTime, bytes, reserved, records, duration, signals] = h;
      expect(edf.header.version).toBe(version.startsWith('.BIOSEMI') ? '\\xffBIOSEMI' : version.trimEnd());
      expect(edf.header.patient).toBe(patient.trimEnd());
      expect(edf.header.recording).toBe(recording.trimEnd());
      expect([edf.header.startDate, edf.header.startTime]).toEqual([startDate, startTime]);
      expect(edf.header.headerBytes).toBe(Number(bytes));
      expect(edf.header.reserved).toBe(reserved.trimEnd());
      expect(edf.header.records).toBe(Number(records));
      expect(edf.header.recordDuration).toBe(Number(duration));
      // The oracle counts the ordinary signals; the header counts the annotation signals too.
      expect(edf.signals.length).toBe(Number(signals));
      expect(edf.header.signalCount).toBe(edf.header.headerBytes / 256 - 1);
      for (const [index, label, transducer, units, min, max, dmin, dmax, prefilter, spr] of rows(join(dir, `${name}_signals.txt`))) {
        const s = edf.header.signals[Number(index) - 1];
        expect(s.annotations).toBe(false);
        expect([s.label, s.transducer, s.physicalDimension, s.prefiltering]).toEqual([label, transducer, units, prefilter].map((f) => f.trimEnd()));
        expect([s.physicalMin, s.physicalMax, s.digitalMin, s.digitalMax, s.samplesPerRecord]).toEqual([min, max, dmin, dmax, spr].map(Number));
      }
      expect(edf.header.signals.filter((s) => s.annotations).length).toBe(name === 'edfAnnonC' ? 2 : 1);
      const expected = rows(join(dir, `${name}_annotations.txt`)).map(([onset, d, text]) => ({ onset: Number(onset), duration: d === '' ? null : Number(d), text }));
      expect(edf.annotations).toEqual(expected);
    });
  }
  for (const name of ['edfPlusC', 'bdfPlusC']) {
    it(`${name}: every sample in physical units as the oracle has it (6 decimals)`, () => {
      const edf = readEdf(readFileSync(join(dir, `${name}.${name.startsWith('bdf') ? 'bdf' : 'edf'}`)));
      const data = rows(join(dir, `${name}_data.txt`));
      expect(data.length).toBe(edf.signals[0].data.length);
      let worst = 0;
      for (const [i, row] of data.entries()) {
        expect(Number(row[0])).toBeCloseTo(i / edf.signals[0].rate, 6);
        for (let s = 0; s < edf.signals.length; s++) worst = Math.max(worst, Math.abs(Number(row[s + 1]) - edf.signals[s].data[i]));
      }
      expect(worst).toBeLessThanOrEqual(5e-7);
    });
  }
  it('edfPlusD: record starts from the time-keeping TALs, gaps between them', () => {
    const edf = readEdf(readFileSync(join(dir, 'edfPlusD.edf')));
    expect(edf.header.plus).toBe('D');
    expect(Array.from(edf.recordStarts)).toEqual([0, 2, 4, 5, 6, 7, 8, 9, 12, 15, 19]);
    expect(edf.signals[0].data.length).toBe(11 * 200);
  });
  it('an annotation-only EDF+ (no ordinary signal, record duration 0)', () => {
    const edf = readEdf(readFileSync(join(DATA!, 'edf/test_edfann.edf')));
    expect(edf.signals).toEqual([]);
    expect(edf.header.patientFields).toEqual(['SN001', 'X', 'X', 'X']);
    expect(edf.annotations[0]).toEqual({ onset: 0, duration: 30, text: 'Sleep stage W' });
    expect(edf.annotations.find((a) => a.text.startsWith('Lights off'))).toMatchObject({ onset: 33.43, duration: 0 });
  });
  it('says which field is wrong in a damaged copy, never a stack trace of its own', () => {
    const good = new Uint8Array(readFileSync(join(dir, 'edfPlusC.edf')));
    const damaged = (at: number, text: string): Uint8Array => {
      const copy = good.slice();
      copy.set(Uint8Array.from(text, (c) => c.charCodeAt(0)), at);
      return copy;
    };
    expect(() => readEdf(good.subarray(0, good.length - 10))).toThrow('truncated: header field "number of data records" says 20 records of 4502 bytes, the file holds 19 (93358 bytes)');
    expect(() => readEdf(damaged(0, 'PK\x03\x04'))).toThrow('not an EDF/BDF file: the version field is');
    expect(() => readEdf(damaged(252, '3   '))).toThrow('header field "number of bytes in header record" is 3328, but 3 signals make a 1024-byte header');
    expect(() => readEdf(damaged(236, 'twenty  '))).toThrow('header field "number of data records" is "twenty", not an integer');
    // Digital maximum of signal 1 set to its minimum.
    expect(() => readEdf(damaged(256 + 12 * (16 + 80 + 8 + 8 + 8 + 8), '-32768  '))).toThrow('the digital range is empty');
    expect(() => readEdf(good.subarray(0, 100))).toThrow('shorter than the 256-byte header');
  });
});

/** A small EDF+ written with the writer: 2 signals (10 and 4 Hz), 3 records of 0.5 s. */
function smallFile(variant: 'edf' | 'bdf', tals: Uint8Array[][][]): { bytes: Uint8Array; values: number[][] } {
  const [ecg, resp] = [chooseRange(-1.5, 2.25, 'ecg'), chooseRange(900, 1100, 'resp')];
  const header: EdfWriteHeader = {
    variant,
    discontinuous: true,
    patientCode: 'P 007 Müller-free',
    equipment: 'Vitalscope board',
    start: 1_700_000_000,
    records: 3,
    recordDuration: '0.5',
    signals: [
      { label: 'ecg Lead I', transducer: 'ecg (sim/ecg)', physicalDimension: 'mV', ...ecg, prefiltering: '', samplesPerRecord: 5 },
      { label: 'resp', transducer: 'resp', physicalDimension: 'µV', ...resp, prefiltering: '', samplesPerRecord: 2 },
    ],
    annotationSignals: 2,
    annotationSamples: 40,
  };
  const scales = header.signals.map((s) => scaling(variant, s));
  const values = [Array.from({ length: 15 }, (_, i) => -1.5 + (3.75 * i) / 14), Array.from({ length: 6 }, (_, i) => 900 + 40 * i)];
  const out = new Uint8Array(encodeEdfHeader(header).length + 3 * (5 + 2 + 80) * (variant === 'edf' ? 2 : 3));
  out.set(encodeEdfHeader(header));
  const size = (5 + 2 + 80) * (variant === 'edf' ? 2 : 3);
  for (let r = 0; r < 3; r++) {
    const at = encodeEdfHeader(header).length + r * size;
    encodeRecord(header, scales, [values[0].slice(5 * r, 5 * r + 5), values[1].slice(2 * r, 2 * r + 2)], tals[r].map(concatBytes), out.subarray(at, at + size));
  }
  return { bytes: out, values };
}

describe('EDF+/BDF+ writer', () => {
  const starts = [0, 0.5, 3];
  const tals = starts.map((s, r) => packAnnotations(s, r === 2 ? [encodeTal(3.2, 1.5, ['label: walk'])] : [], 80));
  for (const variant of ['edf', 'bdf'] as const) {
    it(`${variant.toUpperCase()}+: every header field at its offset, its length, ASCII, spec values`, () => {
      const { bytes } = smallFile(variant, tals);
      const h = readEdfHeader(bytes);
      const ascii = Array.from(bytes.subarray(variant === 'bdf' ? 1 : 0, h.headerBytes)).every((b) => b >= 0x20 && b <= 0x7e);
      expect(ascii).toBe(true);
      expect(bytes[0]).toBe(variant === 'bdf' ? 0xff : 0x30);
      expect(h.headerBytes).toBe(256 * 5);
      const text = (from: number, width: number): string => String.fromCharCode(...bytes.subarray(from, from + width));
      expect(text(8, 80)).toBe('P_007_Muller-free X X X'.padEnd(80));
      expect(text(88, 80)).toBe('Startdate 14-NOV-2023 X X Vitalscope_board'.padEnd(80));
      expect(text(168, 16)).toBe('14.11.2322.13.20');
      expect(text(184, 8)).toBe('1280    ');
      expect(text(192, 44)).toBe(`${variant.toUpperCase()}+D`.padEnd(44));
      expect(text(236, 8)).toBe('3       ');
      expect(text(244, 8)).toBe('0.5     ');
      expect(text(252, 4)).toBe('4   ');
      expect(h.signals.map((s) => s.label)).toEqual(['ecg Lead I', 'resp', `${variant.toUpperCase()} Annotations`, `${variant.toUpperCase()} Annotations`]);
      expect(h.signals[1].physicalDimension).toBe('uV');
      const digital = variant === 'edf' ? [-32768, 32767] : [-8388608, 8388607];
      for (const s of h.signals) expect([s.digitalMin, s.digitalMax]).toEqual(digital);
      // Physical ranges widen the data's and fit 8 characters.
      expect(h.signals[0].physicalMin).toBeLessThan(-1.5);
      expect(h.signals[0].physicalMax).toBeGreaterThan(2.25);
      for (let f = 0; f < 4; f++) expect(text(256 + 4 * (16 + 80 + 8) + f * 8, 8)).toMatch(/^-?\d+(\.\d+)? *$/);
    });
    it(`${variant.toUpperCase()}+: values back within one quantisation step, record starts and annotations from TALs`, () => {
      const { bytes, values } = smallFile(variant, tals);
      const edf = readEdf(bytes);
      for (const [s, signal] of edf.signals.entries()) {
        const step = (signal.physicalMax - signal.physicalMin) / (signal.digitalMax - signal.digitalMin);
        for (const [i, v] of values[s].entries()) expect(Math.abs(signal.data[i] - v)).toBeLessThanOrEqual(step / 2 + 1e-9);
      }
      expect(Array.from(edf.recordStarts)).toEqual(starts);
      expect(edf.annotations).toEqual([{ onset: 3.2, duration: 1.5, text: 'label: walk' }]);
    });
  }
  it('NaN (no value) is the digital minimum, which no real value takes', () => {
    const range = chooseRange(0, 1, 'x');
    const header = { variant: 'edf', signals: [{ samplesPerRecord: 3 }], annotationSignals: 0, annotationSamples: 0 } as unknown as EdfWriteHeader;
    const out = new Uint8Array(6);
    encodeRecord(header, [scaling('edf', range)], [[NaN, 0, 1]], [], out);
    const d = new Int16Array(out.buffer);
    expect(d[0]).toBe(-32768);
    expect(d[1]).toBeGreaterThan(-32768);
    expect(d[2]).toBeLessThan(32767);
  });
  it('fits numbers into 8 characters, most precise first, rounding outwards where asked', () => {
    expect(fitNumber(-81.15609999)).toBe('-81.1561');
    expect(fitNumber(3.14159265358)).toBe('3.141593');
    expect(fitNumber(-0.000123456)).toBe('-0.00012');
    expect(fitNumber(12345678.9, 8, 'up')).toBe('12345679');
    expect(fitNumber(1.23456789, 8, 'down')).toBe('1.234567');
    expect(fitNumber(-1.23456789, 8, 'down')).toBe('-1.23457');
    expect(fitNumber(1e12)).toBeNull();
    expect(() => chooseRange(0, 1e12, 'stream x, channel y')).toThrow('stream x, channel y: values from 0 to 1000000000000 do not fit');
  });
  it('chooses a record duration in which every rate is a whole number of samples, or refuses', () => {
    expect(recordTimings([250, 100, 1], 1)[0]).toMatchObject({ duration: 1, text: '1', samplesPerRecord: [250, 100, 1] });
    expect(recordTimings([250, 100, 25], 1)[0]).toMatchObject({ duration: 1, samplesPerRecord: [250, 100, 25] });
    // 128/3 Hz: the shortest exact duration, 3/128 s, takes 9 characters; its longest multiple below 1 s that fits 8 is 42/128 * 3.
    expect(recordTimings([128 / 3, 256], 1)[0]).toMatchObject({ duration: 0.984375, text: '0.984375', samplesPerRecord: [42, 252] });
    expect(recordTimings([0.2], 1)[0]).toMatchObject({ duration: 5, samplesPerRecord: [1] });
    const t = recordTimings([102.4], 0.5)[0];
    expect(t.samplesPerRecord[0] / t.duration).toBe(102.4);
    expect(() => recordTimings([Math.PI * 100], 1)).toThrow('sample rates 314.1592653589793 Hz: no data record duration up to 60 s');
    expect(() => recordTimings([0], 1)).toThrow('cannot be represented exactly');
  });
  it('lays runs after a lost stretch where they resume, and starts a new block after a silence', () => {
    const blocks = layoutRecords(
      [
        { rate: 10, samplesPerRecord: 10, runs: [{ t: 100, n: 25 }, { t: 103, n: 10 }, { t: 110.5, n: 10 }] },
        { rate: 2, samplesPerRecord: 2, runs: [{ t: 100.5, n: 8 }] },
      ],
      1,
    );
    expect(blocks).toEqual([
      { start: 100, records: 5, placements: [{ stream: 0, slot: 0, n: 25 }, { stream: 1, slot: 1, n: 8 }, { stream: 0, slot: 30, n: 10 }] },
      { start: 110.5, records: 1, placements: [{ stream: 0, slot: 0, n: 10 }] },
    ]);
  });
  it('puts dense annotations into as many annotation signals as a record needs, dropping none', () => {
    const many = Array.from({ length: 40 }, (_, i) => encodeTal(12 + i / 40, null, [`marker: m${i}`]));
    const signals = packAnnotations(12, many, 120);
    expect(signals.length).toBeGreaterThan(5);
    expect(signals.flat().length).toBe(41);
    for (const s of signals) expect(concatBytes(s).length).toBeLessThanOrEqual(120);
  });
});
