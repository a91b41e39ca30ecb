import { framesPerSecond, withBench16LiveView } from '../live-view-page';
import type { BenchCase } from '../types';

const MEASURE_MS = 10_000;

/**
 * The web face in headless Chromium drawing a 16-channel 1 kHz board: frames drawn per second and
 * sample-to-pixel latency (host time of the newest sample drawn to the moment it is drawn), both
 * read from the renderer's own counters (window.__vitalsPerf).
 */
const liveView: BenchCase = {
  name: 'live-view',
  description: 'Chromium live view of a 16 ch x 1 kHz simulated stream: fps and sample-to-pixel latency',
  run() {
    return withBench16LiveView(async (_engine, page, count) => {
      const before = await count();
      await page.waitForTimeout(MEASURE_MS);
      const after = await count();
      const fps = framesPerSecond(before, after);
      const window_ = after.latencies.slice(-Math.round(fps * (MEASURE_MS / 1000)));
      const sorted = window_.sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      return {
        fps: { value: fps, unit: 'frames/s', target: '>= 55' },
        latencyP50: { value: pct(0.5), unit: 'ms' },
        latencyP95: { value: pct(0.95), unit: 'ms', target: '< 50' },
      };
    });
  },
};

export default liveView;
