/**
 * Offline re-detection of beats in noisy stretches (after `verifyBeats`, `analyze` path only).
 *
 * Which beats are in doubt: a beat whose noise index (beat-verify.ts `noiseIndex`) is above
 * `noisyAbove` and one of whose RR intervals lies outside 0.8-1.2 x the median of the 2 x 15
 * around it (the 20 % RR plausibility band of Malik et al., Med Biol Eng Comput 31:539-544, 1993:
 * the false and missed beats noise causes break it), and every beat within `spreadSec` of such a
 * one. A run of doubtful beats at least `minRunSec` long (the 10 s signal-quality window of Li,
 * Mark & Clifford, Physiol Meas 29(1):15-32, 2008) is re-detected between the clean beats that
 * bound it (its anchors):
 *  - matched filter: the patient's beat templates, sample-by-sample medians of the +-templateSec
 *    windows of the `templateBeats` clean beats nearest the run, slid along it. The score at a
 *    sample is the similarity 2<x, T> / (|x|^2 + |T|^2) of the mean-removed window x with the
 *    mean-removed template T, 1 only for the template itself and lowered by another shape as by
 *    another size, averaged over two bands: 0.5-40 Hz (the whole QRS) and 5-25 Hz (where QRS energy
 *    lies and electrode motion, mostly slower, has less: Thakor, Webster & Tompkins, IEEE TBME
 *    31(11):702-706, 1984). The matched filter is the optimal linear detector of a known shape in
 *    noise; QRS template matching as in Hamilton's OSEA (Computers in Cardiology 29:101-104, 2002).
 *    With ectopy there are two shapes: the clean beats matching the dominant template worse than
 *    `otherShapeBelow` make a second template when they are at least `otherShapeShare` of them,
 *    and the score is the better of the two;
 *  - candidates: the score's local maxima (at least half a refractory period apart) and the
 *    detector's own beats in the run, each scored by the better of the templates' score and its
 *    best match with any one of the clean beats near the run (a beat of a third shape finds its
 *    like there, as in ecg-usability.ts's dictionary);
 *  - choice by dynamic programming (a Viterbi path over the candidates, from anchor to anchor): the
 *    path maximises the sum over its beats of (score - `beatGain`) minus `rrWeight` x |ln(RR / R)|
 *    per interval, R the median RR of the clean beats near the run: heart-rate continuity, the
 *    prior of HMM-style detectors, used only where signal quality says the detector is in doubt
 *    (the SQI gating of Li, Mark & Clifford). |ln(RR / R)| costs a halved interval (a false beat)
 *    as much as a doubled one (a missed beat).
 * A run whose own detected beats already score at least `keepMatchingAbove` (median) is left as
 * detected: its beats are the patient's and its irregular RR is the rhythm's (atrial fibrillation
 * with multiform ventricular beats in MIT-BIH 203), which the RR prior would cut. The beats the
 * detector missed there join them when they match as well (score >= `keepMatchingAbove`): lead V
 * of the Challenge 2015 record a103l has a noisy 14 s at half its rate otherwise.
 * A run at or near lost samples (`MIN_GAP_SEC` or more of NaN) is left as detected.
 * Every other beat, the anchors included, is kept as it was.
 *
 * What tuned what: `beatGain` and `rrWeight` were chosen on the noise-stress tuning set (DS1
 * records plus NSTDB electrode-motion noise, bench/eval/noise-stress.ts) over beatGain 0.4-0.6 x
 * rrWeight 0.25-1. Leave-one-record-out, every fold chose 0.6 / 0.5 (held-out F1 92.1 at 6 dB,
 * 87.2 at 0 dB); 0.5 / 0.5 is shipped (in-sample 92.0 / 86.8) because 0.6 drops clean DS1's gross
 * Se below its floor (99.59 %, more of 203's ventricular beats lost). The averaging of two bands and
 * the second template were kept because they raised F1 there. The RR-irregularity condition, the
 * detector's beats as candidates and `minRunSec` were added because, without them, clean MIT-BIH
 * DS1 records lost beats (108: a P-wave train in place of the QRS; 203, 205: ventricular runs cut
 * by the RR prior). The rest is not fitted: the gate and the template window are beat-verify's,
 * `spreadSec` is the noise index's own half-window, the refractory period is Pan & Tompkins'.
 * `keepMatchingAbove` was chosen from off / 0.97 / 0.95 / 0.93 on DS1 + paced + the noise-stress
 * set together, leaving out one record (with its noisy versions) at a time: 0.97 in 24 of 26 folds,
 * 0.95 in two, off when 203 is left out, since only 203 (clean and noisy) gains: DS1 203 FN 62 -> 53,
 * FP 39 -> 28; noise-stress F1 88.81 -> 88.85.
 * Limits: electrode motion carries QRS-like bursts of its own; where they come at the patient's
 * rate (MIT-BIH 101 with NSTDB's em) the path can follow them for a while. A ventricular run inside
 * a noisy stretch whose beats do not all match still pays the RR prior (203 loses some beats there).
 */
