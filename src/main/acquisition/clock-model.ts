/**
 * Maps a board's microsecond clock to host time, in the spirit of LSL's time correction: device
 * time is paired with host arrival times, and since a packet can only arrive late (USB, OS and
 * scheduling latency are positive), the *lower envelope* of (arrival - device time) is the best
 * estimate of the true offset. We keep the minimum offset in each 1 s bin of device time over a
 * sliding window and fit the line that lies under all of them and closest to them, i.e. an edge
 * of their lower convex hull (Moon, Skelly & Towsley, "Estimation and removal of clock skew from
 * network delay measurements", IEEE INFOCOM 1999): its slope is the drift.
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
  /**
   * The largest drift (a fraction: 1e-3 = 1000 ppm) the fit may report, for a device whose own
   * clock is a crystal (tens of ppm): over a short span, arrival jitter alone can fit a slope of a
   * percent. Default: none (a text board's line rate is estimated through this fit too).
   */
  maxDrift?: number;
}

export class ClockModel {
  private lastRaw: number | null = null;
  private lastUnwrapped = 0;
  private readonly windowSeconds: number;
  private readonly binSeconds: number;
  private readonly maxDrift: number;
  /** Lower-envelope points: per bin index, the smallest (host - device) seen. */
  private readonly bins = new Map<number, { dev: number; offset: number }>();
  private fit: ClockFit | null = null;
  private dirty = false;

  constructor(options: ClockModelOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 120;
    this.binSeconds = options.binSeconds ?? 1;
    this.maxDrift = options.maxDrift ?? Infinity;
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
    const points = [...this.bins.values()].sort((a, b) => a.dev - b.dev);
    const hull = lowerHull(points);
    if (hull.length < 2) {
      this.fit = { offset: hull[0].offset, drift: 0 };
      return;
    }
    // Moon et al.: of all lines under every point, the one closest to them on average is the
    // lower-hull edge above the mean device time.
    const meanDev = points.reduce((sum, p) => sum + p.dev, 0) / points.length;
    let i = 0;
    while (i < hull.length - 2 && hull[i + 1].dev < meanDev) i++;
    const a = hull[i];
    const b = hull[i + 1];
    const drift = (b.offset - a.offset) / (b.dev - a.dev);
    if (Math.abs(drift) <= this.maxDrift) {
      this.fit = { offset: a.offset - drift * a.dev, drift };
      return;
    }
    // The bounded slope, as high as it goes while staying under every point.
    const bounded = Math.sign(drift) * this.maxDrift;
    this.fit = { offset: Math.min(...points.map((p) => p.offset - bounded * p.dev)), drift: bounded };
  }
}

/** Lower convex hull of points sorted by dev (Andrew's monotone chain). */
function lowerHull(points: { dev: number; offset: number }[]): { dev: number; offset: number }[] {
  const hull: { dev: number; offset: number }[] = [];
  for (const p of points) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      // Drop b when it lies on or above the segment a-p.
      if ((b.dev - a.dev) * (p.offset - a.offset) - (b.offset - a.offset) * (p.dev - a.dev) <= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}
