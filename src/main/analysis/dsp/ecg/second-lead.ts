/**
 * Second-lead support for the offline analysis of a two-lead record (MIT-BIH: MLII plus V1, V2,
 * V4 or V5): the beats found on the other lead fill the primary lead's RR gaps, where its signal
 * dropped out (MIT-BIH 116: seconds of flat MLII) or a beat was too small in it to detect. Both
 * leads run the same offline detector (detector, refinement, beat-verify.ts); then, for every
 * primary RR interval over `gapFactor` (beat-verify's, 1.5) times the local median RR, the other
 * lead's beats inside it (at least the refractory period from its ends) are added when
 *  - the other lead is reliable there: its beats agree with the primary's over `agreeSec` (10 s)
 *    on either side of the gap, outside it, with the beat-agreement index bSQI = matched /
 *    (n1 + n2 - matched) at least `minAgreement` (0.8). bSQI is the agreement measure of Li, Mark
 *    & Clifford, "Robust heart rate estimation from multiple asynchronous noisy sources using
 *    signal quality indices and a Kalman filter", Physiol Meas 29(1):15-32, 2008 (10 s windows,
 *    +-150 ms matching as in EC57);
 *  - the beat is one of that lead's own shapes: it matches a cluster of the lead's beat library
 *    (beat-library.ts) as the pair rule asks (r >= 0.9, a quarter of the cluster's energy).
 * The primary lead's beats are never removed or moved. `minAgreement` was chosen on MIT-BIH DS1
 * + paced only, among 0.6, 0.8 and 0.9 (beats added minus false beats added): 0.8 adds 41 beats
 * and 9 false ones on DS1 (0.9: 35 and 6; 0.6: 50 and 35). Leave-one-record-out over DS1 picks
 * 0.8 in 21 of 22 folds (0.6 when 207 is left out) and adds 41 beats and 30 false ones on the
 * left-out records (21 of those in 207's ventricular flutter, from that fold's 0.6).
 */
import { pairBeats } from '../../evaluation/beat-matching';
import { beatLibrary } from './beat-library';
import { beatFeatures, DEFAULT_BEAT_VERIFY, localMedianRr, matchesLibrary, type BeatVerifyOptions } from './beat-verify';

export interface SecondLeadOptions {
  /** Beats on either side of the gap over which the leads' agreement is measured (s). */
  agreeSec: number;
  /** bSQI (see the file header) the other lead must reach around a gap. */
  minAgreement: number;
  /** Beats of the two leads within this (s) are the same beat (EC57's 150 ms). */
  toleranceSec: number;
}

export const DEFAULT_SECOND_LEAD: SecondLeadOptions = { agreeSec: 10, minAgreement: 0.8, toleranceSec: 0.15 };

/** The primary lead's beats plus the other lead's beats that fill its gaps (see the file header). */
export function addSecondLeadBeats(primary: readonly number[], secondary: readonly number[], secondarySignal: ArrayLike<number>, fs: number, options: Partial<SecondLeadOptions> = {}, verify: Partial<BeatVerifyOptions> = {}): number[] {
  const o = { ...DEFAULT_SECOND_LEAD, ...options };
  const v = { ...DEFAULT_BEAT_VERIFY, ...verify };
  if (primary.length < 4 || secondary.length < 4) return primary.slice();
  const f = beatFeatures(secondarySignal, fs, secondary, v);
  const library = beatLibrary(secondary, Math.round(v.pairSec * fs), (k) => f.windows[k], f.energy);
  const tol = Math.round(o.toleranceSec * fs);
  const refractory = Math.round(v.refractorySec * fs);
  const span = Math.round(o.agreeSec * fs);
  const within = (beats: readonly number[], from: number, to: number) => beats.filter((b) => b >= from && b < to);
  const rr = primary.slice(1).map((b, j) => b - primary[j]);
  const added: number[] = [];
  for (let k = 0; k < rr.length; k++) {
    const a = primary[k];
    const z = primary[k + 1];
    if (z - a <= v.gapFactor * localMedianRr(rr, k, v.templateBeats)) continue;
    const inside = secondary.flatMap((b, j) => (b >= a + refractory && b <= z - refractory && matchesLibrary(library, f.windows[j], f.energy[j], v) ? [b] : []));
    if (!inside.length) continue;
    const one = [...within(primary, a - span, a + 1), ...within(primary, z, z + span)];
    const two = [...within(secondary, a - span, a + tol + 1), ...within(secondary, z - tol, z + span)];
    const matched = pairBeats(one, two, tol).length;
    if (matched >= o.minAgreement * (one.length + two.length - matched)) added.push(...inside);
  }
  return added.length ? [...primary, ...added].sort((p, q) => p - q) : primary.slice();
}
