import { describe, expect, it } from 'vitest';
import type { Numeric, StreamInfo } from '../../src/shared/types';
import { analysisWarning, formatNumeric, pickNumeric, sourceLabel, tileModels, unsupportedNotes } from '../../src/renderer/src/analysis/numeric-tiles';
import { psdMaxHz, psdPoints, psdUnitLabel } from '../../src/renderer/src/analysis/psd-data';
import { MarkBuffer } from '../../src/renderer/src/live/mark-buffer';
import { LiveStore, MAX_MARKS, RETENTION_S } from '../../src/renderer/src/live/live-store';
import { chartEntries, psdStreams, usableChannel } from '../../src/renderer/src/live/stream-layout';
import { shortcutFor } from '../../src/renderer/src/shortcuts';

const stream = (key: string, kind: StreamInfo['kind'], extra: Partial<StreamInfo> = {}): StreamInfo => ({
  key,
  deviceId: key.split('/')[0],
  name: key.split('/')[1],
  kind,
  rate: 250,
  channels: [{ label: 'a', unit: 'mV' }],
  ...extra,
});

const STREAMS = [
  stream('sim/ecg', 'ecg'),
  stream('sim/ppg', 'ppg'),
  stream('sim/imu', 'imu'),
  stream('sim/ecg.metrics', 'other', { derivedFrom: 'sim/ecg', rate: 1 }),
  stream('sim/ecg.filtered', 'ecg', { derivedFrom: 'sim/ecg', liveOnly: true }),
  stream('sim/ppg.metrics', 'other', { derivedFrom: 'sim/ppg', rate: 0.5 }),
  stream('sim/ppg.filtered', 'ppg', { derivedFrom: 'sim/ppg', liveOnly: true }),
];

const num = (key: string, name: Numeric['name'], label: string, value: number | null, quality: Numeric['quality'], unit = ''): Numeric => ({
  key,
  name,
  label,
  value,
  unit,
  quality,
});

