/**
 * Per-beat evaluation of a beats-trigger classifier against reference annotations, in the manner
 * of ANSI/AAMI EC57 (gross statistics): each model output (at a detected beat) is matched to a
 * reference beat within ±150 ms; reference codes map to AAMI classes, and reference beats of a
 * class the model does not output are excluded (and counted). A reference beat without an output
 * (not detected, or its window skipped) is "missed" and counts against Se; an output with no
 * reference beat near it counts against +P of the class it gave.
 */
import { quantile } from '../../../shared/quantile';
import { Prng } from '../../devices/simulator/signals/prng';
import { isBeatCode } from '../../formats/wfdb';
import type { Calibration, ClassMetrics, Confusion, Evaluation, RecordScores, Scores, SliceScores, WorstError } from '../../../shared/evaluation';
import { aamiClass, AAMI_CLASSES, type AamiClass } from './aami-classes';

export type { Calibration, ClassMetrics, Confusion, Evaluation, RecordScores, Scores, SliceScores, WorstError } from '../../../shared/evaluation';
import { pairBeats } from './beat-matching';

export const TOLERANCE_SEC = 0.15;
/** The heart-rate slice uses the mean of up to this many RR intervals before the beat: the patient's rate, not the beat's own prematurity. */
export const LOCAL_RR_COUNT = 10;
/** Reliability table: equal-width bins of the model's probability. */
export const CALIBRATION_BINS = 10;
/** "Near a prior ectopic" and "after a gap" look back this many reference beats. */
export const CONTEXT_BEATS = 3;
export const WORST_COUNT = 20;

/** A reference beat (beats only: a record's non-beat annotations are left out before). */
export interface ReferenceBeat {
  sample: number;
  /** Its AAMI class; null for a beat of none of the five (or a session's beat with no class). */
  class: AamiClass | null;
}

export interface ModelBeat {
  sample: number;
  label: string;
  probs: number[];
}

export interface RecordOutputs {
  record: string;
  /** The library session the record is (for review links); absent for a file. */
  session?: number;
  /** The record's .hea path, for a file (the review imports it to show an error). */
  file?: string;
  fs: number;
  /** Every reference beat of the record, ascending. */
  reference: ReferenceBeat[];
  /** The model's outputs, ascending by sample. */
  outputs: ModelBeat[];
  /** Lost stretches of the input as [start, end) samples. */
  gaps: [number, number][];
  /** Stretches labelled as motion (a session's labels whose text has "motion"), [start, end) samples. */
  motion?: [number, number][];
  /** For a session: the time of a sample in s from the session's start (the review's time); else sample / fs. */
  timeAt?(sample: number): number;
  /** The signal's kSQI (see dsp/ecg/ecg-sqi.ts) per consecutive window of `windowSamples`. */
  sqi?: { windowSamples: number; values: (number | null)[] };
}

export interface EvaluateOptions {
  resamples?: number;
  seed?: number;
}

/** One scored beat: a reference beat of a model class, or an output with no reference beat. */
interface Item {
  record: string;
  session?: number;
  file?: string;
  /** Seconds from the start of the record (see RecordOutputs.timeAt). */
  t: number;
  sample: number;
  reference: string | null;
  /** Null: missed (no output at this reference beat). */
  output: ModelBeat | null;
  bpm: number | null;
  sqi: number | null;
  afterGap: boolean;
  nearEctopic: boolean;
  inMotion: boolean;
}

const HR_BANDS: { band: string; has: (bpm: number) => boolean }[] = [
  { band: '<60 bpm', has: (b) => b < 60 },
  { band: '60-100 bpm', has: (b) => b >= 60 && b <= 100 },
  { band: '>100 bpm', has: (b) => b > 100 },
];

