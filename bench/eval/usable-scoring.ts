/**
 * Beat detection scored with the usability flag (ecg-usability.ts): EC57 matching (+-150 ms) over
 * everything (the gross figure: beats withheld in unusable stretches count as missed), the share
 * of time flagged unusable, and the same matching within the usable stretches alone (reference
 * and reported beats there).
 */
import { unusableStretches, type EcgResult } from '../../src/main/analysis/offline/analyze';
import { matchBeats, pairBeats, ppv, se, type Match } from '../../src/main/analysis/evaluation/beat-matching';

export const f1 = (m: Match) => ((2 * m.tp) / Math.max(1, 2 * m.tp + m.fn + m.fp)) * 100;
const scored = (m: Match) => ({ tp: m.tp, fn: m.fn, fp: m.fp, se: se(m), ppv: ppv(m), f1: f1(m) });
export type Scored = ReturnType<typeof scored>;

export interface UsableScore extends Scored {
  /** Share of the scored time flagged unusable, %. */
  unusablePct: number;
  usable: Scored;
}

/** Scores `res` against `ref` over samples [from, length) of a signal of `length` samples. */
export function scoreWithUsability(ref: readonly number[], res: EcgResult, length: number, from = 0): UsableScore {
  const tol = Math.round(0.15 * res.fs);
  const r = ref.filter((b) => b >= from);
  const d = res.beats.filter((b) => b >= from);
  const stretches = unusableStretches(res);
  const flagged = stretches.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(length, b) - Math.max(from, a)), 0);
  const usable = (b: number) => !stretches.some(([s0, s1]) => b >= s0 && b < s1);
  return { ...scored(matchBeats(r, d, tol)), unusablePct: (100 * flagged) / Math.max(1, length - from), usable: scored(matchBeats(r.filter(usable), d.filter(usable), tol)) };
}

/** Misses and false beats per `binSec` bin (keyed by the bin's start, s), worst bins first. */
export function errorBins(ref: readonly number[], res: EcgResult, tol: number, binSec = 10, from = 0): { startSec: number; fn: number; fp: number }[] {
  const pairs = pairBeats(ref, res.beats, tol);
  const hitRef = new Set(pairs.map((p) => p[0]));
  const hitDet = new Set(pairs.map((p) => p[1]));
  const bins = new Map<number, { startSec: number; fn: number; fp: number }>();
  const bin = (s: number) => {
    const k = Math.floor(s / res.fs / binSec);
    return bins.get(k) ?? bins.set(k, { startSec: k * binSec, fn: 0, fp: 0 }).get(k)!;
  };
  ref.forEach((s, i) => void (s >= from && !hitRef.has(i) && bin(s).fn++));
  res.beats.forEach((s, j) => void (s >= from && !hitDet.has(j) && bin(s).fp++));
  return [...bins.values()].sort((a, b) => b.fn + b.fp - (a.fn + a.fp));
}

/**
 * One line on where a noisy row went wrong: the stretches flagged unusable and the worst 10 s
 * bins of misses (withheld beats among them) and false beats; `label` may say what a bin is.
 */
export function noiseFailureLine(ref: readonly number[], res: EcgResult, from = 0, label: (startSec: number) => string = () => ''): string {
  const flagged = unusableStretches(res).filter(([, b]) => b > from);
  const sec = (v: number) => Math.round(v / res.fs);
  const shown = flagged.slice(0, 6).map(([a, b]) => `${sec(a)}-${sec(b)}`);
  const where = flagged.length ? `flagged ${shown.join(', ')}${flagged.length > 6 ? ` and ${flagged.length - 6} more` : ''} s` : 'nothing flagged';
  const bins = errorBins(ref, res, Math.round(0.15 * res.fs), 10, from)
    .slice(0, 3)
    .map((b) => `${b.startSec}-${b.startSec + 10} s ${b.fn} FN ${b.fp} FP${label(b.startSec)}`);
  return `${where}; ${res.withheld.length} beats withheld; worst: ${bins.join('; ') || 'none'}`;
}
