/**
 * Keeps the review's tracks fed: one `readTrack` per track per requested window (coalesced to one
 * request set per animation frame, at most two sets in flight), and drops a response when a newer
 * one has already been applied. Between responses, the last data stays on screen, drawn at its own
 * times, so a pan moves it at once.
 */
import type { VitalsApi } from '../../../shared/api';
import type { TrackData } from '../../../shared/review';
import type { TimeWindow } from './time-window';

export interface Applied {
  window: TimeWindow;
  columns: number;
}

const MAX_IN_FLIGHT = 2;

export class TrackFetcher {
  readonly data = new Map<string, TrackData>();
  /** The window and width of the newest applied response set. */
  applied: Applied | null = null;
  private wanted: Applied | null = null;
  private issued = 0;
  private appliedSeq = 0;
  private inFlight = 0;
  private frame: number | null = null;
  private disposed = false;
  private lastIssued: Applied | null = null;

  constructor(
    private readonly api: VitalsApi,
    private readonly sessionId: number,
    private readonly keys: readonly string[],
    private readonly onData: () => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Ask for this window at this width; served on the next animation frame. */
  request(window: TimeWindow, columns: number): void {
    this.wanted = { window, columns };
    if (this.frame === null) this.frame = requestAnimationFrame(this.issue);
  }

  /** Whether the data on hand is exactly what is on screen now. */
  isCurrent(window: TimeWindow, columns: number): boolean {
    return sameRequest(this.applied, { window, columns });
  }

  /** Forgets what was fetched, so the next request goes out even for the same window (the stored data changed). */
  invalidate(): void {
    this.applied = null;
    this.lastIssued = null;
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
  }

  private issue = (): void => {
    this.frame = null;
    const want = this.wanted;
    if (!want || this.disposed || this.inFlight >= MAX_IN_FLIGHT) return;
    this.wanted = null;
    if (this.isCurrent(want.window, want.columns) || sameRequest(this.lastIssued, want)) return;
    this.lastIssued = want;
    const seq = ++this.issued;
    this.inFlight++;
    const { t0, t1 } = want.window;
    Promise.all(this.keys.map((key) => this.api.readTrack(this.sessionId, key, t0, t1, want.columns)))
      .then((tracks) => {
        if (this.disposed || seq < this.appliedSeq) return;
        this.appliedSeq = seq;
        for (const t of tracks) this.data.set(t.key, t);
        this.applied = want;
        this.onData();
      }, (e: unknown) => {
        // A failed window may be asked again (after a background job finished, say).
        if (sameRequest(this.lastIssued, want)) this.lastIssued = null;
        if (!this.disposed) this.onError(e);
      })
      .finally(() => {
        this.inFlight--;
        if (this.wanted && !this.disposed && this.frame === null) this.frame = requestAnimationFrame(this.issue);
      });
  };
}

function sameRequest(a: Applied | null, b: Applied): boolean {
  return a !== null && a.columns === b.columns && a.window.t0 === b.window.t0 && a.window.t1 === b.window.t1;
}
