import { lowerBound } from './lower-bound';

/**
 * The recent beat/step marks of one stream: host times (s) in a bounded, time-ordered ring.
 * Pure: no DOM. Drawing iterates it by index, so a frame allocates nothing.
 */
export class MarkBuffer {
  private times: Float64Array;
  private start = 0;
  private size = 0;

  constructor(
    /** Seconds of marks kept behind the newest one. */
    readonly retention: number,
    /** At most this many marks are kept (the oldest go first). */
    readonly maxMarks = 4096,
    capacity = 64,
  ) {
    this.times = new Float64Array(Math.max(1, Math.min(capacity, maxMarks)));
  }

  get length(): number {
    return this.size;
  }

  /** Time of the i-th oldest mark. */
  timeAt(i: number): number {
    return this.times[(this.start + i) % this.times.length];
  }

  /** Add a mark; marks arriving out of order are inserted in place. */
  push(t: number): void {
    if (!Number.isFinite(t)) return;
    if (this.size === this.times.length) {
      if (this.times.length < this.maxMarks) this.grow(Math.min(this.maxMarks, this.times.length * 2));
      else this.dropOldest(1);
    }
    const cap = this.times.length;
    // Insertion from the back: marks nearly always arrive in order, so this is O(1).
    let i = this.size;
    while (i > 0 && this.timeAt(i - 1) > t) {
      this.times[(this.start + i) % cap] = this.timeAt(i - 1);
      i--;
    }
    this.times[(this.start + i) % cap] = t;
    this.size++;
    const horizon = this.timeAt(this.size - 1) - this.retention;
    let old = 0;
    while (old < this.size && this.timeAt(old) < horizon) old++;
    this.dropOldest(old);
  }

  /** Index of the first mark with time >= t (`length` when none). */
  lowerBound(t: number): number {
    return lowerBound(this.size, (i) => this.timeAt(i), t);
  }

  /** Number of marks with tFrom <= t <= tTo. */
  countWithin(tFrom: number, tTo: number): number {
    let n = 0;
    for (let i = this.lowerBound(tFrom); i < this.size && this.timeAt(i) <= tTo; i++) n++;
    return n;
  }

  clone(): MarkBuffer {
    const copy = new MarkBuffer(this.retention, this.maxMarks, this.times.length);
    for (let i = 0; i < this.size; i++) copy.times[i] = this.timeAt(i);
    copy.size = this.size;
    return copy;
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }

  private dropOldest(n: number): void {
    if (n <= 0) return;
    this.start = (this.start + n) % this.times.length;
    this.size -= n;
  }

  private grow(capacity: number): void {
    const next = new Float64Array(capacity);
    for (let i = 0; i < this.size; i++) next[i] = this.timeAt(i);
    this.times = next;
    this.start = 0;
  }
}
