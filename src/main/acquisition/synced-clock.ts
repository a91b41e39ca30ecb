import { ClockModel, type ClockFit } from './clock-model';

/** One SYNC exchange: device time `dev` pinned to host time `host`. */
export interface SyncPoint {
  dev: number;
  host: number;
  /** Half the round trip, s. */
  uncertainty: number;
}

export interface SyncedClockOptions {
  /** Seconds of device time the sync fit uses. */
  windowSeconds?: number;
  /** One exchange is kept per bin of this many device seconds: the one with the lowest round trip. */
  binSeconds?: number;
}

/** Round trips are never trusted to be better than this (timer resolution, USB frame). */
const MIN_UNCERTAINTY = 20e-6;

/**
 * A device clock model that uses SYNC round trips when the board answers them, and the arrival
 * time lower envelope (ClockModel) when it does not. A SYNC_REQUEST sent at host time s and
 * answered with device time d, received at host time r, pins d to host time (s + r) / 2 within
 * ±(r - s) / 2. As in LSL, only the low round-trip exchanges are kept (the lowest per bin of device
 * time, and none much slower than the median), and a weighted line through their midpoints gives
 * offset and drift. With a single good exchange so far, its offset is combined with the envelope's
 * drift.
 */
export class SyncedClock {
  readonly envelope = new ClockModel();
  private readonly sync = new Map<number, SyncPoint>();
  private readonly windowSeconds: number;
  private readonly binSeconds: number;
  private fit: ClockFit | null = null;
  private dirty = true;
  private replies = 0;

  constructor(options: SyncedClockOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 120;
    this.binSeconds = options.binSeconds ?? 2;
  }

  get syncReplies(): number {
    return this.replies;
  }

  unwrap(rawMicros: number): number {
    return this.envelope.unwrap(rawMicros);
  }

  /** An event at device time `dev` (s) arrived at host time `host` (s). */
  observe(dev: number, host: number): void {
    this.envelope.observe(dev, host);
    this.dirty = true;
  }

  /** A SYNC exchange: sent at host `send`, device clock `dev` when the board answered, received at host `receive`. */
  observeSync(dev: number, send: number, receive: number): void {
    if (!(receive >= send)) return;
    this.replies++;
    const point: SyncPoint = { dev, host: (send + receive) / 2, uncertainty: Math.max(MIN_UNCERTAINTY, (receive - send) / 2) };
    const bin = Math.floor(dev / this.binSeconds);
    const current = this.sync.get(bin);
    if (!current || point.uncertainty < current.uncertainty) this.sync.set(bin, point);
    const oldest = bin - Math.ceil(this.windowSeconds / this.binSeconds);
    for (const key of this.sync.keys()) if (key < oldest) this.sync.delete(key);
    this.dirty = true;
  }

  /** Median round trip of the kept exchanges, ms; undefined before the first. */
  rttMs(): number | undefined {
    const kept = this.kept();
    if (kept.length === 0) return undefined;
    const u = kept.map((p) => p.uncertainty).sort((a, b) => a - b);
    return u[Math.floor(u.length / 2)] * 2 * 1000;
  }

  current(): ClockFit | null {
    if (this.dirty) {
      this.dirty = false;
      this.fit = this.refit();
    }
    return this.fit;
  }

  toHost(dev: number): number {
    const fit = this.current();
    if (!fit) throw new Error('clock model has no observation yet');
    return dev + fit.offset + fit.drift * dev;
  }

  /** The kept exchanges: none slower than twice the median round trip (plus 100 µs). */
  private kept(): SyncPoint[] {
    const points = [...this.sync.values()];
    if (points.length < 3) return points;
    const u = points.map((p) => p.uncertainty).sort((a, b) => a - b);
    const limit = 2 * u[Math.floor(u.length / 2)] + 100e-6;
    return points.filter((p) => p.uncertainty <= limit);
  }

  private refit(): ClockFit | null {
    const envelope = this.envelope.current();
    const points = this.kept();
    if (points.length === 0) return envelope;
    const span = points.length > 1 ? Math.max(...points.map((p) => p.dev)) - Math.min(...points.map((p) => p.dev)) : 0;
    if (points.length < 3 || span < 2) {
      // Offset from the best exchange, drift from the envelope until the exchanges span enough time.
      const best = points.reduce((a, b) => (b.uncertainty < a.uncertainty ? b : a));
      const drift = envelope?.drift ?? 0;
      return { offset: best.host - best.dev - drift * best.dev, drift };
    }
    // Weighted least squares of (host - dev) against dev, weights 1/u².
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (const p of points) {
      const w = 1 / (p.uncertainty * p.uncertainty);
      sw += w;
      sx += w * p.dev;
      sy += w * (p.host - p.dev);
    }
    const mx = sx / sw;
    const my = sy / sw;
    let sxx = 0;
    let sxy = 0;
    for (const p of points) {
      const w = 1 / (p.uncertainty * p.uncertainty);
      sxx += w * (p.dev - mx) * (p.dev - mx);
      sxy += w * (p.dev - mx) * (p.host - p.dev - my);
    }
    const drift = sxx > 0 ? sxy / sxx : 0;
    return { offset: my - drift * mx, drift };
  }
}