import { findPeaks } from '../peaks';
import { beatFeatures, DEFAULT_BEAT_VERIFY, noiseIndex } from './beat-verify';
import { pearson } from './beat-library';
import { DEFAULT_QRS } from './qrs-detector';

export interface NoisyRedetectOptions {
  /** Noise index above which a beat with an implausible RR is in doubt (beat-verify's noisy gate). */
  noisyAbove: number;
  /** RR intervals outside 1 -+ this x the local median RR are implausible. */
  rrBand: number;
  /** A beat within this many seconds of a doubtful one is in doubt too (the noise index's half-window). */
  spreadSec: number;
  /** Shortest run of doubtful beats that is re-detected (s). */
  minRunSec: number;
  /** Half-width of the template window (s). */
  templateSec: number;
  /** Clean beats nearest the run that form its templates, its dictionary and its RR. */
  templateBeats: number;
  /** Clean beats matching the dominant template worse than this form the second template... */
  otherShapeBelow: number;
  /** ...when they are at least this share of the clean beats near the run. */
  otherShapeShare: number;
  /** Shortest RR (s): the QRS refractory period. */
  refractorySec: number;
  /** Score a candidate must exceed to be worth a beat on its own. */
  beatGain: number;
  /** Weight of |ln(RR / R)| per interval against the scores. */
  rrWeight: number;
  /** A run whose detected beats score at least this (median) keeps them, and gains candidates scoring as much. */
  keepMatchingAbove: number;
}

export const DEFAULT_NOISY_REDETECT: NoisyRedetectOptions = {
  noisyAbove: DEFAULT_BEAT_VERIFY.noisyAbove,
  rrBand: 0.2,
  spreadSec: 2.5,
  minRunSec: 10,
  templateSec: DEFAULT_BEAT_VERIFY.templateSec,
  templateBeats: 30,
  otherShapeBelow: 0.7,
  otherShapeShare: 0.1,
  refractorySec: DEFAULT_QRS.refractorySec,
  beatGain: 0.5,
  rrWeight: 0.5,
  keepMatchingAbove: 0.97,
};

/** Runs of doubtful beats as [first, last] beat indices. */
function runsOf(flag: boolean[]): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < flag.length; k++) {
    if (!flag[k]) continue;
    let j = k;
    while (j + 1 < flag.length && flag[j + 1]) j++;
    out.push([k, j]);
    k = j;
  }
  return out;
}

/** Whether each beat is in doubt (see the file header). */
function doubtful(beats: readonly number[], ni: number[], fs: number, o: NoisyRedetectOptions): boolean[] {
  const rr = beats.map((b, k) => (k > 0 ? b - beats[k - 1] : NaN));
  const around = DEFAULT_BEAT_VERIFY.templateBeats;
  const implausible = (k: number, m: number) => k > 0 && k < beats.length && (rr[k] < (1 - o.rrBand) * m || rr[k] > (1 + o.rrBand) * m);
  const hot = beats.filter((_, k) => {
    if (ni[k] <= o.noisyAbove) return false;
    const m = median(rr.slice(Math.max(1, k - around), Math.min(beats.length, k + around + 1)));
    return implausible(k, m) || implausible(k + 1, m);
  });
  const spread = Math.round(o.spreadSec * fs);
  let h = 0;
  return beats.map((b) => {
    while (h < hot.length && hot[h] < b - spread) h++;
    return h < hot.length && hot[h] <= b + spread;
  });
}

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  const m = s.length;
  return m & 1 ? s[m >> 1] : 0.5 * (s[(m >> 1) - 1] + s[m >> 1]);
}

/** The +-w window of `y` around sample b (clamped at the ends), its mean removed. */
function centredWindow(y: Float64Array, b: number, w: number): Float64Array {
  const s = new Float64Array(2 * w + 1);
  for (let i = -w; i <= w; i++) s[i + w] = y[Math.min(y.length - 1, Math.max(0, b + i))];
  const mean = s.reduce((a, v) => a + v, 0) / s.length;
  return s.map((v) => v - mean);
}

