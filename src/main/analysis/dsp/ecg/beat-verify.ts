/**
 * Offline verification of detected beats (after `refineBeats`), for the `analyze` path only: it
 * looks at the whole record, so it has no latency bound.
 *
 * Each beat gets two features, computed on zero-phase filtered copies of the signal:
 *  - morphology: the Pearson correlation of a +-80 ms window of the 0.5-40 Hz signal around the
 *    beat with a template, the sample-by-sample median of the same window over the 2 x 15 nearest
 *    detections (a running median beat, as in the QRS template matching of beat classifiers:
 *    Hamilton, "Open source ECG analysis", Computers in Cardiology 29:101-104, 2002 (OSEA); de
 *    Chazal et al., IEEE TBME 51(7):1196-1206, 2004 use the same window lengths);
 *  - QRS energy: the sum of squares of the 5-25 Hz band-passed signal over +-50 ms. The QRS's
 *    energy lies at ~5-25 Hz while P and T waves sit mostly below ~10 Hz (Thakor, Webster &
 *    Tompkins, "Estimation of QRS complex power spectra for design of a QRS filter", IEEE TBME
 *    31(11):702-706, 1984), so a P or T wave with a QRS-like slope still has less energy there.
 *
 * Pair rule: two detections closer than the T-wave window of Hamilton & Tompkins (1986), 360 ms,
 * are most often one QRS plus its own P or T wave (or one artefact). When one member is clearly
 * worse on BOTH features (lower energy, and a correlation with the template lower by more than
 * `corrMargin`), it is dropped. An isolated ectopic beat (no partner within 360 ms) is never
 * touched, and a premature beat with a different shape survives when it has the larger energy,
 * which ventricular beats (wide, large) almost always have. Nor is a member dropped that is one of
 * the record's own beat shapes: outside noisy stretches (the split rule's `noisyAbove`), it
 * matches a cluster of the record's beat library (beat-library.ts: the beats with no neighbour
 * within 360 ms, which cannot be a QRS's P or T wave) with r >= `libraryCorr` (0.9, the template
 * match of OSEA's beat classifier) and has at least `libraryEnergy` (1/4, i.e. half the
 * amplitude, as Pan & Tompkins' half-height rules) of that cluster's median QRS energy. A PVC 300-
 * 360 ms after a sinus beat, or a ventricular couplet, has a shape of its own that the template
 * (mostly sinus beats) does not match; its cluster does (MIT-BIH 203: 35 of 43 true beats the rule
 * dropped; in 108 the P waves it should drop have 5-10 % of a cluster's energy). The values are
 * not fitted. On DS1 they keep 28 true beats the rule dropped, and 15 false ones, all in 207's
 * ventricular flutter; the noise gate keeps 25 of the beats and none of those false ones.
 * A wide ventricular beat's own T wave, 200-300 ms after it, often matches the (mostly sinus)
 * template better than the beat does, so the later member of a pair is also dropped when its
 * largest slope (0.5-40 Hz signal, +-energySec) is under half the earlier member's and its QRS
 * energy is lower: Pan & Tompkins' T-wave test (IEEE TBME 32(3):230-236, 1985; their factor, not
 * fitted), where the noise index (below) is under `tWaveNoisyAbove`, since in heavy noise the
 * earlier member's slope may be the artefact's. On DS1 it drops 2 false beats (203) and no true one
 * (0.7 instead of half: 5). Its noise gate, 0.24 (twice `noisyAbove`), was chosen on DS1 among the
 * split rule's 0.12, 0.24 and none: 0.24 keeps 3 more true beats and drops 2 more false ones
 * (203's wide PVCs, whose own T waves follow them in mild noise, index 0.12-0.15) than 0.12, and
 * leaves the reconstructed NSTDB 118 at 6 dB as it was; without a gate, 118 at 6 dB loses 4 beats
 * and gains 5 false ones through the noisy re-detection.
 *
 * Search-back (clean stretches only): see `fillGaps`.
 *
 * Split rule (noisy stretches only): muscle or motion artefact between two beats is detected as
 * an extra beat that splits one RR interval into two whose sum is the local RR. Such a detection
 * is dropped when (a) the stretch is noisy: `noiseIndex` (5-25 Hz RMS outside the QRS complexes
 * over a 5 s window, relative to the median QRS peak in that band) exceeds `noisyAbove` = 0.12,
 * i.e. an in-band QRS-peak-to-noise-RMS ratio below ~18 dB. This is the idea of Hamilton's OSEA
 * noise check and of the signal quality indices of Li, Mark & Clifford, "Robust heart rate
 * estimation from multiple asynchronous noisy sources using signal quality indices and a Kalman
 * filter", Physiol Meas 29(1):15-32, 2008 (noise measured in 10 s windows; here 5 s); the NSTDB
 * also measures SNR as QRS amplitude over noise RMS (Moody, Muldrow & Mark, Computers in
 * Cardiology 11:381-384, 1984). (b) The RR intervals on both sides add up to 0.8-1.2 x the local
 * median RR (over the same 2 x 15 beats as the template): the +-20 % band of the usual RR
 * plausibility filter for sinus rhythm (Malik et al., Med Biol Eng Comput 31:539-544, 1993;
 * Task Force of the ESC/NASPE, Circulation 93:1043-1065, 1996). (c) It matches its template
 * worse than 0.9 (a supraventricular beat in an irregular rhythm, e.g. atrial fibrillation, keeps
 * the template's shape). Premature ventricular beats are protected by (a) and (b): with a
 * compensatory pause the two intervals add up to ~2 RR, and in clean signal nothing is flagged,
 * so an interpolated PVC there (sum ~1 RR) is kept.
 */
