/**
 * ECG usability per stretch: are the detected beats the patient's QRS complexes, or what noise
 * made? Each `windowSec` (5 s) window is judged by its beats:
 *  - noise index: the median `noiseIndex` (beat-verify.ts: the RMS of the 5-25 Hz signal outside
 *    the detected QRS complexes over the QRS peaks there; Hamilton's OSEA noise check and the SNR
 *    measure of the NSTDB, Moody, Muldrow & Mark 1984). On its own it does not separate 0 dB
 *    electrode-motion noise (0.16-0.33) from clean paced or noisy-but-readable signal (paced
 *    records reach 0.2-0.39, Challenge 2015 v102s lead II sits at ~0.4), so it only gates;
 *  - dictionary mismatch: the share of beats whose +-80 ms 0.5-40 Hz window correlates below
 *    `matchBelow` with every beat of the record's dictionary (up to `dictionaryBeats` beats drawn
 *    from the `dictionaryQuantile` least noisy ones). Noise-made detections do not look like any of
 *    the patient's clean beats; a paced, bigeminal or bundle-branch beat finds its own shape there.
 *    (A running median template does not do this: in a long noisy stretch it is itself noise-made.)
 *  - irregular RR: the share of beats whose RR differs by more than 20 % from the median of the
 *    16 around it (the RR plausibility band of Malik et al. 1993).
 * A window is unusable when its noise index is at least `minNoise` and either most beats match no
 * dictionary beat, or the RR is mostly irregular while some beats match none (AF alone keeps its
 * shapes). Only a window with an unusable neighbour is flagged (one odd window is not a noisy
 * stretch). A window with no beat while its QRS band carries signal is unusable too.
 *
 * Pure noise (no ECG at all) makes its own dictionary, which every noise-made beat then matches,
 * so the dictionary is first checked for being a heart's beat shape at all (`isBeatShape`: its
 * beats recur, and they are as sharp as a QRS). A record whose dictionary is not has no heartbeat
 * in it, and every window with detections is unusable.
 *
 * Acted on: `analyzeEcg` withholds the beats of unusable windows (its `withheld`, apart from
 * `beats`), so under heavy noise it says "unusable" instead of reporting beats the noise made; a
 * true beat withheld counts as a missed one. At 0 dB electrode-motion noise, whose large blobs
 * match a wide QRS, it flags a quarter to a third of the time.
 *
 * Chosen on MIT-BIH DS1 and the paced records (not on the NSTDB reconstructions): DS1 flags only
 * ventricular flutter in 207 (its false beats), paced records, DS2 100/105, SVDB 800, NSTDB
 * 118e24/e12, Challenge v102s/a103l and the European ST-T excerpts flag nothing. The beat-shape
 * check's bounds sit between DS1 + paced and synthetic white, pink and brown noise and the NSTDB
 * electrode-motion noise alone (see `isBeatShape`), with wide margins on both sides; it changes no
 * flag on any real record here nor on the noise-stress set (bench/eval/noise-stress.ts).
 * On that set (bench/eval/usability-tuning.ts, leave-one-record-out, clean DS1 flagging no more):
 * weighing false beats four times a miss (F0.5) the decision defaults are the grid's optimum; with
 * F1 withholding almost nothing would score best, as the flagged stretches hold more true beats
 * than false ones.
 */
import { pearson } from './beat-library';
import { beatFeatures, noiseIndex } from './beat-verify';

export interface EcgUsabilityOptions {
  windowSec: number;
  /** Median noise index below which a window is usable whatever its beats look like. */
  minNoise: number;
  /** A beat matching no dictionary beat at least this well is a mismatch. */
  matchBelow: number;
  /** Share of mismatching beats that makes a (noisy) window unusable. */
  mismatchShare: number;
  /** Share of irregular RR that, with at least `irregularMismatchShare` mismatches, makes a (noisy) window unusable. */
  irregularShare: number;
  irregularMismatchShare: number;
  /** The dictionary: this quantile of the least noisy beats, at most this many. */
  dictionaryQuantile: number;
  dictionaryBeats: number;
  /** A dictionary beat recurs when at least this share of the other dictionary beats matches it (>= matchBelow). */
  recurShare: number;
  /** Below this share of recurring dictionary beats, or with its main deflections wider than this at half amplitude, the dictionary is no beat shape. */
  coherentShare: number;
  maxHalfWidthSec: number;
}

