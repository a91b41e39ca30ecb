import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createEngine, type Engine } from '../src/main/engine';
import { startWebFace } from '../src/main/server';
import { launchChromium } from '../test/helpers/chromium';
import { tempDir } from '../test/helpers/temp-dir';

/** The renderer's counters (src/renderer/src/live/perf.ts) at one moment of the page's clock. */
export interface FrameCount {
  frames: number;
  t: number;
  latencies: number[];
}

type PerfGlobal = { __vitalsPerf: { frames: number; latencies: number[] } };

/**
 * The web face of `engine` in headless Chromium with the simulated board connected and its
 * 16-channel trace drawn and warmed up (JIT, first autoscale); `body` measures, then all closes.
 */
export async function withLiveView<T>(engine: Engine, body: (page: Page, count: () => Promise<FrameCount>) => Promise<T>): Promise<T> {
  const face = await startWebFace({ engine, port: 0, rendererDir: join(__dirname, '../out/renderer') });
  const chromium = await launchChromium(process.env.CHROME_PATH ?? '/usr/bin/chromium');
  try {
    const page = await chromium.context.newPage();
    await page.goto(face.url);
    await page.getByTestId('connect-sim').click();
    await page.waitForSelector('canvas[data-stream="sim/ecg16"]');
    await page.waitForTimeout(2000);
    const count = () =>
      page.evaluate(() => {
        const perf = (globalThis as unknown as PerfGlobal).__vitalsPerf;
        return { frames: perf.frames, t: performance.now(), latencies: perf.latencies.slice() };
      });
    return await body(page, count);
  } finally {
    await chromium.close();
    await face.close();
  }
}

/** `withLiveView` over a fresh engine with the 16-channel 1 kHz bench board, its library in a temporary folder; all closed after. */
export async function withBench16LiveView<T>(body: (engine: Engine, page: Page, count: () => Promise<FrameCount>) => Promise<T>): Promise<T> {
  const dir = tempDir('bench-live');
  const engine = await createEngine({ dbPath: join(dir.path, 'live.db'), simulator: { profile: 'bench16' } });
  try {
    return await withLiveView(engine, (page, count) => body(engine, page, count));
  } finally {
    await engine.close();
    dir.cleanup();
  }
}

/** Frames drawn per second between two counts. */
export function framesPerSecond(from: FrameCount, to: FrameCount): number {
  return ((to.frames - from.frames) * 1000) / (to.t - from.t);
}
