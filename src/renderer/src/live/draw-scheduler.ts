import type { LiveSource } from './live-store';
import { recordDrawnFrame } from './perf';

export interface DrawContext {
  source: LiveSource;
  /** Right edge of the time axis, host seconds. */
  tEnd: number;
  /** Width of the time axis, seconds. */
  windowS: number;
}

export type ChartDrawer = (ctx: DrawContext) => void;

/**
 * Batches every chart's redraw into one requestAnimationFrame. While samples stream, every
 * animation frame is drawn (the time axis scrolls); otherwise only new data or a layout change
 * requests one. Counts drawn frames, and the sample-to-pixel latency of frames showing new
 * samples, for window.__vitalsPerf.
 */
export class DrawScheduler {
  private drawers = new Set<ChartDrawer>();
  private frameId: number | null = null;
  private withNewData = false;

  constructor(
    private readonly context: () => DrawContext,
    /** Arrival stamp (ms since the epoch) of the newest samples drawn. */
    private readonly newestStamp: () => number,
    /** While true the charts scroll: a frame is drawn on every animation frame. */
    private readonly continuous: () => boolean = () => false,
  ) {}

  register(drawer: ChartDrawer): () => void {
    this.drawers.add(drawer);
    this.request(false);
    return () => this.drawers.delete(drawer);
  }

  /** Ask for a redraw on the next animation frame. */
  request(newData: boolean): void {
    if (newData) this.withNewData = true;
    if (this.frameId === null) this.frameId = requestAnimationFrame(this.run);
  }

  dispose(): void {
    if (this.frameId !== null) cancelAnimationFrame(this.frameId);
    this.frameId = null;
    this.drawers.clear();
  }

  private run = (): void => {
    this.frameId = null;
    const newData = this.withNewData;
    this.withNewData = false;
    if (this.drawers.size === 0) return;
    const ctx = this.context();
    for (const draw of this.drawers) {
      try {
        draw(ctx);
      } catch (e) {
        console.error('vitalscope: chart draw failed', e);
      }
    }
    recordDrawnFrame(newData ? Date.now() - this.newestStamp() : null);
    if (this.continuous()) this.request(false);
  };
}
