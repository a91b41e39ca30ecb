/**
 * Second-lead support for the offline analysis of a two-lead record (MIT-BIH: MLII plus V1, V2,
 * V4 or V5): the beats found on the other lead fill the primary lead's RR gaps, where its signal
 * dropped out (MIT-BIH 116: seconds of flat MLII) or a beat was too small in it to detect. Both
 * leads run the same offline detector (detector, refinement, beat-verify.ts); then, for every
 * primary RR interval over `gapFactor` (1.15) times the local median RR, the other lead's beats
 * inside it that leave both of its parts at least `minSplit` (0.4) of that median (and the
 * refractory period) are added when
 *  - the other lead is reliable there: its beats agree with the primary's over `agreeSec` (10 s)
 *    on either side of the gap, outside it, with the beat-agreement index bSQI = matched /
 *    (n1 + n2 - matched) at least `minAgreement` (0.8). bSQI is the agreement measure of Li, Mark
 *    & Clifford, "Robust heart rate estimation from multiple asynchronous noisy sources using
 *    signal quality indices and a Kalman filter", Physiol Meas 29(1):15-32, 2008 (10 s windows,
 *    +-150 ms matching as in EC57);
 *  - the beat is one of that lead's own shapes: it matches a cluster of the lead's beat library
 *    (beat-library.ts) as the pair rule asks (r >= 0.9, a quarter of the cluster's energy).
 * The primary lead's beats are never removed or moved. A gap need not be 1.5 median RRs (the
 * search-back's rule, for one lead alone): in atrial fibrillation and around premature beats a
 * missed beat often leaves an interval of only 1.2-1.4 medians (MIT-BIH 201's aberrated APCs, 203),
 * and the other lead's agreement is the evidence the single lead lacks; `minSplit` keeps out what
 * no conducted beat does, a beat within 40 % of a median RR of its neighbour (a T or P wave
 * detected on the other lead).
 * Chosen on MIT-BIH DS1 + paced only (the fewest missed plus false beats; DS2 100 and 105 were
 * not looked at). `minAgreement` among 0.6, 0.8 and 0.9: 0.8 adds 41 beats and 9 false ones on
 * DS1 (0.9: 35 and 6; 0.6: 50 and 35); leave-one-record-out over DS1 picks 0.8 in 21 of 22 folds.
 * Then `gapFactor` (1.5, 1.35, 1.25, 1.15, 1.0) x `minSplit` (0, 0.3, 0.4, 0.5) x `minAgreement`
 * (0.8, 0.9): 1.15 / 0.4 / 0.8 finds 15 more beats on DS1 than 1.5 / none / 0.8 with 1 more false
 * beat (96 -> 81 missed, 197 -> 198 false). Leave-one-record-out over DS1 + paced picks it in 25
 * of 26 folds (1.35 / 0.4 when 203 is left out) and finds 7 more beats on the left-out records
 * with as many false ones (missed 98 -> 91, false 199 -> 199); `npm run eval` repeats that
 * leave-one-record-out (bench/eval/second-lead-loro.ts; `secondLeadBeats` is the costly half, once per lead).
 */
import { pairBeats } from '../../evaluation/beat-matching';
import { beatLibrary } from './beat-library';
import { beatFeatures, DEFAULT_BEAT_VERIFY, localMedianRr, matchesLibrary, type BeatVerifyOptions } from './beat-verify';

export interface SecondLeadOptions {
  /** Beats on either side of the gap over which the leads' agreement is measured (s). */
  agreeSec: number;
  /** bSQI (see the file header) the other lead must reach around a gap. */
  minAgreement: number;
  /** A primary RR interval over this times the local median RR is a gap the other lead may fill. */
  gapFactor: number;
  /** An added beat leaves both parts of the gap at least this fraction of the local median RR. */
  minSplit: number;
  /** Beats of the two leads within this (s) are the same beat (EC57's 150 ms). */
  toleranceSec: number;
}

export const DEFAULT_SECOND_LEAD: SecondLeadOptions = { agreeSec: 10, minAgreement: 0.8, gapFactor: 1.15, minSplit: 0.4, toleranceSec: 0.15 };

/** The other lead's beats, each marked when it is one of that lead's own shapes (its beat library, as the pair rule asks). */
export interface SecondLeadBeats {
  beats: readonly number[];
  ownShape: readonly boolean[];
}

/** The costly half, once per lead: the other lead's beat features and library. */
export function secondLeadBeats(secondary: readonly number[], secondarySignal: ArrayLike<number>, fs: number, verify: Partial<BeatVerifyOptions> = {}): SecondLeadBeats {
  const v = { ...DEFAULT_BEAT_VERIFY, ...verify };
  if (secondary.length < 4) return { beats: secondary, ownShape: secondary.map(() => false) };
  const f = beatFeatures(secondarySignal, fs, secondary, v);
  const library = beatLibrary(secondary, Math.round(v.pairSec * fs), (k) => f.windows[k], f.energy);
  return { beats: secondary, ownShape: secondary.map((_, j) => matchesLibrary(library, f.windows[j], f.energy[j], v)) };
}

/** The primary lead's beats plus the other lead's beats that fill its gaps (see the file header). */
export function fillFromSecondLead(primary: readonly number[], lead: SecondLeadBeats, fs: number, options: Partial<SecondLeadOptions> = {}, verify: Partial<BeatVerifyOptions> = {}): number[] {
  const o = { ...DEFAULT_SECOND_LEAD, ...options };
  const v = { ...DEFAULT_BEAT_VERIFY, ...verify };
  const secondary = lead.beats;
  if (primary.length < 4 || secondary.length < 4) return primary.slice();
  const tol = Math.round(o.toleranceSec * fs);
  const refractory = Math.round(v.refractorySec * fs);
  const span = Math.round(o.agreeSec * fs);
  const within = (beats: readonly number[], from: number, to: number) => beats.filter((b) => b >= from && b < to);
  const rr = primary.slice(1).map((b, j) => b - primary[j]);
  const added: number[] = [];
  for (let k = 0; k < rr.length; k++) {
    const a = primary[k];
    const z = primary[k + 1];
    const median = localMedianRr(rr, k, v.templateBeats);
    if (z - a <= o.gapFactor * median) continue;
    const margin = Math.max(refractory, o.minSplit * median);
    const inside = secondary.filter((b, j) => b >= a + margin && b <= z - margin && lead.ownShape[j]);
    if (!inside.length) continue;
    const one = [...within(primary, a - span, a + 1), ...within(primary, z, z + span)];
    const two = [...within(secondary, a - span, a + tol + 1), ...within(secondary, z - tol, z + span)];
    const matched = pairBeats(one, two, tol).length;
    if (matched >= o.minAgreement * (one.length + two.length - matched)) added.push(...inside);
  }
  return added.length ? [...primary, ...added].sort((p, q) => p - q) : primary.slice();
}
