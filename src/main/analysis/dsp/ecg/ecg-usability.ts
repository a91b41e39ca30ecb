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
 * Acted on: `analyzeEcg` withholds the beats of unusable windows (its `withheld`, apart from
 * `beats`), so under heavy noise it says "unusable" instead of reporting beats the noise made; a
 * true beat withheld counts as a missed one. On pure noise the dictionary is made of noise, so
 * noise alone is not flagged. At 0 dB electrode-motion noise, whose large blobs match a wide QRS,
 * it flags a quarter of the time at most.
 *
 * Chosen on MIT-BIH DS1 and the paced records (not on the NSTDB reconstructions): DS1 flags only
 * ventricular flutter in 207 (its false beats), paced records, DS2 100/105, SVDB 800, NSTDB
 * 118e24/e12 and Challenge v102s/a103l flag nothing.
 */
import { beatFeatures, noiseIndex, pearson } from './beat-verify';

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
}

export const DEFAULT_ECG_USABILITY: EcgUsabilityOptions = { windowSec: 5, minNoise: 0.15, matchBelow: 0.8, mismatchShare: 0.6, irregularShare: 0.5, irregularMismatchShare: 0.1, dictionaryQuantile: 0.3, dictionaryBeats: 200 };

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
  const o = { ...DEFAULT_ECG_USABILITY, ...options };
  const f = beatFeatures(signal, fs, beats);
  const q = f.qrsBand;
  const ni = noiseIndex(q, fs, beats);
  const mismatch = dictionaryMismatch(f.morphologyBand, fs, beats, ni, o);
  const irregular = irregularRr(beats);
  const len = Math.max(1, Math.round(o.windowSec * fs));
  const out: UsabilityWindow[] = [];
  const noisy: boolean[] = [];
  let k = 0;
  for (let start = 0; start < q.length; start += len) {
    const end = Math.min(q.length, start + len);
    const own: number[] = [];
    let bad = 0;
    let odd = 0;
    for (; k < beats.length && beats[k] < end; k++) {
      own.push(ni[k]);
      if (mismatch[k]) bad++;
      if (irregular[k]) odd++;
    }
    own.sort((a, b) => a - b);
    const noise = own.length ? own[own.length >> 1] : null;
    const n = own.length;
    noisy.push(noise !== null && noise >= o.minNoise && (bad >= o.mismatchShare * n || (odd >= o.irregularShare * n && bad >= o.irregularMismatchShare * n)));
    // No beat in a whole window: usable only when the QRS band is flat too (lost samples, a flat
    // lead). A shorter tail window is judged by its beats alone.
    const usable = noise !== null || end - start < len || !carriesSignal(q, start, end);
    out.push({ start, end, noise, usable });
  }
  noisy.forEach((v, i) => {
    if (v && (noisy[i - 1] || noisy[i + 1])) out[i].usable = false;
  });
  return out;
}

/** Per beat: its window matches no beat of the record's dictionary of least noisy beats (see the file header). */
function dictionaryMismatch(y: Float64Array, fs: number, beats: readonly number[], ni: number[], o: EcgUsabilityOptions): boolean[] {
  const w = Math.max(1, Math.round(0.08 * fs));
  const seg = (b: number) => {
    const s = new Float64Array(2 * w + 1);
    for (let i = -w; i <= w; i++) s[i + w] = y[Math.min(y.length - 1, Math.max(0, b + i))];
    return s;
  };
  const cut = ni.slice().sort((a, b) => a - b)[Math.floor(o.dictionaryQuantile * ni.length)] ?? 0;
  const quiet = beats.filter((_, k) => ni[k] <= cut);
  const step = Math.max(1, Math.ceil(quiet.length / o.dictionaryBeats));
  const dictionary = quiet.filter((_, k) => k % step === 0).map(seg);
  return beats.map((b) => {
    const s = seg(b);
    return !dictionary.some((d) => pearson(s, d) >= o.matchBelow);
  });
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
