import { lowerBound } from './lower-bound';

/**
 * Columnar ring buffer of one stream's recent samples: a Float64Array of host times (seconds)
 * and one Float32Array per channel. No per-sample objects. Pure: no DOM, no Node.
 */

export interface RingBufferOptions {
  /** Initial capacity in samples per channel. */
  capacity: number;
  /**
   * Seconds of history the buffer tries to keep: when a push would overwrite a sample newer
   * than `newest - retention`, the buffer grows (doubling, up to `maxCapacity`) instead.
   * 0 keeps the capacity fixed.
   */
  retention?: number;
  /** Upper bound for growth, in samples per channel. */
  maxCapacity?: number;
}

/** A contiguous copy of part of the buffer, oldest first. Arrays are only valid up to `n`. */
export interface WindowView {
  n: number;
  t: Float64Array;
  channels: Float32Array[];
}

export class RingBuffer {
  readonly channelCount: number;
  private cap: number;
  private times: Float64Array;
  private data: Float32Array[];
  /** Index of the next write. */
  private head = 0;
  private size = 0;
  private readonly retention: number;
  private readonly maxCapacity: number;
  private scratch: WindowView | null = null;

  constructor(channelCount: number, options: RingBufferOptions) {
    this.channelCount = channelCount;
    this.cap = Math.max(1, Math.floor(options.capacity));
    this.retention = options.retention ?? 0;
    this.maxCapacity = Math.max(this.cap, options.maxCapacity ?? this.cap);
    this.times = new Float64Array(this.cap);
    this.data = Array.from({ length: channelCount }, () => new Float32Array(this.cap));
  }

  get capacity(): number {
    return this.cap;
  }

  get length(): number {
    return this.size;
  }

  /** Host time of the newest sample, or NaN when empty. */
  get newestTime(): number {
    return this.size === 0 ? NaN : this.times[(this.head - 1 + this.cap) % this.cap];
  }

  /** Host time of the oldest sample kept, or NaN when empty. */
  get oldestTime(): number {
    return this.size === 0 ? NaN : this.times[(this.head - this.size + this.cap) % this.cap];
  }

  /** Time of the i-th oldest sample (0 = oldest). */
  timeAt(i: number): number {
    return this.times[(this.head - this.size + i + this.cap) % this.cap];
  }

  /** Value of channel `c` at the i-th oldest sample. */
  valueAt(c: number, i: number): number {
    return this.data[c][(this.head - this.size + i + this.cap) % this.cap];
  }

  /**
   * Append `n` samples taken at t0 + i*dt. `data` is channel-major: channel c's samples are
   * data[c*n .. c*n+n). Channels beyond the buffer's count are ignored, missing ones read NaN.
   */
  push(t0: number, dt: number, n: number, data: ArrayLike<number>): void {
    if (n <= 0) return;
    this.ensureRoom(n, t0 + (n - 1) * dt);
    // Only the last `cap` samples of an oversized block can survive.
    const skip = Math.max(0, n - this.cap);
    const blockChannels = n > 0 ? Math.floor(data.length / n) : 0;
    for (let i = skip; i < n; i++) {
      const at = this.head;
      this.times[at] = t0 + i * dt;
      for (let c = 0; c < this.channelCount; c++) {
        this.data[c][at] = c < blockChannels ? data[c * n + i] : NaN;
      }
      this.head = (at + 1) % this.cap;
    }
    this.size = Math.min(this.cap, this.size + (n - skip));
  }

  /** Drop every sample. */
  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  /** Index (0 = oldest) of the first sample with time >= t; `length` when none. Times are assumed non-decreasing. */
  lowerBound(t: number): number {
    return lowerBound(this.size, (i) => this.timeAt(i), t);
  }

  /**
   * Copy the samples with tFrom <= t <= tTo into contiguous arrays (reused between calls: the
   * view is valid until the next call). `pad` extra samples on each side are included when
   * present, so a line drawn from them reaches the edges of the window.
   */
  window(tFrom: number, tTo = Infinity, pad = 0): WindowView {
    let start = this.lowerBound(tFrom);
    let end = tTo === Infinity ? this.size : this.upperBound(tTo);
    start = Math.max(0, start - pad);
    end = Math.min(this.size, end + pad);
    const n = Math.max(0, end - start);
    const view = this.scratchFor(n);
    view.n = n;
    if (n === 0) return view;
    const first = (this.head - this.size + start + this.cap) % this.cap;
    const firstRun = Math.min(n, this.cap - first);
    view.t.set(this.times.subarray(first, first + firstRun), 0);
    if (firstRun < n) view.t.set(this.times.subarray(0, n - firstRun), firstRun);
    for (let c = 0; c < this.channelCount; c++) {
      const src = this.data[c];
      const dst = view.channels[c];
      dst.set(src.subarray(first, first + firstRun), 0);
      if (firstRun < n) dst.set(src.subarray(0, n - firstRun), firstRun);
    }
    return view;
  }

  /** An independent copy (for freezing the display while new data keeps arriving). */
  clone(): RingBuffer {
    const copy = new RingBuffer(this.channelCount, { capacity: this.cap, retention: 0 });
    copy.times.set(this.times);
    copy.data.forEach((d, c) => d.set(this.data[c]));
    copy.head = this.head;
    copy.size = this.size;
    return copy;
  }

  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensureRoom(n: number, newestIncoming: number): void {
    if (this.retention <= 0 || this.size + n <= this.cap || this.cap >= this.maxCapacity) return;
    // Would the push overwrite samples still inside the retention horizon?
    const overwritten = this.size + n - this.cap;
    const youngestLost = this.timeAt(Math.min(overwritten, this.size) - 1);
    if (!(youngestLost >= newestIncoming - this.retention)) return;
    let next = this.cap;
    while (next < this.size + n && next < this.maxCapacity) next *= 2;
    this.resize(Math.min(next, this.maxCapacity));
  }

  private resize(capacity: number): void {
    const view = this.window(-Infinity);
    const keep = Math.min(view.n, capacity);
    const from = view.n - keep;
    const times = new Float64Array(capacity);
    times.set(view.t.subarray(from, view.n));
    const data = view.channels.map((ch) => {
      const d = new Float32Array(capacity);
      d.set(ch.subarray(from, view.n));
      return d;
    });
    this.cap = capacity;
    this.times = times;
    this.data = data;
    this.size = keep;
    this.head = keep % capacity;
    this.scratch = null;
  }

  private scratchFor(n: number): WindowView {
    if (!this.scratch || this.scratch.t.length < n) {
      const size = Math.max(n, this.cap);
      this.scratch = {
        n: 0,
        t: new Float64Array(size),
        channels: Array.from({ length: this.channelCount }, () => new Float32Array(size)),
      };
    }
    return this.scratch;
  }
}