import { butterworth } from '../filters/butterworth';
import { gapsAsZero, sosfiltfilt } from '../filters/sos-filter';
import { beatLibrary, bestCluster, pearson, type BeatCluster } from './beat-library';

export interface BeatVerifyOptions {
  /** Pairs closer than this (s) are examined (Hamilton & Tompkins' T-wave window). */
  pairSec: number;
  /** Half-width of the morphology window (s). */
  templateSec: number;
  /** Half-width of the QRS energy window (s). */
  energySec: number;
  /** Detections on each side that form the running median template. */
  templateBeats: number;
  /** How much lower (absolute correlation) the dropped member's template match must be. */
  corrMargin: number;
  /** Relocation: only beats matching their template worse than this are examined. */
  relocateBelow: number;
  /** Relocation: the new place must match at least this well. */
  relocateAbove: number;
  /** Relocation search window after the beat (s): the PR interval. */
  prFromSec: number;
  prToSec: number;
  /** Noise index (see `noiseIndex`) above which a stretch counts as noisy. */
  noisyAbove: number;
  /** Split rule: the two RR intervals around a detection add up to this range x the local median RR. */
  splitSum: [number, number];
  /** Split rule: a detection matching its template at least this well is kept. */
  splitKeepCorr: number;
  /** Pair rule: a member matching a cluster of the record's beat library (beat-library.ts) at least this well... */
  libraryCorr: number;
  /** ...with at least this fraction of that cluster's median QRS energy is a beat of the record's own, and kept. */
  libraryEnergy: number;
  /** Pair rule: the later member whose largest slope is under this fraction of the earlier's is a T wave (Pan & Tompkins: half)... */
  tWaveSlope: number;
  /** ...where the noise index is under this. */
  tWaveNoisyAbove: number;
  /** Gap search: an RR interval over this many local median RRs is searched for a missed beat... */
  gapFactor: number;
  /** ...at least this far (s) from the beats around it (the detector's refractory period). */
  refractorySec: number;
}

export const DEFAULT_BEAT_VERIFY: BeatVerifyOptions = { pairSec: 0.36, templateSec: 0.08, energySec: 0.05, templateBeats: 15, corrMargin: 0.3, relocateBelow: 0.7, relocateAbove: 0.8, prFromSec: 0.1, prToSec: 0.3, noisyAbove: 0.12, splitSum: [0.8, 1.2], splitKeepCorr: 0.9, libraryCorr: 0.9, libraryEnergy: 0.25, tWaveSlope: 0.5, tWaveNoisyAbove: 0.24, gapFactor: 1.5, refractorySec: 0.2 };

export interface BeatFeatures {
  /** Correlation with the running median template (-1..1). */
  corr: number[];
  /** 5-25 Hz energy over +-energySec. */
  energy: number[];
  /** The running median template of each beat (window of +-templateSec). */
  templates: Float64Array[];
  /** Template correlation of the window centred at any sample with beat k's template. */
  corrAt: (sample: number, k: number) => number;
  /** 5-25 Hz energy around any sample. */
  energyAt: (sample: number) => number;
  /** The 5-25 Hz band-passed signal (zero phase). */
  qrsBand: Float64Array;
  /** The 0.5-40 Hz signal the morphology windows are cut from (zero phase). */
  morphologyBand: Float64Array;
  /** Each beat's morphology window (+-templateSec of the 0.5-40 Hz signal). */
  windows: Float64Array[];
  /** The morphology window centred at any sample. */
  windowAt: (sample: number) => Float64Array;
}