/** The sample-by-sample median of the windows of `beats` in `y`, its mean removed. */
function medianTemplate(y: Float64Array, beats: number[], w: number): Float64Array {
  const windows = beats.map((b) => centredWindow(y, b, w));
  const tpl = new Float64Array(2 * w + 1).map((_, i) => median(windows.map((s) => s[i])));
  const mean = tpl.reduce((a, v) => a + v, 0) / tpl.length;
  return tpl.map((v) => v - mean);
}

/** Similarity (see the file header) of the window of `y` centred at sample c with the zero-mean template `t`. */
function similarityAt(y: Float64Array, t: Float64Array, c: number): number {
  const w = (t.length - 1) >> 1;
  let sx = 0;
  let sxx = 0;
  let sxt = 0;
  let tt = 0;
  for (let i = 0; i < t.length; i++) {
    const j = c - w + i;
    const v = y[j < 0 ? 0 : j >= y.length ? y.length - 1 : j];
    sx += v;
    sxx += v * v;
    sxt += v * t[i];
    tt += t[i] * t[i];
  }
  // t has zero mean, so <x - mean(x), t> = <x, t>.
  return (2 * sxt) / (sxx - (sx * sx) / t.length + tt || 1);
}

/**
 * The best path (see the file header) through the candidates at `times` (sorted samples) with
 * `scores`, from the anchor `start` to the anchor `end` (null: a free end at the record's edge).
 * `rr`: the expected RR, `minRr`: the shortest one (samples). Returns the chosen times.
 */
export function chooseBeats(times: readonly number[], scores: readonly number[], start: number | null, end: number | null, rr: number, minRr: number, o: Pick<NoisyRedetectOptions, 'beatGain' | 'rrWeight'>): number[] {
  const n = times.length;
  const best = new Float64Array(n);
  const from = new Int32Array(n).fill(-1);
  // Three expected RRs back: a path that must skip more has lost the rhythm anyway.
  const lookback = 3 * rr;
  const step = (a: number, b: number) => -o.rrWeight * Math.abs(Math.log((b - a) / rr));
  for (let j = 0; j < n; j++) {
    const gain = scores[j] - o.beatGain;
    best[j] = start === null ? gain : times[j] - start >= minRr ? gain + step(start, times[j]) : -Infinity;
    for (let i = j - 1; i >= 0 && times[j] - times[i] <= lookback; i--) {
      if (times[j] - times[i] < minRr) continue;
      const v = best[i] + gain + step(times[i], times[j]);
      if (v > best[j]) { best[j] = v; from[j] = i; }
    }
  }
  // No beat at all between the anchors is a path too.
  let total = start === null || end === null ? 0 : step(start, end);
  let last = -1;
  for (let j = 0; j < n; j++) {
    if (end !== null && end - times[j] < minRr) continue;
    const v = best[j] + (end === null ? 0 : step(times[j], end));
    if (v > total) { total = v; last = j; }
  }
  const path: number[] = [];
  for (let j = last; j >= 0; j = from[j]) path.push(times[j]);
  return path.reverse();
}

