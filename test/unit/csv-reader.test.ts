import { describe, expect, it } from 'vitest';
import { groupCsvStreams, kindForLabel, parseCsv } from '../../src/main/formats/csv-reader';

describe('CSV reader', () => {
  it('parses a header, a time column and groups channels by label', () => {
    const text = 'time,ecg,ppg1,ppg2,acc_x,acc_y,acc_z,temp\n0,1,2,3,4,5,6,7\n0.008,1,2,3,4,5,6,\n0.016,1,2,3,4,5,6,7\n';
    const rec = groupCsvStreams(parseCsv(text));
    expect(rec.fs).toBeCloseTo(125, 6);
    expect(rec.streams.map((s) => [s.kind, s.labels])).toEqual([
      ['ecg', ['ecg']],
      ['ppg', ['ppg1', 'ppg2']],
      ['imu', ['acc_x', 'acc_y', 'acc_z']],
    ]);
    expect(rec.ignored).toEqual(['temp']);
  });
  it('reads units in labels, needs --rate without time, and honours overrides', () => {
    expect(kindForLabel('Time [s]')).toBeNull();
    expect(kindForLabel(' PLETH')).toBe('ppg');
    expect(kindForLabel('II')).toBe('ecg');
    expect(kindForLabel('gx')).toBe('imu');
    const t = parseCsv('lead,x\n1,2\n3,4\n');
    expect(() => groupCsvStreams(t)).toThrow(/--rate/);
    const r = groupCsvStreams(t, { rate: 250, kinds: { lead: 'ecg' } });
    expect(r.streams[0]).toMatchObject({ kind: 'ecg', fs: 250, labels: ['lead'] });
  });
  it('reads headerless numbers and marks bad cells NaN', () => {
    const t = parseCsv('1.5\nnan\n-2\n');
    expect(t.labels).toEqual(['ch0']);
    expect(Array.from(t.columns[0])).toEqual([1.5, NaN, -2]);
  });
});
