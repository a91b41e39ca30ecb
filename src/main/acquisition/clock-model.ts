/**
 * Maps a board's microsecond clock to host time, in the spirit of LSL's time correction: device
 * time is paired with host arrival times, and since a packet can only arrive late (USB, OS and
 * scheduling latency are positive), the *lower envelope* of (arrival - device time) is the best
 * estimate of the true offset. We take the minimum offset in each 1 s bin of device time over a
 * sliding window and fit a line through those minima: the slope is the drift, the line the offset.
 *
 * The 32-bit device clock wraps every ~71.6 min; `unwrap` extends it by picking the candidate
 * nearest the previous reading, which tolerates the small reordering between streams.
 */
const WRAP = 2 ** 32;
const HALF_WRAP = 2 ** 31;

export interface ClockFit {
  /** host = device + offset + drift * device (seconds). */
  offset: number;
  drift: number;
}

export interface ClockModelOptions {
  /** Seconds of history the fit uses. */
  windowSeconds?: number;
  /** Width of the bins whose minima make the lower envelope, seconds. */
  binSeconds?: number;
}

export class ClockModel {
  private lastRaw: number | null = null;
  private lastUnwrapped = 0;
  private readonly windowSeconds: number;
  private readonly binSeconds: number;
  /** Lower-envelope points: per bin index, the smallest (host - device) seen. */
  private readonly bins = new Map<number, { dev: number; offset: number }>();
  private fit: ClockFit | null = null;
  private dirty = false;

  constructor(options: ClockModelOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 120;
    this.binSeconds = options.binSeconds ?? 1;
  }

  /** Device microseconds (u32) to continuous device seconds. */
  unwrap(rawMicros: number): number {
    if (this.lastRaw === null) {
      this.lastRaw = rawMicros;
      this.lastUnwrapped = rawMicros;
      return rawMicros / 1e6;
    }
    let diff = rawMicros - this.lastRaw;
    if (diff > HALF_WRAP) diff -= WRAP;
    else if (diff < -HALF_WRAP) diff += WRAP;
    const unwrapped = this.lastUnwrapped + diff;
    // Track the furthest reading so a slightly late packet of another stream does not pull us back.
    if (diff > 0) {
      this.lastRaw = rawMicros;
      this.lastUnwrapped = unwrapped;
    }
    return unwrapped / 1e6;
  }

  /** Adds a pairing: an event at device time `dev` (s) was seen by the host no earlier than `host` (s). */
  observe(dev: number, host: number): void {
    const bin = Math.floor(dev / this.binSeconds);
    const offset = host - dev;
    const current = this.bins.get(bin);
    if (!current || offset < current.offset) {
      this.bins.set(bin, { dev, offset });
      this.dirty = true;
    }
    if (!this.fit) this.fit = { offset, drift: 0 };
    const oldest = bin - Math.ceil(this.windowSeconds / this.binSeconds);
    if (this.bins.size > this.windowSeconds / this.binSeconds + 2) {
      for (const key of this.bins.keys()) if (key < oldest) this.bins.delete(key);
    }
  }

  /** The current fit; refitted lazily after new observations. */
  current(): ClockFit | null {
    if (this.dirty) {
      this.dirty = false;
      this.refit();
    }
    return this.fit;
  }

  toHost(dev: number): number {
    const fit = this.current();
    if (!fit) throw new Error('clock model has no observation yet');
    return dev + fit.offset + fit.drift * dev;
  }

  private refit(): void {
    const points = [...this.bins.values()];
    // Too few bins to tell drift from jitter: trust the lowest offset seen.
    if (points.length < 4) {
      const min = points.reduce((a, b) => (b.offset < a.offset ? b : a));
      this.fit = { offset: min.offset, drift: 0 };
      return;
    }
    let sx = 0;
    let sy = 0;
    for (const p of points) {
      sx += p.dev;
      sy += p.offset;
    }
    const mx = sx / points.length;
    const my = sy / points.length;
    let sxx = 0;
    let sxy = 0;
    for (const p of points) {
      sxx += (p.dev - mx) * (p.dev - mx);
      sxy += (p.dev - mx) * (p.offset - my);
    }
    const drift = sxx > 0 ? sxy / sxx : 0;
    // Shift the line down onto the envelope: no observation may sit below it.
    let shift = 0;
    for (const p of points) shift = Math.min(shift, p.offset - (my + drift * (p.dev - mx)));
    this.fit = { offset: my + shift - drift * mx, drift };
  }
}