export function beatFeatures(signal: ArrayLike<number>, fs: number, beats: readonly number[], options: Partial<BeatVerifyOptions> = {}): BeatFeatures {
  const o = { ...DEFAULT_BEAT_VERIFY, ...options };
  const x = gapsAsZero(signal);
  const n = x.length;
  const y = sosfiltfilt(butterworth(2, [0.5, Math.min(40, fs * 0.45)], fs, 'bandpass'), x);
  const q = sosfiltfilt(butterworth(2, [5, Math.min(25, fs * 0.45)], fs, 'bandpass'), x);
  const at = (s: Float64Array, i: number) => s[i < 0 ? 0 : i >= n ? n - 1 : i];
  const w = Math.max(1, Math.round(o.templateSec * fs));
  const len = 2 * w + 1;
  const seg = (b: number) => {
    const s = new Float64Array(len);
    for (let i = -w; i <= w; i++) s[i + w] = at(y, b + i);
    return s;
  };
  const segs = beats.map(seg);
  const ew = Math.max(1, Math.round(o.energySec * fs));
  const energyAt = (b: number) => {
    let e = 0;
    for (let i = -ew; i <= ew; i++) e += at(q, b + i) ** 2;
    return e;
  };
  const energy = beats.map(energyAt);
  // The template changes slowly: compute it for every STRIDE-th beat (the median over the
  // 2 x templateBeats + 1 beats around it) and give each beat the nearest one.
  const STRIDE = 4;
  const anchors: Float64Array[] = [];
  for (let c = 0; c < beats.length; c += STRIDE) {
    const tpl = new Float64Array(len);
    const from = Math.max(0, c - o.templateBeats);
    const to = Math.min(beats.length - 1, c + o.templateBeats);
    // A typed array's own numeric sort: several times quicker than an array sorted with a comparator.
    const column = new Float64Array(to - from + 1);
    const m = column.length;
    for (let i = 0; i < len; i++) {
      for (let j = from; j <= to; j++) column[j - from] = segs[j][i];
      column.sort();
      tpl[i] = m & 1 ? column[m >> 1] : 0.5 * (column[(m >> 1) - 1] + column[m >> 1]);
    }
    anchors.push(tpl);
  }
  const templates = beats.map((_, k) => anchors[Math.min(anchors.length - 1, Math.round(k / STRIDE))]);
  const corr = beats.map((_, k) => pearson(segs[k], templates[k]));
  return { corr, energy, templates, corrAt: (b, k) => pearson(seg(b), templates[k]), energyAt, qrsBand: q, morphologyBand: y, windows: segs, windowAt: seg };
}

/** Drops the clearly worse member of implausibly close pairs of detections (see the file header). */
export function verifyBeats(signal: ArrayLike<number>, fs: number, beats: readonly number[], options: Partial<BeatVerifyOptions> = {}): number[] {
  const o = { ...DEFAULT_BEAT_VERIFY, ...options };
  if (beats.length < 3) return beats.slice();
  const { corr, energy, windows, qrsBand, morphologyBand } = beatFeatures(signal, fs, beats, o);
  const pair = Math.round(o.pairSec * fs);
  const library = beatLibrary(beats, pair, (k) => windows[k], energy);
  const noise = noiseIndex(qrsBand, fs, beats);
  const recurring = (k: number) => noise[k] < o.noisyAbove && matchesLibrary(library, windows[k], energy[k], o);
  const sw = Math.max(1, Math.round(o.energySec * fs));
  const slope = beats.map((b) => maxSlope(morphologyBand, b, sw));
  const keep = beats.map(() => true);
  let prev = 0;
  for (let k = 1; k < beats.length; k++) {
    if (beats[k] - beats[prev] >= pair) { prev = k; continue; }
    const worse = (a: number, b: number) => energy[a] < energy[b] && corr[a] < corr[b] - o.corrMargin && !recurring(a);
    // Pan & Tompkins' T-wave test, not in heavy noise (there the earlier member's slope may be the artefact's).
    const tWave = Math.max(noise[prev], noise[k]) < o.tWaveNoisyAbove && slope[k] < o.tWaveSlope * slope[prev] && energy[k] < energy[prev] && !recurring(k);
    if (worse(k, prev) || tWave) keep[k] = false;
    else if (worse(prev, k)) { keep[prev] = false; prev = k; }
    else prev = k;
  }
  const kept = beats.filter((_, k) => keep[k]);
  return fillGaps(signal, fs, dropSplits(signal, fs, relocate(signal, fs, kept, o), o), o);
}

