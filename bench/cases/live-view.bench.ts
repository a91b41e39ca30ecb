import { join } from 'node:path';
import { createEngine } from '../../src/main/engine';
import { startWebFace } from '../../src/main/server';
import { launchChromium } from '../../test/helpers/chromium';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

const MEASURE_MS = 10_000;

/** The renderer's counters (src/renderer/src/live/perf.ts), as seen from page.evaluate. */
type PerfGlobal = { __vitalsPerf: { frames: number; latencies: number[] } };

/**
 * The web face in headless Chromium drawing a 16-channel 1 kHz board: frames drawn per second and
 * sample-to-pixel latency (host time of the newest sample drawn to the moment it is drawn), both
 * read from the renderer's own counters (window.__vitalsPerf).
 */
const liveView: BenchCase = {
  name: 'live-view',
  description: 'Chromium live view of a 16 ch x 1 kHz simulated stream: fps and sample-to-pixel latency',
  async run() {
    const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
    const dir = tempDir('bench-live');
    const engine = await createEngine({ dbPath: join(dir.path, 'live.db'), simulator: { profile: 'bench16' } });
    const face = await startWebFace({ engine, port: 0, rendererDir: join(__dirname, '../../out/renderer') });
    const chromium = await launchChromium(chromiumPath);
    try {
      const page = await chromium.context.newPage();
      await page.goto(face.url);
      await page.getByTestId('connect-sim').click();
      await page.waitForSelector('canvas[data-stream="sim/ecg16"]');
      await page.waitForTimeout(2000); // warm-up: JIT, first autoscale
      const before = await page.evaluate(() => ({ frames: (globalThis as unknown as PerfGlobal).__vitalsPerf.frames, t: performance.now() }));
      await page.waitForTimeout(MEASURE_MS);
      const after = await page.evaluate(() => {
        const perf = (globalThis as unknown as PerfGlobal).__vitalsPerf;
        return { frames: perf.frames, t: performance.now(), latencies: perf.latencies.slice() };
      });
      const fps = ((after.frames - before.frames) * 1000) / (after.t - before.t);
      const window_ = after.latencies.slice(-Math.round(fps * (MEASURE_MS / 1000)));
      const sorted = window_.sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      return {
        fps: { value: fps, unit: 'frames/s', target: '>= 55' },
        latencyP50: { value: pct(0.5), unit: 'ms' },
        latencyP95: { value: pct(0.95), unit: 'ms', target: '< 50' },
      };
    } finally {
      await chromium.close();
      await face.close();
      await engine.close();
      dir.cleanup();
    }
  },
};

export default liveView;