describe('numeric tiles', () => {
  const ecgHr = (v: number | null, q: Numeric['quality']) => num('sim/ecg', 'hr', 'HR (ECG)', v, q, 'bpm');
  const ppgHr = (v: number | null, q: Numeric['quality']) => num('sim/ppg', 'hr', 'HR (PPG)', v, q, 'bpm');

  it('prefers the ECG heart rate when it is good or fair, else the PPG one, else the first', () => {
    expect(pickNumeric([ppgHr(70, 'good'), ecgHr(71, 'fair')], STREAMS)?.key).toBe('sim/ecg');
    expect(pickNumeric([ecgHr(71, 'good'), ppgHr(70, 'good')], STREAMS)?.key).toBe('sim/ecg');
    expect(pickNumeric([ecgHr(71, 'poor'), ppgHr(70, 'fair')], STREAMS)?.key).toBe('sim/ppg');
    expect(pickNumeric([ecgHr(null, null), ppgHr(70, 'good')], STREAMS)?.key).toBe('sim/ppg');
    // Both poor: the preferred source, shown as poor.
    expect(pickNumeric([ppgHr(70, 'poor'), ecgHr(71, 'poor')], STREAMS)?.key).toBe('sim/ecg');
    // Nothing has a value: the first.
    expect(pickNumeric([ppgHr(null, null), ecgHr(null, null)], STREAMS)?.key).toBe('sim/ppg');
    expect(pickNumeric([], STREAMS)).toBeUndefined();
  });

  it('names the source from the label or the stream kind', () => {
    expect(sourceLabel(ecgHr(70, 'good'))).toBe('ECG');
    expect(sourceLabel(num('sim/ppg', 'pi', 'PI', 1, 'good'), STREAMS)).toBe('PPG');
    expect(sourceLabel(num('sim/imu', 'steps', 'Steps', 1, null), STREAMS)).toBe('IMU');
    expect(sourceLabel(num('x/y', 'steps', 'Steps', 1, null), STREAMS)).toBe('');
  });

  it('formats each figure with its decimals and a dash for no value', () => {
    expect(formatNumeric('hr', 72.6)).toBe('73');
    expect(formatNumeric('pi', 1.2345)).toBe('1.23');
    expect(formatNumeric('spo2', 97.4)).toBe('97');
    expect(formatNumeric('steps', 12)).toBe('12');
    expect(formatNumeric('rmssd', null)).toBe('—');
    expect(formatNumeric('hr', NaN)).toBe('—');
  });

  it('builds one tile per figure in order, marking poor values', () => {
    const tiles = tileModels(
      [
        ppgHr(80, 'poor'),
        num('sim/ppg', 'spo2', 'SpO2', 97.2, 'poor', '%'),
        num('sim/ppg', 'pi', 'PI', 2.345, 'poor', '%'),
        ecgHr(61.4, 'good'),
        num('sim/ecg', 'rmssd', 'RMSSD', null, null, 'ms'),
        num('sim/imu', 'steps', 'Steps', 3, null),
      ],
      STREAMS,
    );
    expect(tiles.map((t) => t.name)).toEqual(['hr', 'spo2', 'pi', 'rmssd', 'cadence', 'steps']);
    const [hr, spo2, pi, rmssd, cadence, steps] = tiles;
    expect(hr).toMatchObject({ text: '61', source: 'ECG', quality: 'good', poor: false, unit: 'bpm' });
    expect(spo2).toMatchObject({ text: '97', quality: 'poor', poor: true, source: 'PPG' });
    expect(pi.text).toBe('2.35');
    expect(rmssd).toMatchObject({ text: '—', hasValue: false, poor: false });
    expect(cadence).toMatchObject({ text: '—', key: undefined, quality: null });
    expect(steps).toMatchObject({ text: '3', quality: null, source: 'IMU' });
  });

  it('badges the ECG unusable with the reason, and prefers a usable PPG heart rate meanwhile', () => {
    const why = "ECG unusable: noise: the beats found do not look like this patient's QRS complexes";
    const unusable = { ...ecgHr(72, 'poor'), unusable: why };
    const [alone] = tileModels([unusable], STREAMS);
    expect(alone).toMatchObject({ text: '72', source: 'ECG', poor: true, unusable: why });
    // Without a value the signal is still unusable: the badge stays.
    expect(tileModels([{ ...ecgHr(null, null), unusable: why }], STREAMS)[0].unusable).toBe(why);
    const [withPpg] = tileModels([unusable, ppgHr(70, 'good')], STREAMS);
    expect(withPpg).toMatchObject({ source: 'PPG', unusable: '' });
    expect(tileModels([ecgHr(72, 'good')], STREAMS)[0].unusable).toBe('');
  });

  it("finds the metrics channel that flags a stream's usability", () => {
    const flagged = stream('sim/ecg.metrics', 'other', { derivedFrom: 'sim/ecg', channels: [{ label: 'HR', unit: 'bpm' }, { label: 'usable', unit: '' }] });
    expect(usableChannel(stream('sim/ecg', 'ecg'), [stream('sim/ecg', 'ecg'), flagged])).toEqual({ key: 'sim/ecg.metrics', channel: 1 });
    // A session recorded before the flag existed has none; another stream's flag is not this one's.
    expect(usableChannel(stream('sim/ecg', 'ecg'), STREAMS)).toBeUndefined();
    expect(usableChannel(stream('sim/ppg', 'ppg'), [flagged])).toBeUndefined();
  });

  it('marks a PPG heart rate the tracker is coasting on (carried, not measured)', () => {
    const [coasting] = tileModels([{ ...ppgHr(142, 'fair'), coasting: true }], STREAMS);
    expect(coasting).toMatchObject({ text: '142', coasting: true, poor: false });
    const [measured] = tileModels([ppgHr(142, 'fair')], STREAMS);
    expect(measured.coasting).toBe(false);
    // Without a value there is nothing to call coasting.
    expect(tileModels([{ ...ppgHr(null, null), coasting: true }], STREAMS)[0].coasting).toBe(false);
  });

  it('warns when the analysis restarted', () => {
    expect(analysisWarning({ restarts: 0 })).toBeNull();
    expect(analysisWarning(null)).toBeNull();
    expect(analysisWarning({ restarts: 2, error: 'boom' })).toBe('Analysis restarted (2×): boom');
    expect(analysisWarning({ restarts: 5, error: 'boom', stopped: 'too many crashes' })).toBe('Analysis stopped: too many crashes');
  });

  it('notes each stream the analysis leaves out, with the reason', () => {
    expect(unsupportedNotes({ unsupported: [{ key: 'b/ecg', reason: 'ECG at 40 Hz is below 100 Hz' }] })).toEqual(['not analysed: b/ecg: ECG at 40 Hz is below 100 Hz']);
    expect(unsupportedNotes(null)).toEqual([]);
  });
});

describe('stream layout', () => {
  it('hides live-only streams, pairs them with their source and puts derived streams after it', () => {
    const entries = chartEntries(STREAMS);
    expect(entries.map((e) => e.info.key)).toEqual(['sim/ecg', 'sim/ecg.metrics', 'sim/ppg', 'sim/ppg.metrics', 'sim/imu']);
    expect(entries[0].companion?.key).toBe('sim/ecg.filtered');
    expect(entries[2].companion?.key).toBe('sim/ppg.filtered');
    expect(entries[1].companion).toBeUndefined();
    expect(entries[4].companion).toBeUndefined();
  });

  it('offers raw streams for the PSD, ECG/PPG/IMU first', () => {
    const s = psdStreams([stream('b/temp', 'temp', { rate: 4 }), ...STREAMS, stream('b/irr', 'other', { rate: 0 })]);
    expect(s.map((x) => x.key)).toEqual(['sim/ecg', 'sim/ppg', 'sim/imu', 'b/temp']);
  });
});