/** `beats` with those of noisy stretches re-detected (see the file header). */
export function redetectNoisy(signal: ArrayLike<number>, fs: number, beats: readonly number[], options: Partial<NoisyRedetectOptions> = {}): number[] {
  const o = { ...DEFAULT_NOISY_REDETECT, ...options };
  if (beats.length < 4) return beats.slice();
  const f = beatFeatures(signal, fs, beats, { templateSec: o.templateSec });
  const inDoubt = doubtful(beats, noiseIndex(f.qrsBand, fs, beats), fs, o);
  const clean = beats.map((_, k) => k).filter((k) => !inDoubt[k]);
  if (clean.length < 3) return beats.slice();
  const bands = [f.morphologyBand, f.qrsBand];
  const w = Math.max(1, Math.round(o.templateSec * fs));
  const minRr = Math.round(o.refractorySec * fs);
  const out: number[] = [];
  let next = 0;
  for (const [first, last] of runsOf(inDoubt)) {
    if (beats[last] - beats[first] < o.minRunSec * fs) continue;
    // Lost samples make RR look implausible by themselves: such a run (or one within the
    // doubt's spread of a gap) is a gap, not noise, and is left as detected.
    const margin = Math.round(o.spreadSec * fs);
    if (holdsGap(signal, Math.max(0, (first > 0 ? beats[first - 1] : 0) - margin), Math.min(signal.length, (last + 1 < beats.length ? beats[last + 1] : signal.length) + margin), Math.round(MIN_GAP_SEC * fs))) continue;
    const near = clean
      .map((k) => ({ k, d: k < first ? first - k : k - last }))
      .sort((a, b) => a.d - b.d)
      .slice(0, o.templateBeats)
      .map((e) => e.k)
      .sort((a, b) => a - b);
    const rr = median(near.filter((k) => k > 0 && !inDoubt[k - 1]).map((k) => beats[k] - beats[k - 1]));
    if (!(rr > minRr)) continue;
    const start = first > 0 ? beats[first - 1] : null;
    const end = last + 1 < beats.length ? beats[last + 1] : null;
    const a = start ?? 0;
    const z = end ?? signal.length;
    const main = medianTemplate(f.morphologyBand, near.map((k) => beats[k]), w);
    const other = near.filter((k) => pearson(centredWindow(f.morphologyBand, beats[k], w), main) < o.otherShapeBelow);
    const shapes = [near, ...(other.length >= Math.max(3, o.otherShapeShare * near.length) ? [other] : [])];
    const templates = bands.map((y) => shapes.map((ks) => medianTemplate(y, ks.map((k) => beats[k]), w)));
    const dictionary = bands.map((y) => near.map((k) => centredWindow(y, beats[k], w)));
    // Per band the better template, then the mean of the bands.
    const score = new Float64Array(z - a);
    for (let i = 0; i < score.length; i++) score[i] = templates.reduce((sum, ts, bi) => sum + Math.max(...ts.map((t) => similarityAt(bands[bi], t, a + i))), 0) / bands.length;
    const matchAt = (t: number) => Math.max(...near.map((_, j) => dictionary.reduce((sum, d, bi) => sum + similarityAt(bands[bi], d[j], t), 0) / bands.length));
    const peaks = findPeaks(score, { height: Number.MIN_VALUE, distance: minRr >> 1 }).map((i) => a + i);
    const cands = [...new Set([...peaks, ...beats.slice(first, last + 1)])]
      .sort((p, q) => p - q)
      .filter((t) => (start === null || t - start >= minRr) && (end === null || end - t >= minRr));
    const scores = cands.map((t) => Math.max(score[t - a], matchAt(t)));
    // The detector's beats already look like the clean ones: the irregular RR is the rhythm's, so
    // they stay, and only what looks as much like them joins them (the beats the detector missed).
    const matching = median(beats.slice(first, last + 1).map((t) => scores[cands.indexOf(t)] ?? matchAt(t))) >= o.keepMatchingAbove;
    const chosen = matching ? addLookalikes(beats.slice(first, last + 1), cands, scores, [start, end], minRr, o.keepMatchingAbove) : chooseBeats(cands, scores, start, end, rr, minRr, o);
    if (matching && chosen.length === last + 1 - first) continue;
    while (next < first) out.push(beats[next++]);
    out.push(...chosen);
    next = last + 1;
  }
  while (next < beats.length) out.push(beats[next++]);
  return out;
}

/**
 * `kept` (sorted) joined by the candidates scoring at least `above`, best first, each at least
 * `minRr` from every beat already there and from the anchors `bounds` (null: none).
 */
function addLookalikes(kept: number[], cands: readonly number[], scores: readonly number[], bounds: (number | null)[], minRr: number, above: number): number[] {
  const taken = [...kept, ...bounds.filter((b): b is number => b !== null)];
  const out = kept.slice();
  const order = cands.map((_, i) => i).filter((i) => scores[i] >= above).sort((i, j) => scores[j] - scores[i]);
  for (const i of order) {
    if (taken.some((t) => Math.abs(t - cands[i]) < minRr)) continue;
    taken.push(cands[i]);
    out.push(cands[i]);
  }
  return out.sort((x, y) => x - y);
}

/**
 * Lost samples as short as this can hide an R peak (half a 20 ms packet of a board sending 50 a
 * second). A single invalid sample, as WFDB records of bedside monitors hold here and there (the
 * Challenge 2015 records), cannot, and must not keep a noisy run from re-detection.
 */
const MIN_GAP_SEC = 0.01;

/** Whether [from, to) of `x` holds a run of at least `minRun` lost (NaN) samples. */
function holdsGap(x: ArrayLike<number>, from: number, to: number, minRun: number): boolean {
  const need = Math.max(1, minRun);
  let run = 0;
  for (let i = from; i < to; i++) {
    run = x[i] !== x[i] ? run + 1 : 0;
    if (run >= need) return true;
  }
  return false;
}
