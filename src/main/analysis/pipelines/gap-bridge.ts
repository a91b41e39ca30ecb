/**
 * Lost samples (gaps) in a streaming pipeline, handled one documented way for ECG, PPG and IMU.
 *
 * - Pipelines count samples on the stream's own index, lost ones included, so beat, peak and step
 *   positions stay true across a gap ("stream samples"); nothing after a gap moves earlier.
 * - Filters and detectors need a continuous signal. A gap of up to BRIDGE_MAX_SEC is bridged: they
 *   are fed a straight line from the last sample before it to the first sample after it (no QRS,
 *   pulse or step energy, and no jump that would ring the filters). Of a longer gap the first
 *   BRIDGE_MAX_SEC are bridged and the rest is skipped: the detectors see a pause, their adaptive
 *   levels hold, and the stream-sample count jumps on by the skipped part.
 * - Whatever a detector reports within GAP_GUARD_SEC of a gap is dropped (it lies on made-up
 *   samples or beside them, where its position cannot be trusted), and `drop` records it.
 * - An interval between two detections is unusable (`spans`) when it contains a gap that could
 *   hide a beat (HIDING_GAP_SEC or longer, or of unknown length) or a dropped detection. A shorter
 *   gap inside an interval whose ends both lie on real data leaves it a true interval: the gap is
 *   narrower than any QRS complex, so a beat inside it would have been detected beside it and
 *   dropped. (Radios lose single packets of 10-20 ms; throwing away every interval that holds
 *   one would leave almost none at a few percent loss.)
 * - `missing` says how much of a window was lost, for the results to carry.
 * The bridge depends only on the samples and the lost counts, never on how they were cut into
 * blocks, so live chunks and an offline replay give the same detections.
 */

/** Gaps up to this long are bridged whole; of longer ones only this much is. */
export const BRIDGE_MAX_SEC = 2;
/** Detections this close to a gap are dropped: about half a QRS complex. */
export const GAP_GUARD_SEC = 0.05;
/** A gap this long could hold a whole beat (narrow QRS complexes last 60-100 ms). */
export const HIDING_GAP_SEC = 0.06;
/** A window that lost more than this share of its samples is poor, whatever else it says. */
export const MAX_MISSING = 0.25;

export class GapBridge {
  /** Stream samples so far, lost ones included. */
  samples = 0;
  /** Samples fed to the detectors: real ones and bridges. */
  fed = 0;
  private pending = 0;
  private broken = false;
  private readonly last: Float64Array;
  private hasLast = false;
  private readonly bridgeMax: number;
  private readonly guard: number;
  private readonly hiding: number;
  private readonly horizon: number;
  /** Gaps as [start, end) in stream samples, oldest first; a break of unknown length has start = end. */
  private gapStart: number[] = [];
  private gapEnd: number[] = [];
  /** What makes an interval unusable: gaps that could hide a beat, breaks, dropped detections; sorted. */
  private breakStart: number[] = [];
  private breakEnd: number[] = [];
  /** From fed sample skipFed[k] on, stream sample = fed sample + skipTotal[k]. */
  private skipFed: number[] = [0];
  private skipTotal: number[] = [0];

  /** `horizonSec`: how far back detections may be reported and windows may reach. */
  constructor(
    readonly fs: number,
    readonly channels: number,
    horizonSec: number,
  ) {
    this.last = new Float64Array(channels);
    this.bridgeMax = Math.round(BRIDGE_MAX_SEC * fs);
    this.guard = Math.round(GAP_GUARD_SEC * fs);
    this.hiding = Math.round(HIDING_GAP_SEC * fs);
    this.horizon = Math.ceil(horizonSec * fs);
  }

  /** `n` samples were lost before the next block; 0 marks a break of unknown length (a restarted index). */
  lost(n: number): void {
    this.pending += Math.max(0, Math.round(n));
    this.broken = true;
  }

