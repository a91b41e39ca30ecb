import { describe, expect, it } from 'vitest';
import { evaluateBeats, modelClasses, referenceBeats, type ModelBeat, type RecordOutputs } from '../../src/main/analysis/evaluation/beat-evaluation';
import { Prng } from '../../src/main/devices/simulator/signals/prng';

const N = 1;
const V = 5;
const E = 10;
const A = 8;
const LABELS = ['N', 'V'];

const annotated = (ann: { sample: number; code: number }[]) =>
  referenceBeats(
    ann.map((x) => x.sample),
    ann.map((x) => x.code),
  );
const out = (sample: number, label: 'N' | 'V', p: number): ModelBeat => ({ sample, label, probs: label === 'N' ? [p, 1 - p] : [1 - p, p] });

/**
 * Record a (100 Hz, tolerance 15 samples): beats every second, a V at 500, an S (excluded) at 800,
 * a slow beat at 1200; the model calls 400 and 700 V, misses 900, and adds a V at 1250 where no
 * beat is. Record b (200 Hz): a gap [500, 900), an E beat at 1200 the model calls N.
 */
const a: RecordOutputs = {
  record: 'a',
  fs: 100,
  reference: annotated([100, 200, 300, 400, 500, 600, 700, 800, 900, 1200].map((sample) => ({ sample, code: sample === 500 ? V : sample === 800 ? A : N }))),
  outputs: [out(100, 'N', 0.9), out(200, 'N', 0.9), out(300, 'N', 0.9), out(400, 'V', 0.9), out(505, 'V', 0.95), out(600, 'N', 0.9), out(700, 'V', 0.6), out(800, 'N', 0.9), out(1200, 'N', 0.9), out(1250, 'V', 0.8)],
  gaps: [],
};
const b: RecordOutputs = {
  record: 'b',
  fs: 200,
  reference: annotated([
    { sample: 200, code: N },
    { sample: 400, code: N },
    { sample: 700, code: 14 }, // a noise annotation, not a beat
    { sample: 1000, code: N },
    { sample: 1200, code: E },
  ]),
  outputs: [out(200, 'N', 0.9), out(400, 'N', 0.9), out(1000, 'N', 0.9), out(1200, 'N', 0.7)],
  gaps: [[500, 900]],
};

const rowsOf = (c: { rows: string[]; counts: number[][] }) => Object.fromEntries(c.rows.map((r, i) => [r, c.counts[i]]));