/** kSQI bands: below 5 is not ECG-like (Li et al. 2008); clean MIT-BIH stretches lie far above. */
const SQI_BANDS: { band: string; has: (k: number) => boolean }[] = [
  { band: 'kSQI <5 (poor)', has: (k) => k < 5 },
  { band: 'kSQI 5-10', has: (k) => k >= 5 && k < 10 },
  { band: 'kSQI >=10 (clean)', has: (k) => k >= 10 },
];

/** A record's annotations (sample, MIT code) as reference beats: its beat codes only, by AAMI class. */
export function referenceBeats(samples: readonly number[], codes: readonly number[]): ReferenceBeat[] {
  return samples.flatMap((sample, k) => (isBeatCode(codes[k]) ? [{ sample, class: aamiClass(codes[k]) }] : []));
}

/** The AAMI classes a model's labels name, or an Error saying which label is not one. */
export function modelClasses(labels: readonly string[], model: string): string[] {
  const unknown = labels.filter((l) => !AAMI_CLASSES.includes(l as AamiClass));
  if (unknown.length) throw new Error(`${model}: output labels ${unknown.map((l) => `"${l}"`).join(', ')} are not AAMI beat classes (${AAMI_CLASSES.join(', ')}): evaluate cannot map reference beats to them`);
  return [...labels];
}

function itemsOf(rec: RecordOutputs, labels: readonly string[], excluded: RecordScores['excluded']): Item[] {
  // Outputs are matched against every reference beat, so one at an excluded beat is not taken for its neighbour.
  const ref = rec.reference;
  const pairs = pairBeats(
    ref.map((r) => r.sample),
    rec.outputs.map((o) => o.sample),
    Math.round(TOLERANCE_SEC * rec.fs),
  );
  const outputOf = new Map(pairs.map(([i, j]) => [i, j]));
  const matched = new Set(pairs.map(([, j]) => j));
  const classOf = ref.map((r) => r.class);
  const timeOf = (sample: number) => (rec.timeAt ? rec.timeAt(sample) : sample / rec.fs);
  const crossesGap = (a: number, b: number) => rec.gaps.some(([g0, g1]) => g0 < b && g1 > a);
  // Context of a beat at `sample` whose preceding reference beats end at index `before` (exclusive).
  const context = (sample: number, before: number) => {
    // The local rate: the mean of the RR intervals among the reference beats before this one, none across a gap.
    let rrSum = 0;
    let rrCount = 0;
    for (let i = Math.max(1, before - LOCAL_RR_COUNT); i < before; i++) {
      if (crossesGap(ref[i - 1].sample, ref[i].sample)) continue;
      rrSum += ref[i].sample - ref[i - 1].sample;
      rrCount++;
    }
    const bpm = rrCount > 0 ? (60 * rec.fs * rrCount) / rrSum : null;
    const sqi = rec.sqi ? (rec.sqi.values[Math.floor(sample / rec.sqi.windowSamples)] ?? null) : null;
    const from = before - CONTEXT_BEATS;
    const lookBack = from >= 0 ? ref[from].sample : -Infinity;
    return {
      bpm,
      sqi,
      afterGap: rec.gaps.some(([, g1]) => g1 > lookBack && g1 <= sample),
      nearEctopic: classOf.slice(Math.max(0, from), before).includes('V'),
      inMotion: (rec.motion ?? []).some(([m0, m1]) => sample >= m0 && sample < m1),
    };
  };
  const items: Item[] = [];
  ref.forEach((r, i) => {
    const cls = classOf[i];
    if (cls === null || !labels.includes(cls)) {
      const key = cls ?? 'other';
      excluded[key] = (excluded[key] ?? 0) + 1;
      return;
    }
    const j = outputOf.get(i);
    items.push({ record: rec.record, session: rec.session, file: rec.file, t: timeOf(r.sample), sample: r.sample, reference: cls, output: j === undefined ? null : rec.outputs[j], ...context(r.sample, i) });
  });
  let k = 0;
  rec.outputs.forEach((o, j) => {
    if (matched.has(j)) return;
    while (k < ref.length && ref[k].sample < o.sample) k++;
    items.push({ record: rec.record, session: rec.session, file: rec.file, t: timeOf(o.sample), sample: o.sample, reference: null, output: o, ...context(o.sample, k) });
  });
  return items;
}