export const DEFAULT_ECG_USABILITY: EcgUsabilityOptions = { windowSec: 5, minNoise: 0.15, matchBelow: 0.8, mismatchShare: 0.6, irregularShare: 0.5, irregularMismatchShare: 0.1, dictionaryQuantile: 0.3, dictionaryBeats: 200, recurShare: 0.1, coherentShare: 0.5, maxHalfWidthSec: 0.08 };

export interface UsabilityWindow {
  /** [start, end) in samples. */
  start: number;
  end: number;
  /** Median noise index of the window's beats, or null when it has none. */
  noise: number | null;
  usable: boolean;
}

const RR_NEIGHBOURS = 8;
const RR_TOLERANCE = 0.2;

export function ecgUsability(signal: ArrayLike<number>, fs: number, beats: readonly number[], options: Partial<EcgUsabilityOptions> = {}): UsabilityWindow[] {
  return judgeUsability(usabilityFeatures(signal, fs, beats, options), options);
}

/** What the usability rule looks at, per beat and per window (computed once, judged by `judgeUsability`). */
export interface UsabilityFeatures {
  beats: readonly number[];
  /** Samples in the signal, and in one window. */
  length: number;
  windowLen: number;
  /** Per beat: noise index, best correlation with a dictionary beat (-1 with no dictionary), irregular RR. */
  noise: number[];
  bestMatch: number[];
  irregular: boolean[];
  /** Whether the record's dictionary is a heart's beat shape (`isBeatShape`, with the options' `matchBelow`). */
  beatShaped: boolean;
  /** Per window: its QRS band is flat (no signal at all). */
  flat: boolean[];
}

export function usabilityFeatures(signal: ArrayLike<number>, fs: number, beats: readonly number[], options: Partial<EcgUsabilityOptions> = {}): UsabilityFeatures {
  const o = { ...DEFAULT_ECG_USABILITY, ...options };
  const f = beatFeatures(signal, fs, beats);
  const q = f.qrsBand;
  const noise = noiseIndex(q, fs, beats);
  const seg = beatWindow(f.morphologyBand, fs);
  const dictionary = recordDictionary(beats, noise, o);
  const shapes = dictionary.map(seg);
  const bestMatch = beats.map((b) => {
    const s = seg(b);
    return shapes.reduce((best, d) => Math.max(best, pearson(s, d)), -1);
  });
  const windowLen = Math.max(1, Math.round(o.windowSec * fs));
  const flat: boolean[] = [];
  for (let start = 0; start < q.length; start += windowLen) flat.push(!carriesSignal(q, start, Math.min(q.length, start + windowLen)));
  return { beats, length: q.length, windowLen, noise, bestMatch, irregular: irregularRr(beats), beatShaped: isBeatShape(f.morphologyBand, fs, dictionary, shapes, o), flat };
}

/** The rule of the file header over computed features; `options` other than the features' own (window, dictionary) may differ. */
export function judgeUsability(f: UsabilityFeatures, options: Partial<EcgUsabilityOptions> = {}): UsabilityWindow[] {
  const o = { ...DEFAULT_ECG_USABILITY, ...options };
  const { beats, windowLen: len } = f;
  const out: UsabilityWindow[] = [];
  const noisy: boolean[] = [];
  let k = 0;
  for (let start = 0; start < f.length; start += len) {
    const end = Math.min(f.length, start + len);
    const own: number[] = [];
    let bad = 0;
    let odd = 0;
    for (; k < beats.length && beats[k] < end; k++) {
      own.push(f.noise[k]);
      if (f.bestMatch[k] < o.matchBelow) bad++;
      if (f.irregular[k]) odd++;
    }
    own.sort((a, b) => a - b);
    const noise = own.length ? own[own.length >> 1] : null;
    const n = own.length;
    noisy.push(noise !== null && noise >= o.minNoise && (bad >= o.mismatchShare * n || (odd >= o.irregularShare * n && bad >= o.irregularMismatchShare * n)));
    // No beat in a whole window: usable only when the QRS band is flat too (lost samples, a flat
    // lead). A shorter tail window is judged by its beats alone. No beat shape in the whole record
    // (pure noise): no detection there is a heartbeat.
    const usable = noise !== null ? f.beatShaped : end - start < len || f.flat[out.length];
    out.push({ start, end, noise, usable });
  }
  noisy.forEach((v, i) => {
    if (v && (noisy[i - 1] || noisy[i + 1])) out[i].usable = false;
  });
  return out;
}