/** The largest sample-to-sample change of `y` within +-w samples of `b`. */
function maxSlope(y: Float64Array, b: number, w: number): number {
  let m = 0;
  for (let i = Math.max(1, b - w); i <= Math.min(y.length - 1, b + w); i++) m = Math.max(m, Math.abs(y[i] - y[i - 1]));
  return m;
}

/** The median of the RR intervals rr[k - half] .. rr[k + half - 1]. */
export function localMedianRr(rr: readonly number[], k: number, half: number): number {
  const around = rr.slice(Math.max(0, k - half), Math.min(rr.length, k + half)).sort((a, b) => a - b);
  return around[around.length >> 1];
}

/** Whether a beat's window and QRS energy match a cluster of the library (see `BeatVerifyOptions.libraryCorr`). */
export function matchesLibrary(library: readonly BeatCluster[], window: Float64Array, energy: number, o: BeatVerifyOptions): boolean {
  const best = bestCluster(library, window);
  return best.corr >= o.libraryCorr && energy >= o.libraryEnergy * library[best.index].energy;
}

/**
 * Search-back over the whole record, outside noisy stretches (the noise index at both ends under
 * `noisyAbove`; in noise, a QRS-like energy peak is as likely artefact, and 207's flutter waves
 * form clusters of their own): an RR interval longer than `gapFactor` (1.5, halfway between
 * one interval and the two a missed beat leaves) times the local median RR is searched for the
 * window of largest QRS energy at least `refractorySec` from its ends. That window becomes a beat
 * when it is outside the first beat's pair window (`pairSec`: there it is that beat's own T wave;
 * after a wide PVC the T wave, 200-300 ms on, can carry more QRS energy than a missed beat, and
 * the T waves of PVCs the detector missed form a cluster of their own, so they would match;
 * MIT-BIH 203 lost 2 false beats and no true one) and matches a cluster of the record's beat
 * library (shape and energy as in the pair rule); the two intervals it leaves are searched in
 * turn. This is Pan & Tompkins' search-back (1.66 x the mean RR, a peak above half the
 * threshold) with the record's own beat shapes instead of a lower threshold: a wide ventricular or
 * aberrated beat the detector's thresholds missed (MIT-BIH 201, 203) matches its cluster, a T wave
 * or noise in a pause mostly does not.
 */
function fillGaps(signal: ArrayLike<number>, fs: number, beats: number[], o: BeatVerifyOptions): number[] {
  if (beats.length < 4) return beats;
  const f = beatFeatures(signal, fs, beats, o);
  const library = beatLibrary(beats, Math.round(o.pairSec * fs), (k) => f.windows[k], f.energy);
  if (!library.length) return beats;
  const refractory = Math.round(o.refractorySec * fs);
  const pair = Math.round(o.pairSec * fs);
  // The energy peak is where the QRS is; its window may sit a little off the library's alignment (the R wave).
  const slack = Math.round(0.5 * o.energySec * fs);
  const rr = beats.slice(1).map((b, j) => b - beats[j]);
  const found: number[] = [];
  const search = (a: number, z: number, limit: number): void => {
    if (z - a <= limit || z - a < 2 * refractory) return;
    let peak = -1;
    let peakEnergy = -1;
    for (let p = a + refractory; p <= z - refractory; p++) {
      const e = f.energyAt(p);
      if (e > peakEnergy) { peakEnergy = e; peak = p; }
    }
    let best = -1;
    let bestCorr = -2;
    let cluster = -1;
    for (let p = Math.max(a + refractory, peak - slack); p <= Math.min(z - refractory, peak + slack); p++) {
      const m = bestCluster(library, f.windowAt(p));
      if (m.corr > bestCorr) { bestCorr = m.corr; best = p; cluster = m.index; }
    }
    if (best < 0 || best < a + pair || bestCorr < o.libraryCorr || f.energyAt(best) < o.libraryEnergy * library[cluster].energy) return;
    found.push(best);
    search(a, best, limit);
    search(best, z, limit);
  };
  const ni = noiseIndex(f.qrsBand, fs, beats);
  for (let k = 0; k < rr.length; k++) if (Math.max(ni[k], ni[k + 1]) < o.noisyAbove) search(beats[k], beats[k + 1], o.gapFactor * localMedianRr(rr, k, o.templateBeats));
  return found.length ? [...beats, ...found].sort((u, v) => u - v) : beats;
}

/**
 * In noisy stretches, drops a detection that splits one RR interval into two: the intervals on
 * either side of it add up to the local median RR (see `BeatVerifyOptions.splitSum`).
 */
