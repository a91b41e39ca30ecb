import type { VitalsApi } from '../../shared/api';

/** Counters a benchmark reads through Chromium (see live/perf.ts). */
export interface VitalsPerf {
  /** Live-view frames drawn since the page loaded. */
  frames: number;
  /** Sample-to-pixel latency of the latest drawn frames, ms (at most the last 2000). */
  latencies: number[];
}

declare global {
  interface Window {
    /** Defined by the Electron preload; absent in web mode. */
    vitals?: VitalsApi;
    __vitalsPerf?: VitalsPerf;
  }
}