  /** The block to feed the detectors (channel-major, `channels` rows): a pending gap's bridge, then `data`. */
  feed(data: ArrayLike<number>, n: number): { data: ArrayLike<number>; n: number } {
    if (n <= 0) return { data, n: 0 };
    let out: ArrayLike<number> = data;
    let total = n;
    if (this.broken) {
      this.gapStart.push(this.samples);
      this.gapEnd.push(this.samples + this.pending);
      if (this.pending === 0 || this.pending >= this.hiding) this.addBreak(this.samples, this.samples + this.pending);
      const bridge = this.hasLast ? Math.min(this.pending, this.bridgeMax) : 0;
      const skip = this.pending - bridge;
      if (skip > 0) {
        this.skipFed.push(this.fed + bridge);
        this.skipTotal.push(this.skipTotal[this.skipTotal.length - 1] + skip);
      }
      if (bridge > 0) {
        total = bridge + n;
        const filled = new Float64Array(this.channels * total);
        for (let c = 0; c < this.channels; c++) {
          const a = this.last[c];
          const b = finiteOr(data[c * n], a);
          for (let i = 0; i < bridge; i++) filled[c * total + i] = a + ((b - a) * (i + 1)) / (bridge + 1);
          for (let i = 0; i < n; i++) filled[c * total + bridge + i] = data[c * n + i];
        }
        out = filled;
      }
      this.samples += this.pending;
      this.pending = 0;
      this.broken = false;
      this.prune();
    }
    for (let c = 0; c < this.channels; c++) {
      const v = data[c * n + n - 1];
      if (v === v) this.last[c] = v;
    }
    this.hasLast = true;
    this.samples += n;
    this.fed += total;
    return { data: out, n: total };
  }

  /** Stream sample of a fed sample (a detector's index). */
  toStream(fed: number): number {
    let k = this.skipFed.length - 1;
    while (k > 0 && this.skipFed[k] > fed) k--;
    return fed + this.skipTotal[k];
  }

  /** Whether stream sample p lies in a gap or within `guard` samples (GAP_GUARD_SEC) of one. */
  near(p: number, guard = this.guard): boolean {
    for (let k = this.gapStart.length - 1; k >= 0; k--) {
      if (this.gapEnd[k] + guard <= p) return false;
      if (p >= this.gapStart[k] - guard) return true;
    }
    return false;
  }

  /** A detection at stream sample p was dropped: intervals across p are unusable. */
  drop(p: number): void {
    this.addBreak(p, p);
  }

  /** Whether an interval between detections at stream samples p0 <= p1 crosses a beat-hiding gap, a break or a dropped detection. */
  spans(p0: number, p1: number): boolean {
    for (let k = this.breakStart.length - 1; k >= 0; k--) {
      if (this.breakEnd[k] < p0) return false;
      if (this.breakStart[k] <= p1) return true;
    }
    return false;
  }

  private addBreak(start: number, end: number): void {
    let k = this.breakStart.length;
    while (k > 0 && this.breakStart[k - 1] > start) k--;
    this.breakStart.splice(k, 0, start);
    this.breakEnd.splice(k, 0, end);
  }

  /** Lost stream samples within [p0, p1), counting only gaps of at least `minLength` samples. */
  missing(p0: number, p1: number, minLength = 0): number {
    let lost = 0;
    for (let k = this.gapStart.length - 1; k >= 0 && this.gapEnd[k] > p0; k--) {
      if (this.gapEnd[k] - this.gapStart[k] >= minLength) lost += Math.max(0, Math.min(p1, this.gapEnd[k]) - Math.max(p0, this.gapStart[k]));
    }
    return lost;
  }

  /** Forgets gaps and skips older than the horizon. */
  private prune(): void {
    const oldest = this.samples - this.horizon;
    let drop = 0;
    while (drop < this.gapEnd.length && this.gapEnd[drop] < oldest) drop++;
    if (drop) {
      this.gapStart.splice(0, drop);
      this.gapEnd.splice(0, drop);
    }
    let breaks = 0;
    while (breaks < this.breakEnd.length && this.breakEnd[breaks] < oldest) breaks++;
    if (breaks) {
      this.breakStart.splice(0, breaks);
      this.breakEnd.splice(0, breaks);
    }
    const fedOldest = this.fed - this.horizon;
    let skips = 0;
    while (skips + 1 < this.skipFed.length && this.skipFed[skips + 1] <= fedOldest) skips++;
    if (skips) {
      this.skipFed.splice(0, skips);
      this.skipTotal.splice(0, skips);
    }
  }
}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}