/** The +-80 ms window of the 0.5-40 Hz signal around a beat, as the dictionary compares it. */
function beatWindow(y: Float64Array, fs: number): (b: number) => Float64Array {
  const w = Math.max(1, Math.round(0.08 * fs));
  return (b) => {
    const s = new Float64Array(2 * w + 1);
    for (let i = -w; i <= w; i++) s[i + w] = y[Math.min(y.length - 1, Math.max(0, b + i))];
    return s;
  };
}

/** The record's dictionary: up to `dictionaryBeats` beats drawn evenly from its `dictionaryQuantile` least noisy ones. */
function recordDictionary(beats: readonly number[], ni: number[], o: EcgUsabilityOptions): number[] {
  const cut = ni.slice().sort((a, b) => a - b)[Math.floor(o.dictionaryQuantile * ni.length)] ?? 0;
  const quiet = beats.filter((_, k) => ni[k] <= cut);
  const step = Math.max(1, Math.ceil(quiet.length / o.dictionaryBeats));
  return quiet.filter((_, k) => k % step === 0);
}

/**
 * Whether the dictionary is a heart's beat shape at all, not what noise alone made:
 *  - its beats recur: most are matched by at least `recurShare` of the others. A heart's quiet
 *    beats come in one or a few shapes (DS1 and the paced records: 92-100 % recur, a bigeminy's
 *    ectopic shape as well as its normal one); white, pink and brown noise: 0, 9 and 32 %;
 *  - they are as sharp as a QRS: the median half-amplitude width of their main deflection is at
 *    most `maxHalfWidthSec`. A QRS lasts 80-120 ms, up to ~160 ms when ventricular, so its main
 *    deflection is narrower than 80 ms at half its amplitude (DS1 and paced medians: 22-58 ms);
 *    the NSTDB's electrode-motion noise, periodic enough to recur (95 %), is 100-110 ms wide.
 */
function isBeatShape(y: Float64Array, fs: number, dictionary: number[], shapes: Float64Array[], o: EcgUsabilityOptions): boolean {
  const n = shapes.length;
  if (n < 2) return true;
  const recurring = shapes.filter((d, i) => shapes.filter((e, j) => j !== i && pearson(d, e) >= o.matchBelow).length >= o.recurShare * (n - 1)).length;
  const widths = dictionary.map((b) => halfAmplitudeWidth(y, fs, b)).sort((p, q) => p - q);
  return recurring >= o.coherentShare * n && widths[n >> 1] <= o.maxHalfWidthSec;
}

/**
 * Seconds that the largest deflection within +-50 ms of a beat stays above half its amplitude,
 * measured from the level 200-100 ms before the beat (before the QRS, at the PR segment).
 */
function halfAmplitudeWidth(y: Float64Array, fs: number, b: number): number {
  const at = (i: number) => y[Math.min(y.length - 1, Math.max(0, i))];
  const b0 = Math.round(0.2 * fs);
  const b1 = Math.max(1, Math.round(0.1 * fs));
  let base = 0;
  for (let i = b - b0; i < b - b1; i++) base += at(i);
  base /= Math.max(1, b0 - b1);
  const hw = Math.round(0.05 * fs);
  let peak = b;
  for (let i = b - hw; i <= b + hw; i++) if (Math.abs(at(i) - base) > Math.abs(at(peak) - base)) peak = i;
  const half = (at(peak) - base) / 2;
  const above = (i: number) => (half >= 0 ? at(i) - base >= half : at(i) - base <= half);
  let l = peak;
  let r = peak;
  while (l > b - fs && above(l - 1)) l--;
  while (r < b + fs && above(r + 1)) r++;
  return (r - l + 1) / fs;
}

/** Per beat: its RR interval differs by more than RR_TOLERANCE from the median of the 2 x RR_NEIGHBOURS around it. */
function irregularRr(beats: readonly number[]): boolean[] {
  const rr = beats.map((b, k) => (k ? b - beats[k - 1] : NaN));
  return beats.map((_, k) => {
    if (k === 0) return false;
    const around = rr.slice(Math.max(1, k - RR_NEIGHBOURS), k + RR_NEIGHBOURS + 1).sort((a, b) => a - b);
    const m = around[around.length >> 1];
    return Math.abs(rr[k] - m) > RR_TOLERANCE * m;
  });
}

/** Whether the QRS band has any energy in [start, end) (a flat line or a gap has none). */
function carriesSignal(q: Float64Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (Math.abs(q[i]) > 1e-6) return true;
  return false;
}
