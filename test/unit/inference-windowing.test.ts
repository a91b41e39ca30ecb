import { describe, expect, it } from 'vitest';
import { BeatTemplate, cutWindow, resamplePlan, rrBeatsNeeded, rrValues, type RrInput, type SignalInput } from '../../src/main/analysis/inference/windowing';

const input = (over: Partial<SignalInput>): SignalInput => ({
  name: 'x',
  source: 'signal',
  kind: 'ecg',
  channels: 1,
  rate: 100,
  before: 0.05,
  after: 0.05,
  normalise: { type: 'none' },
  layout: 'NCW',
  ...over,
});

/** A reader over channel-major columns. */
const reader = (cols: number[][]) => (c: number, i: number) => cols[c][i];
const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('model windows', () => {
  it('copies, normalises with a fixed mean and std, and lays out NCW', () => {
    const s = input({ normalise: { type: 'fixed', mean: 10, std: 2 } });
    const w = cutWindow(reader([ramp(100, (i) => i)]), { first: 0, end: 100 }, 100, s, resamplePlan(100, 100), 20);
    expect(Array.from(w as Float32Array)).toEqual(ramp(10, (k) => (20 + k - 10) / 2));
  });

  it('z-scores each channel of its own window and lays out NWC (sample-major)', () => {
    const s = input({ channels: 2, normalise: { type: 'zscore' }, layout: 'NWC', before: 0.02, after: 0.02 });
    const cols = [
      [0, 0, 1, 2, 3, 4, 0],
      [0, 0, 10, 10, 30, 30, 0],
    ];
    const w = Array.from(cutWindow(reader(cols), { first: 0, end: 7 }, 100, s, resamplePlan(100, 100), 2) as Float32Array);
    // Channel 0: 1,2,3,4 (mean 2.5, std sqrt(1.25)); channel 1: 10,10,30,30 (mean 20, std 10).
    const a = [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25));
    const b = [-1, -1, 1, 1];
    const expected = [0, 1, 2, 3].flatMap((k) => [a[k], b[k]]);
    w.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('interpolates linearly between samples for a ratio polyphase does not take (360 -> 125 Hz)', () => {
    const plan = resamplePlan(360, 125);
    expect(plan.type).toBe('linear');
    const s = input({ rate: 125, before: 0.1, after: 0.1 });
    const w = cutWindow(reader([ramp(1000, (i) => 2 * i)]), { first: 0, end: 1000 }, 360, s, plan, 100.5) as Float32Array;
    expect(w.length).toBe(25);
    w.forEach((v, k) => expect(v).toBeCloseTo(2 * (100.5 + (k * 360) / 125), 3));
  });

  it('resamples an integer ratio polyphase (200 -> 100 Hz): a slow sine keeps its values', () => {
    const plan = resamplePlan(200, 100);
    expect(plan).toMatchObject({ type: 'poly', up: 1, down: 2 });
    const s = input({ before: 0.5, after: 0.5 });
    const x = ramp(2000, (i) => Math.sin((2 * Math.PI * 2 * i) / 200));
    const w = cutWindow(reader([x]), { first: 0, end: 2000 }, 200, s, plan, 600) as Float32Array;
    expect(w.length).toBe(100);
    w.forEach((v, k) => expect(v).toBeCloseTo(Math.sin((2 * Math.PI * 2 * (600 + 2 * k)) / 200), 2));
  });

  it('refuses a window touching a lost sample (gap) or reaching past the data (edge), never fills it', () => {
    const x = ramp(100, (i) => i);
    x[25] = NaN;
    const s = input({});
    const plan = resamplePlan(100, 100);
    expect(cutWindow(reader([x]), { first: 0, end: 100 }, 100, s, plan, 20)).toBe('gap');
    expect(cutWindow(reader([x]), { first: 0, end: 100 }, 100, s, plan, 26)).toBeInstanceOf(Float32Array);
    expect(cutWindow(reader([x]), { first: 0, end: 100 }, 100, s, plan, 95)).toBe('edge');
    expect(cutWindow(reader([x]), { first: 0, end: 100 }, 100, s, plan, -1)).toBe('edge');
  });

  it('gives RR values around a beat, and none across a broken interval or without a neighbour', () => {
    const rr: RrInput = { name: 'rr', source: 'rr', values: ['pre', 'post', 'local', 'pre/local', 'post/local'] };
    const beats = [0, 1, 2, 2.8, 3.8];
    const none = () => false;
    const v = Array.from(rrValues(beats, 3, rr, none)!);
    const local = (1 + 1 + 0.8) / 3;
    [0.8, 1, local, 0.8 / local, 1 / local].forEach((e, k) => expect(v[k]).toBeCloseTo(e, 5));
    expect(rrValues(beats, 0, rr, none)).toBeNull();
    expect(rrValues(beats, 4, rr, none)).toBeNull();
    expect(rrValues(beats, 3, rr, (a, b) => a === 2 && b === 3)).toBeNull();
    // A break further back shortens the local mean to the intervals after it.
    const after = Array.from(rrValues(beats, 3, { ...rr, values: ['local'] }, (a) => a === 0)!);
    expect(after[0]).toBeCloseTo(0.9, 5);
  });

  it('removes the window linear trend before normalising (detrend "linear"): a ramp with a bump keeps only the bump', () => {
    const s = input({ before: 0.05, after: 0.05, detrend: 'linear' });
    // 10 samples: slope 3 per sample plus a symmetric bump at the centre, whose own line is flat.
    const bump = [0, 0, 0, 0, 1, 1, 0, 0, 0, 0];
    const x = ramp(100, (i) => 3 * i + 7 + (i >= 20 && i < 30 ? bump[i - 20] : 0));
    const w = Array.from(cutWindow(reader([x]), { first: 0, end: 100 }, 100, s, resamplePlan(100, 100), 20) as Float32Array);
    bump.forEach((b, k) => expect(w[k]).toBeCloseTo(b - 0.2, 4));
    // Without it the slope stays.
    const plain = Array.from(cutWindow(reader([x]), { first: 0, end: 100 }, 100, input({ before: 0.05, after: 0.05 }), resamplePlan(100, 100), 20) as Float32Array);
    expect(plain[9] - plain[0]).toBeCloseTo(27, 4);
  });

  it('gives the long RR mean over up to longBeats intervals, and its ratios', () => {
    const rr: RrInput = { name: 'rr', source: 'rr', values: ['long', 'pre/long', 'post/long', 'local/long'], longBeats: 4 };
    // Intervals 2, 2, 1, 1, 1, 0.5, then 1 after beat 6.
    const beats = [0, 2, 4, 5, 6, 7, 7.5, 8.5];
    const none = () => false;
    const v = Array.from(rrValues(beats, 6, rr, none)!);
    const long = (0.5 + 1 + 1 + 1) / 4;
    const local = 7.5 / 6;
    [long, 0.5 / long, 1 / long, local / long].forEach((e, k) => expect(v[k]).toBeCloseTo(e, 5));
    // The default reaches 50 intervals back; the live host keeps the beats for it.
    expect(rrValues(beats, 6, { ...rr, longBeats: undefined }, none)![0]).toBeCloseTo(7.5 / 6, 5);
    expect(rrBeatsNeeded({ ...rr, longBeats: undefined })).toBe(52);
    expect(rrBeatsNeeded({ ...rr, values: ['pre'] })).toBe(12);
    // A broken interval stops the long mean as it stops the local one.
    expect(rrValues(beats, 6, rr, (a) => a === 3)![0]).toBeCloseTo(0.75, 5);
  });

  it('keeps a running median template of the windows of the last beats, the new one included', () => {
    const t = new BeatTemplate({ name: 't', source: 'template', beats: 3 });
    expect(Array.from(t.add(Float32Array.from([1, 10])))).toEqual([1, 10]);
    expect(Array.from(t.add(Float32Array.from([3, 20])))).toEqual([2, 15]);
    expect(Array.from(t.add(Float32Array.from([100, 0])))).toEqual([3, 10]);
    // The first window has dropped out: median of [3, 100, 5] and [20, 0, 30].
    expect(Array.from(t.add(Float32Array.from([5, 30])))).toEqual([5, 20]);
  });
});
