/**
 * Beat detection scored with the usability flag (ecg-usability.ts): EC57 matching (+-150 ms) over
 * everything (the gross figure: beats withheld in unusable stretches count as missed), the share
 * of time flagged unusable, and the same matching within the usable stretches alone (reference
 * and reported beats there).
 */
import { unusableStretches, type EcgResult } from '../../src/main/analysis/offline/analyze';
import { matchBeats, ppv, se, type Match } from '../../src/main/analysis/evaluation/beat-matching';

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