function confusionOf(items: readonly Item[], labels: readonly string[]): Confusion {
  const rows = [...labels, 'none'];
  const columns = [...labels, 'missed'];
  const counts = rows.map(() => columns.map(() => 0));
  for (const it of items) counts[it.reference === null ? labels.length : labels.indexOf(it.reference)][it.output ? labels.indexOf(it.output.label) : labels.length]++;
  return { rows, columns, counts };
}

const pct = (a: number, b: number) => (b > 0 ? Math.round((10000 * a) / b) / 100 : null);

function metricsOf(confusion: Confusion, labels: readonly string[]): Record<string, ClassMetrics> {
  const out: Record<string, ClassMetrics> = {};
  labels.forEach((label, k) => {
    const tp = confusion.counts[k][k];
    const n = confusion.counts[k].reduce((a, b) => a + b, 0);
    const given = confusion.counts.reduce((a, row) => a + row[k], 0);
    const se = pct(tp, n);
    const ppv = pct(tp, given);
    const f1 = se !== null && ppv !== null && se + ppv > 0 ? Math.round((200 * se * ppv) / (se + ppv)) / 100 : null;
    out[label] = { se, ppv, f1, n };
  });
  return out;
}

function scoresOf(items: readonly Item[], labels: readonly string[]): Scores {
  const confusion = confusionOf(items, labels);
  return { classes: metricsOf(confusion, labels), confusion };
}

/** Percentile bootstrap over records: `resamples` draws of as many records, with replacement. */
function bootstrap(perRecord: Confusion[], labels: readonly string[], resamples: number, seed: number) {
  const rng = new Prng(seed);
  const draws: Record<string, { se: number[]; ppv: number[] }> = Object.fromEntries(labels.map((l) => [l, { se: [], ppv: [] }]));
  const shape = perRecord[0];
  for (let b = 0; b < resamples && perRecord.length > 0; b++) {
    const counts = shape.counts.map((row) => row.map(() => 0));
    for (let r = 0; r < perRecord.length; r++) {
      const pick = perRecord[Math.floor(rng.next() * perRecord.length)];
      pick.counts.forEach((row, i) => row.forEach((c, j) => (counts[i][j] += c)));
    }
    const m = metricsOf({ ...shape, counts }, labels);
    for (const l of labels) {
      if (m[l].se !== null) draws[l].se.push(m[l].se!);
      if (m[l].ppv !== null) draws[l].ppv.push(m[l].ppv!);
    }
  }
  const interval = (v: number[]): [number, number] | null => (v.length ? [quantile(v, 0.025), quantile(v, 0.975)] : null);
  return Object.fromEntries(labels.map((l) => [l, { se: interval(draws[l].se), ppv: interval(draws[l].ppv) }]));
}

/** False positives (a non-normal class given wrongly) and false negatives (a non-normal reference beat given another class), the surest first. */
function worstOf(items: readonly Item[], labels: readonly string[]): WorstError[] {
  const normal = labels.includes('N') ? 'N' : labels[0];
  const errors: WorstError[] = [];
  for (const it of items) {
    if (!it.output || it.output.label === it.reference) continue;
    const predicted = it.output.label;
    // A normal label at no reference beat is the detector's extra beat, not a classification error (it still counts against N's +P).
    if (it.reference === null && predicted === normal) continue;
    errors.push({
      error: it.reference !== null && predicted === normal ? 'false negative' : 'false positive',
      record: it.record,
      ...(it.session !== undefined ? { session: it.session } : {}),
      ...(it.file !== undefined ? { file: it.file } : {}),
      t: Math.round(it.t * 1000) / 1000,
      sample: it.sample,
      reference: it.reference,
      predicted,
      confidence: Math.round(it.output.probs[labels.indexOf(predicted)] * 10000) / 10000,
    });
  }
  const ranked = (kind: WorstError['error']) =>
    errors
      .filter((e) => e.error === kind)
      .sort((a, b) => b.confidence - a.confidence || a.record.localeCompare(b.record) || a.sample - b.sample)
      .slice(0, WORST_COUNT);
  return [...ranked('false positive'), ...ranked('false negative')];
}

