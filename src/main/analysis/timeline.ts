import type { Chunk } from '../../shared/types';

/**
 * Maps a pipeline's sample position back to host time. Pipelines count a stream's samples lost
 * ones included (see pipelines/gap-bridge.ts), so this keeps where each pushed chunk started and
 * at which host time.
 */
export class Timeline {
  // Spans in typed-array rings, not an object per chunk: spans live ~20 s, long enough for V8 to
  // promote objects, and an old generation churning with them kept ~16 MB more heap committed.
  private p0 = new Float64Array(256);
  private t0 = new Float64Array(256);
  private dt = new Float64Array(256);
  /** Absolute numbers of the oldest kept span and of the next one to add. */
  private head = 0;
  private next = 0;
  samples = 0;

  /** `keepSamples`: how far back results may refer (the PPG's polarity probe holds 10 s of peaks). */
  constructor(private readonly keepSamples: number) {}

  /** A chunk whose first sample is pipeline sample `p0` (after `lost` samples lost since the last). */
  add(chunk: Chunk, lost: number): void {
    if (this.next - this.head === this.p0.length) this.grow();
    const cap = this.p0.length;
    const i = this.next % cap;
    this.p0[i] = this.samples + lost;
    this.t0[i] = chunk.t0;
    this.dt[i] = chunk.dt;
    this.next++;
    this.samples += lost + chunk.n;
    while (this.next - this.head > 1 && this.samples - this.p0[(this.head + 1) % cap] > this.keepSamples) this.head++;
  }

  /** Host time of pipeline sample p (the oldest span's line when p is older than what is kept). */
  time(p: number): number {
    const cap = this.p0.length;
    for (let k = this.next - 1; k >= this.head; k--) {
      const i = k % cap;
      if (p >= this.p0[i] || k === this.head) return this.t0[i] + (p - this.p0[i]) * this.dt[i];
    }
    return NaN;
  }

  /** Pipeline sample at host time t, rounded (the inverse of `time`, on the newest span starting at or before t). */
  sampleAt(t: number): number {
    const cap = this.p0.length;
    for (let k = this.next - 1; k >= this.head; k--) {
      const i = k % cap;
      if (t >= this.t0[i] || k === this.head) return Math.round(this.p0[i] + (t - this.t0[i]) / this.dt[i]);
    }
    return NaN;
  }

  private grow(): void {
    const cap = this.p0.length;
    const resized = [this.p0, this.t0, this.dt].map((ring) => {
      const bigger = new Float64Array(cap * 2);
      for (let k = this.head; k < this.next; k++) bigger[k % (cap * 2)] = ring[k % cap];
      return bigger;
    });
    [this.p0, this.t0, this.dt] = resized;
  }
}