describe('per-beat evaluation of a classifier', () => {
  const r = evaluateBeats([a, b], LABELS, { resamples: 200, seed: 7 });

  it('matches within ±150 ms and counts the confusion, missed beats and outputs at no beat included', () => {
    expect(r.tolerance_ms).toBe(150);
    expect(r.confusion.columns).toEqual(['N', 'V', 'missed']);
    expect(rowsOf(r.confusion)).toEqual({ N: [8, 2, 1], V: [1, 1, 0], none: [0, 1, 0] });
    expect(r.excluded).toEqual({ S: 1 });
  });

  it('gives Se, +P and F1 in percent, gross and per record', () => {
    expect(r.classes.N).toMatchObject({ n: 11, se: 72.73, ppv: 88.89 });
    expect(r.classes.N.f1).toBeCloseTo(80, 1); // 2TP / (2TP + FP + FN) = 16 / 20
    expect(r.classes.V).toMatchObject({ n: 2, se: 50, ppv: 25 });
    expect(r.classes.V.f1).toBeCloseTo(33.33, 1);
    expect(r.records.map((x) => [x.record, x.classes.N.se, x.classes.V.se, x.classes.V.ppv])).toEqual([
      ['a', 62.5, 100, 25],
      ['b', 100, 0, null],
    ]);
    expect(r.records[0].excluded).toEqual({ S: 1 });
  });

  it('slices by the local heart rate (mean RR of the beats before, none across a gap), after a gap and near a prior ectopic', () => {
    const slice = (band: string) => rowsOf(r.slices.find((s) => s.band === band)!.confusion);
    // The slow beat at 1200 follows 60 bpm beats: 60-100; the output at 1250 comes after that long RR: <60.
    expect(slice('<60 bpm')).toEqual({ N: [0, 0, 0], V: [0, 0, 0], none: [0, 1, 0] });
    expect(slice('60-100 bpm')).toEqual({ N: [4, 2, 1], V: [1, 1, 0], none: [0, 0, 0] });
    expect(slice('>100 bpm')).toEqual({ N: [0, 0, 0], V: [0, 0, 0], none: [0, 0, 0] });
    expect(slice('after a gap')).toEqual({ N: [1, 0, 0], V: [1, 0, 0], none: [0, 0, 0] });
    expect(slice('near a prior ectopic')).toEqual({ N: [1, 1, 0], V: [0, 0, 0], none: [0, 0, 0] });
  });

  it('ranks the worst errors by the probability of the wrong class, with record and time', () => {
    expect(r.worst.map((w) => [w.error, w.record, w.t, w.reference, w.predicted, w.confidence])).toEqual([
      ['false positive', 'a', 4, 'N', 'V', 0.9],
      ['false positive', 'a', 12.5, null, 'V', 0.8],
      ['false positive', 'a', 7, 'N', 'V', 0.6],
      ['false negative', 'b', 6, 'V', 'N', 0.7],
    ]);
  });

  it('puts a premature beat in the band of the patient\'s rate, slices by kSQI, and tables calibration with its ECE', () => {
    // 75 bpm (80 samples at 100 Hz), a V 40 samples early at 620 and its compensatory pause.
    const samples = [100, 180, 260, 340, 420, 500, 580, 620, 740, 820, 900, 980, 1060, 1140, 1220];
    const c: RecordOutputs = {
      record: 'c',
      fs: 100,
      reference: samples.map((sample) => ({ sample, class: sample === 620 ? 'V' : 'N' })),
      outputs: samples.map((sample) => (sample === 620 ? out(sample, 'V', 0.75) : out(sample, 'N', 0.85))),
      gaps: [],
      sqi: { windowSamples: 1000, values: [2, 12] },
    };
    const e = evaluateBeats([c], LABELS, { resamples: 10 });
    const band = (name: string) => e.slices.find((s) => s.band === name)!.classes;
    expect(band('>100 bpm').V.n).toBe(0);
    expect(band('60-100 bpm').V.n).toBe(1);
    expect([band('kSQI <5 (poor)').N.n, band('kSQI <5 (poor)').V.n, band('kSQI 5-10').N.n, band('kSQI >=10 (clean)').N.n]).toEqual([11, 1, 0, 3]);
    const v = e.calibration.classes.V;
    expect(v.bins.filter((x) => x.n > 0)).toEqual([
      { from: 0.1, to: 0.2, n: 14, predicted: 0.15, observed: 0 },
      { from: 0.7, to: 0.8, n: 1, predicted: 0.75, observed: 1 },
    ]);
    expect(v.n).toBe(15);
    // ECE = 14/15 x |0.15 - 0| + 1/15 x |0.75 - 1| = 0.1567.
    expect(v.ece).toBeCloseTo(0.1567, 4);
    expect(e.calibration.classes.N.ece).toBeCloseTo(0.1567, 4);
  });

  it('gives a session\'s worst errors its id and session times (timeAt), a file\'s its path', () => {
    const e = evaluateBeats([{ ...a, session: 3, timeAt: (s) => 100 + s / 100 }, { ...b, file: '/data/b.hea' }], LABELS, { resamples: 10 });
    expect(e.worst.map((w) => [w.record, w.session, w.file, w.t])).toEqual([
      ['a', 3, undefined, 104],
      ['a', 3, undefined, 112.5],
      ['a', 3, undefined, 107],
      ['b', undefined, '/data/b.hea', 6],
    ]);
  });

  it('refuses a model whose labels are not AAMI classes, naming them', () => {
    expect(() => modelClasses(['N', 'PVC'], 'm.onnx')).toThrow('m.onnx: output labels "PVC" are not AAMI beat classes (N, S, V, F, Q)');
  });
});

/** `count` records of 200 beats at 100 Hz, 10 % V, the model right with probability `right`. */
function randomRecords(seed: number, count: number): RecordOutputs[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, (_, k) => {
    const right = 0.7 + 0.3 * rng.next();
    const reference = annotated(Array.from({ length: 200 }, (_, i) => ({ sample: 100 + i * 80, code: rng.next() < 0.1 ? V : N })));
    const outputs = reference.map((ref) => {
      const truth = ref.class === 'V' ? 'V' : 'N';
      const label = rng.next() < right ? truth : truth === 'V' ? 'N' : 'V';
      return out(ref.sample + Math.round(rng.next() * 10 - 5), label, 0.5 + rng.next() / 2);
    });
    return { record: `r${k}`, fs: 100, reference, outputs, gaps: [] };
  });
}

describe('bootstrap confidence intervals by record', () => {
  const records = randomRecords(42, 12);

  it('contain the point estimate and are the same for the same seed', () => {
    const one = evaluateBeats(records, LABELS, { seed: 3 });
    expect(one.bootstrap).toEqual({ resamples: 1000, seed: 3, by: 'record' });
    for (const c of Object.values(one.classes)) {
      for (const k of ['se', 'ppv'] as const) {
        const [lo, hi] = c.ci[k]!;
        expect(lo).toBeLessThanOrEqual(c[k]!);
        expect(hi).toBeGreaterThanOrEqual(c[k]!);
        expect(hi).toBeGreaterThan(lo);
      }
    }
    expect(evaluateBeats(records, LABELS, { seed: 3 }).classes).toEqual(one.classes);
    expect(evaluateBeats(records, LABELS, { seed: 4 }).classes.V.ci).not.toEqual(one.classes.V.ci);
  });
});