function dropSplits(signal: ArrayLike<number>, fs: number, beats: number[], o: BeatVerifyOptions): number[] {
  if (beats.length < 4) return beats;
  const f = beatFeatures(signal, fs, beats, o);
  const ni = noiseIndex(f.qrsBand, fs, beats);
  const rr = beats.slice(1).map((b, j) => b - beats[j]);
  const keep = beats.map(() => true);
  let prev = 0;
  for (let k = 1; k + 1 < beats.length; k++) {
    if (ni[k] < o.noisyAbove || f.corr[k] >= o.splitKeepCorr) { prev = k; continue; }
    const m = localMedianRr(rr, k, o.templateBeats);
    const sum = beats[k + 1] - beats[prev];
    if (sum >= o.splitSum[0] * m && sum <= o.splitSum[1] * m) keep[k] = false;
    else prev = k;
  }
  return beats.filter((_, k) => keep[k]);
}

/**
 * A P wave detected as a beat hides the QRS that follows it inside the detector's 200 ms
 * refractory period (one false positive plus one false negative). For a detection that does not
 * match its template, look 100-300 ms later (the PR interval: 120-200 ms, up to ~300 ms with
 * first-degree AV block) for a window that clearly does, with more QRS energy, and move the beat
 * there.
 */
function relocate(signal: ArrayLike<number>, fs: number, beats: number[], o: BeatVerifyOptions): number[] {
  if (beats.length < 3) return beats;
  const f = beatFeatures(signal, fs, beats, o);
  const out = beats.slice();
  const lo = Math.round(o.prFromSec * fs);
  const hi = Math.round(o.prToSec * fs);
  const gap = Math.round(o.pairSec * fs);
  for (let k = 0; k < beats.length; k++) {
    if (f.corr[k] >= o.relocateBelow) continue;
    const b = beats[k];
    const limit = k + 1 < beats.length ? Math.min(b + hi, beats[k + 1] - gap) : b + hi;
    let best = -1;
    let bestC = -2;
    for (let p = b + lo; p <= limit; p++) {
      const c = f.corrAt(p, k);
      if (c > bestC) { bestC = c; best = p; }
    }
    if (best >= 0 && bestC >= o.relocateAbove && bestC > f.corr[k] + o.corrMargin && f.energyAt(best) > f.energy[k]) out[k] = best;
  }
  return out;
}

/**
 * Local noise index of each beat: the RMS of the 5-25 Hz signal outside the QRS complexes
 * (samples farther than `qrsSec` from every detection) over +-`windowSec`, divided by the median
 * QRS peak (largest |5-25 Hz| within +-energySec of each detection) in the same window.
 */
export function noiseIndex(q: Float64Array, fs: number, beats: readonly number[], windowSec = 2.5, qrsSec = 0.1, peakSec = 0.05): number[] {
  const n = q.length;
  const ex = Math.round(qrsSec * fs);
  const mask = new Uint8Array(n).fill(1);
  for (const b of beats) for (let i = Math.max(0, b - ex); i <= Math.min(n - 1, b + ex); i++) mask[i] = 0;
  const cs = new Float64Array(n + 1);
  const cc = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    cs[i + 1] = cs[i] + (mask[i] ? q[i] * q[i] : 0);
    cc[i + 1] = cc[i] + mask[i];
  }
  const pw = Math.round(peakSec * fs);
  const peak = beats.map((b) => {
    let m = 0;
    for (let i = Math.max(0, b - pw); i <= Math.min(n - 1, b + pw); i++) m = Math.max(m, Math.abs(q[i]));
    return m;
  });
  const w = Math.round(windowSec * fs);
  const out: number[] = [];
  let lo = 0;
  let hi = 0;
  const tmp: number[] = [];
  for (let k = 0; k < beats.length; k++) {
    const a = Math.max(0, beats[k] - w);
    const z = Math.min(n, beats[k] + w);
    while (lo < beats.length && beats[lo] < a) lo++;
    while (hi < beats.length && beats[hi] < z) hi++;
    tmp.length = 0;
    for (let j = lo; j < hi; j++) tmp.push(peak[j]);
    tmp.sort((u, v) => u - v);
    const med = tmp.length ? tmp[tmp.length >> 1] : peak[k];
    const cnt = cc[z] - cc[a];
    const rms = cnt > 0 ? Math.sqrt((cs[z] - cs[a]) / cnt) : 0;
    out.push(med > 0 ? rms / med : 0);
  }
  return out;
}