/** Scores the outputs of a classifier with output `labels` (AAMI class names) on its records. */
export function evaluateBeats(records: readonly RecordOutputs[], labels: readonly string[], options: EvaluateOptions = {}): Evaluation {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 1;
  const excluded: Evaluation['excluded'] = {};
  const all: Item[] = [];
  const perRecord: RecordScores[] = records.map((rec) => {
    const mine: RecordScores['excluded'] = {};
    const items = itemsOf(rec, labels, mine);
    all.push(...items);
    for (const [k, v] of Object.entries(mine) as [AamiClass | 'other', number][]) excluded[k] = (excluded[k] ?? 0) + v;
    return { record: rec.record, ...scoresOf(items, labels), excluded: mine };
  });
  const gross = scoresOf(all, labels);
  const ci = bootstrap(
    perRecord.map((r) => r.confusion),
    labels,
    resamples,
    seed,
  );
  const slices: SliceScores[] = [
    ...HR_BANDS.map(({ band, has }) => ({ slice: 'heart rate' as const, band, ...scoresOf(all.filter((it) => it.bpm !== null && has(it.bpm)), labels) })),
    ...SQI_BANDS.map(({ band, has }) => ({ slice: 'signal quality' as const, band, ...scoresOf(all.filter((it) => it.sqi !== null && has(it.sqi)), labels) })),
    { slice: 'context', band: 'after a gap', ...scoresOf(all.filter((it) => it.afterGap), labels) },
    { slice: 'context', band: 'near a prior ectopic', ...scoresOf(all.filter((it) => it.nearEctopic), labels) },
    { slice: 'context', band: 'in a labelled motion stretch', ...scoresOf(all.filter((it) => it.inMotion), labels) },
  ];
  const classes = Object.fromEntries(labels.map((l) => [l, { ...gross.classes[l], ci: ci[l] }]));
  return {
    tolerance_ms: TOLERANCE_SEC * 1000,
    classes,
    confusion: gross.confusion,
    bootstrap: { resamples, seed, by: 'record' },
    excluded,
    records: perRecord,
    slices,
    calibration: calibrationOf(all, labels),
    worst: worstOf(all, labels),
  };
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

function calibrationOf(items: readonly Item[], labels: readonly string[]): Calibration {
  const classes: Calibration['classes'] = {};
  labels.forEach((label, k) => {
    const bins = Array.from({ length: CALIBRATION_BINS }, () => ({ n: 0, p: 0, hits: 0 }));
    let n = 0;
    for (const it of items) {
      if (!it.output) continue;
      const p = it.output.probs[k];
      const bin = bins[Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(p * CALIBRATION_BINS)))];
      bin.n++;
      bin.p += p;
      if (it.reference === label) bin.hits++;
      n++;
    }
    const ece = n > 0 ? round4(bins.reduce((e, b) => e + (b.n > 0 ? (b.n / n) * Math.abs(b.p / b.n - b.hits / b.n) : 0), 0)) : null;
    classes[label] = {
      ece,
      n,
      bins: bins.map((b, i) => ({ from: i / CALIBRATION_BINS, to: (i + 1) / CALIBRATION_BINS, n: b.n, predicted: b.n ? round4(b.p / b.n) : null, observed: b.n ? round4(b.hits / b.n) : null })),
    };
  });
  return { bins: CALIBRATION_BINS, classes };
}
