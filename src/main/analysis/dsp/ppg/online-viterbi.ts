/**
 * Causal (online) Viterbi tracking of one frequency over a sequence of spectra: the states are
 * the bins of a grid, the score of a window is its (motion-suppressed) spectrum, and a path pays
 * `stepCost` per bpm of change between windows up to `maxStep`, or a flat `jumpCost` for any
 * larger jump. The forward recursion's best end state is reported each window (no look-ahead, so
 * no delay): a greedy tracker commits to one peak per window, this keeps every path alive, so a
 * stretch where an artifact outshines the pulse is bridged, and a pulse that reappears elsewhere
 * wins back once its evidence outweighs the jump cost (re-acquisition without a separate stage).
 * Frequency line tracking with an HMM as in Streit & Barrett, "Frequency line tracking using
 * hidden Markov models", IEEE TASSP 38(4):586-598, 1990; the bounded change per window as in
 * TROIKA (Zhang 2015) and Temko 2017. Pure.
 */

export interface ViterbiOptions {
  /** State spacing, bpm. */
  binBpm: number;
  /** Largest change per window that pays `stepCost` per bpm; larger ones pay `jumpCost`. */
  maxStep: number;
  stepCost: number;
  jumpCost: number;
}

export class OnlineViterbi {
  private delta: Float64Array | null = null;
  private readonly w: number;

  constructor(
    readonly states: number,
    private readonly o: ViterbiOptions,
  ) {
    this.w = Math.max(1, Math.floor(o.maxStep / o.binBpm));
  }

  /** Adds one window's scores (one per state, higher is better); returns the best end state. */
  step(score: ArrayLike<number>): number {
    const n = this.states;
    const next = new Float64Array(n);
    const prev = this.delta;
    let best = 0;
    if (!prev) for (let j = 0; j < n; j++) next[j] = score[j];
    else {
      let top = -Infinity;
      for (let i = 0; i < n; i++) if (prev[i] > top) top = prev[i];
      const jump = top - this.o.jumpCost;
      const cost = this.o.stepCost * this.o.binBpm;
      for (let j = 0; j < n; j++) {
        let m = jump;
        const lo = Math.max(0, j - this.w),
          hi = Math.min(n - 1, j + this.w);
        for (let i = lo; i <= hi; i++) {
          const v = prev[i] - cost * Math.abs(i - j);
          if (v > m) m = v;
        }
        next[j] = m + score[j];
      }
    }
    for (let j = 1; j < n; j++) if (next[j] > next[best]) best = j;
    // Scores are relative: keep them near 0 so that long recordings do not lose precision.
    const top = next[best];
    for (let j = 0; j < n; j++) next[j] -= top;
    this.delta = next;
    return best;
  }

  reset(): void {
    this.delta = null;
  }
}
