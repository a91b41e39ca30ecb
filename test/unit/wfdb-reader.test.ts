import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { beatSamples, decodeSamples, encodeSamples, parseMitAnnotations, parseWfdbHeader, wfdbChecksum } from '../../src/main/formats/wfdb';
import { findSharedData } from '../helpers/shared-data';
import { tempDir } from '../helpers/temp-dir';

const DATA = findSharedData([
  ...['hea', 'dat', 'atr'].map((ext) => `ecg/mitdb/100s.${ext}`),
  'wfdb-misc/p10143.hea',
  'wfdb-misc/p10143.dat',
  ...['237s.hea', '237s1.hea', '237s1.dat', '237s2.hea', '237s2.dat'].map((f) => `wfdb-misc/wfdb_checkpkg/${f}`),
  'wfdb-misc/mixedsignals.hea',
]);

describe('WFDB records built in the test', () => {
  const dir = tempDir('wfdb');
  afterAll(() => dir.cleanup());
  // Two signals, 5 frames, interleaved: sig0 = [0, 100, -100, 2047, -2047], sig1 = [5, -5, 300, -300, 1]
  const sig0 = [0, 100, -100, 2047, -2047];
  const sig1 = [5, -5, 300, -300, 1];
  const frames = sig0.flatMap((v, i) => [v, sig1[i]]);
  for (const format of [212, 16] as const) {
    it(`format ${format} round-trips known values with gain, baseline and checksum`, () => {
      writeFileSync(join(dir.path, `t${format}.dat`), encodeSamples(frames, format));
      const c0 = wfdbChecksum(Int32Array.from(sig0));
      const c1 = wfdbChecksum(Int32Array.from(sig1));
      writeFileSync(
        join(dir.path, `t${format}.hea`),
        `t${format} 2 250 5\nt${format}.dat ${format} 200(10)/mV 12 0 0 ${c0} 0 ECG\nt${format}.dat ${format} 100/mV 12 0 5 ${c1} 0 V5\n`,
      );
      const rec = readWfdbRecord(join(dir.path, `t${format}.hea`));
      expect(rec.signals.map((s) => s.label)).toEqual(['ECG', 'V5']);
      expect(Array.from(rec.signals[0].data)).toEqual(sig0.map((v) => (v - 10) / 200).map(Math.fround));
      expect(Array.from(rec.signals[1].data)).toEqual(sig1.map((v) => v / 100).map(Math.fround));
      expect(rec.signals[0].fs).toBe(250);
      expect(rec.notes).toEqual([]);
    });
  }

  it('reads what a truncated signal file holds and says that it is truncated', () => {
    // Format 16, two signals: 4 bytes a frame; keep 3 of the 5 frames.
    writeFileSync(join(dir.path, 'cut.dat'), encodeSamples(frames, 16).subarray(0, 12));
    writeFileSync(join(dir.path, 'cut.hea'), 'cut 2 250 5\ncut.dat 16 200/mV 16 0 0 0 0 ECG\ncut.dat 16 100/mV 16 0 0 0 0 V5\n');
    const rec = readWfdbRecord(join(dir.path, 'cut.hea'));
    expect(Array.from(rec.signals[0].data)).toEqual(sig0.slice(0, 3).map((v) => v / 200).map(Math.fround));
    expect(rec.notes).toEqual(['cut.dat is truncated: it holds 3 of the 5 samples per signal the header declares; analysed what is there']);
  });
  it('decodes format 212 two\'s complement exactly', () => {
    expect(Array.from(decodeSamples(encodeSamples([-1, -2048, 2047, 1], 212), 212))).toEqual([-1, -2048, 2047, 1]);
  });
  it('parses samples per frame, skew, offset and defaults', () => {
    const h = parseWfdbHeader('r 1 125\nr.dat 212x4:3+512 0 12 0 0 0 0 II\n');
    expect(h.signals[0]).toMatchObject({ format: 212, samplesPerFrame: 4, skew: 3, byteOffset: 512, gain: 200, description: 'II' });
    expect(h.samples).toBeNull();
  });
});

describe.skipIf(!DATA)('WFDB reader on real records (../shared/data)', () => {
  const data = DATA!;
  it('MIT-BIH 100s: header, signals, checksums and 74 beats', () => {
    const hea = join(data, 'ecg/mitdb/100s.hea');
    const rec = readWfdbRecord(hea);
    expect(rec.signals.map((s) => s.label)).toEqual(['MLII', 'V5']);
    expect(rec.signals[0].fs).toBe(360);
    const h = parseWfdbHeader(readFileSync(hea, 'latin1'));
    const adc = Int32Array.from(rec.signals[0].data, (v) => Math.round(v * h.signals[0].gain + h.signals[0].baseline));
    expect(wfdbChecksum(adc)).toBe(h.signals[0].checksum);
    expect(adc[0]).toBe(h.signals[0].initialValue);
    expect(beatSamples(parseMitAnnotations(readFileSync(join(data, 'ecg/mitdb/100s.atr')))).length).toBe(74);
  });
  it('format 61 (big-endian): checksums match the header', () => {
    const hea = join(data, 'wfdb-misc/p10143.hea');
    const rec = readWfdbRecord(hea);
    const h = parseWfdbHeader(readFileSync(hea, 'latin1'));
    rec.signals.forEach((s, k) => {
      const adc = Int32Array.from(s.data, (v) => Math.round(v * h.signals[k].gain + h.signals[k].baseline));
      expect(adc[0]).toBe(h.signals[k].initialValue);
      expect(wfdbChecksum(adc)).toBe(h.signals[k].checksum);
    });
  });
  it('multi-segment record with a gap segment: lengths and NaN gap', () => {
    const rec = readWfdbRecord(join(data, 'wfdb-misc/wfdb_checkpkg/237s.hea'));
    expect(rec.header.segments?.map((s) => s.name)).toEqual(['237s1', 'missing', '237s1', '237s2']);
    const ii = rec.signals.find((s) => s.label === 'II')!;
    expect(ii.fs).toBe(500);
    expect(ii.data.length).toBe(4206250 * 4);
    expect(Number.isFinite(ii.data[100])).toBe(true);
    expect(Number.isNaN(ii.data[2500 * 4 + 10])).toBe(true);
  });
  it('format 516 (FLAC) gives a clear error', () => {
    expect(() => readWfdbRecord(join(data, 'wfdb-misc/mixedsignals.hea'))).toThrow(/WFDB format 516 \(FLAC-compressed\).*not supported; supported formats: 212, 16, 61, 80/);
  });
});