describe('PSD data', () => {
  it('caps the band at 50 Hz unless the full band is asked for', () => {
    expect(psdMaxHz(250, false)).toBe(50);
    expect(psdMaxHz(250, true)).toBe(125);
    expect(psdMaxHz(64, false)).toBe(32);
  });

  it('converts to dB within the band and drops bad values', () => {
    const pts = psdPoints({ freqs: [0, 10, 20, 60, 70], psd: [1, 0.01, NaN, 1, 1] }, 50);
    expect(pts).toEqual([
      { f: 0, db: 0 },
      { f: 10, db: -20 },
    ]);
    expect(psdPoints({ freqs: [1], psd: [0] }, 50)[0].db).toBe(-300);
    expect(psdUnitLabel('mV')).toBe('Power (dB mV²/Hz)');
    expect(psdUnitLabel('')).toBe('Power (dB/Hz)');
  });
});

describe('marks', () => {
  it('keeps marks ordered within the retention window', () => {
    const m = new MarkBuffer(10, 100, 2);
    for (const t of [1, 2, 4, 3, 5]) m.push(t);
    expect(Array.from({ length: m.length }, (_, i) => m.timeAt(i))).toEqual([1, 2, 3, 4, 5]);
    m.push(13.5);
    // 13.5 - 10 = 3.5: marks before it are dropped.
    expect(Array.from({ length: m.length }, (_, i) => m.timeAt(i))).toEqual([4, 5, 13.5]);
    expect(m.countWithin(4.5, 20)).toBe(2);
    expect(m.lowerBound(5)).toBe(1);
    m.push(NaN);
    expect(m.length).toBe(3);
  });

  it('is bounded in count', () => {
    const m = new MarkBuffer(1e9, 8, 2);
    for (let i = 0; i < 50; i++) m.push(i);
    expect(m.length).toBe(8);
    expect(m.timeAt(0)).toBe(42);
    expect(m.timeAt(7)).toBe(49);
    const copy = m.clone();
    m.push(50);
    expect(copy.timeAt(7)).toBe(49);
    expect(copy.length).toBe(8);
  });

  it('are kept per stream by the LiveStore for the retention window, and frozen by snapshots', () => {
    const store = new LiveStore();
    store.setStreams(STREAMS);
    let calls = 0;
    store.onData(() => calls++);
    store.push({ sentAt: Date.now(), blocks: [], marks: [{ key: 'sim/ecg', t: 100, kind: 'beat' }] });
    // Marks alone are not new samples.
    expect(calls).toBe(0);
    const marks = Array.from({ length: 60 }, (_, i) => ({ key: 'sim/ecg', t: 101 + i, kind: 'beat' as const }));
    store.push({
      sentAt: Date.now(),
      blocks: [{ key: 'sim/ecg', t0: 160, dt: 0.004, n: 1, channels: 1, data: Float32Array.of(1), arrivedAt: Date.now() }],
      marks: [...marks, { key: 'sim/imu', t: 150, kind: 'step' }],
    });
    expect(calls).toBe(1);
    const ecg = store.marks('sim/ecg')!;
    expect(ecg.timeAt(ecg.length - 1)).toBe(160);
    expect(ecg.timeAt(0)).toBeGreaterThanOrEqual(160 - RETENTION_S);
    expect(ecg.length).toBe(RETENTION_S + 1);
    expect(store.marks('sim/imu')?.length).toBe(1);
    const frozen = store.snapshot();
    store.push({ sentAt: Date.now(), blocks: [], marks: [{ key: 'sim/ecg', t: 161, kind: 'beat' }] });
    expect(frozen.marks('sim/ecg')!.timeAt(frozen.marks('sim/ecg')!.length - 1)).toBe(160);
    expect(MAX_MARKS).toBeGreaterThan(RETENTION_S * 5);
    store.setStreams(STREAMS.filter((s) => s.key !== 'sim/imu'));
    expect(store.marks('sim/imu')).toBeUndefined();
  });
});

describe('F shortcut', () => {
  it('toggles filtered traces outside text fields', () => {
    const k = { ctrlKey: false, metaKey: false, altKey: false, repeat: false, targetTag: 'BODY', targetEditable: false };
    expect(shortcutFor({ ...k, key: 'f' })).toBe('filter');
    expect(shortcutFor({ ...k, key: 'F' })).toBe('filter');
    expect(shortcutFor({ ...k, key: 'f', targetTag: 'INPUT' })).toBeNull();
  });
});
