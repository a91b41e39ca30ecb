import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createEngine } from '../../src/main/engine';
import { startWebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage/library';
import { launchChromium } from '../../test/helpers/chromium';
import { tempDir } from '../../test/helpers/temp-dir';
import { median, type BenchCase } from '../types';
import { DAY, recordWearable } from '../wearable-day';

const STEPS = 12;

/** Waits (polling from here: the page's CSP allows no eval) until the review has drawn a range other than `before`; ms taken. */
async function drawnAfter(page: Page, before: string | null, started: number): Promise<{ ms: number; range: string }> {
  const root = page.locator('[data-review]');
  for (;;) {
    const range = await root.getAttribute('data-drawn');
    if (range && range !== before) return { ms: performance.now() - started, range };
    if (performance.now() - started > 30_000) throw new Error(`the review did not redraw after ${before}`);
    await page.waitForTimeout(2);
  }
}

/**
 * The review view of a 24-hour wearable session in headless Chromium through the web face: the
 * time from opening its route to the whole day drawn (overview and tracks), each zoom or pan step
 * until it is redrawn (the root's data-drawn attribute), and the page's JS heap after all that.
 */
const reviewView: BenchCase = {
  name: 'review-view',
  description: '24 h wearable session (ECG 500 Hz, PPG 2 x 100 Hz, IMU 6 x 100 Hz) in the review view, Chromium',
  async run() {
    const dir = tempDir('bench-review-view');
    const dbPath = join(dir.path, 'day.db');
    const library = new Library(dbPath);
    const { sessionId } = recordWearable(library, DAY, 4, true);
    library.close();
    const engine = await createEngine({ dbPath, listPorts: async () => [] });
    const face = await startWebFace({ engine, port: 0, rendererDir: join(__dirname, '../../out/renderer') });
    const chromium = await launchChromium(process.env.CHROME_PATH ?? '/usr/bin/chromium');
    try {
      const page = await chromium.context.newPage();
      // Warm-up: the page, its scripts and the engine's statements, on another route first.
      await page.goto(face.url + '#/sessions');
      await page.getByTestId('session-row').first().waitFor();
      const opened = performance.now();
      await page.goto(`${face.url}#/sessions/${sessionId}`);
      const first = await drawnAfter(page, null, opened);
      let started = performance.now();
      await page.keyboard.press('0');
      const whole = await drawnAfter(page, first.range, started);
      const steps: number[] = [];
      let range = whole.range;
      for (let i = 0; i < STEPS; i++) {
        // Zoom in towards a minute, then pan: each step reads and draws every track.
        const key = i < STEPS / 2 ? '+' : i % 2 ? 'ArrowRight' : 'ArrowLeft';
        started = performance.now();
        await page.keyboard.press(key);
        const next = await drawnAfter(page, range, started);
        steps.push(next.ms);
        range = next.range;
      }
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
      return {
        openToFirstDrawMs: { value: first.ms, unit: 'ms' },
        wholeDayDrawMs: { value: whole.ms, unit: 'ms' },
        openAndWholeDayMs: { value: first.ms + whole.ms, unit: 'ms', target: '< 500' },
        zoomPanStepMedianMs: { value: median(steps), unit: 'ms', target: '< 50' },
        zoomPanStepMaxMs: { value: Math.max(...steps), unit: 'ms' },
        rendererJsHeapMiB: { value: heap / 2 ** 20, unit: 'MiB', target: '< 200' },
      };
    } finally {
      await chromium.close();
      await face.close();
      await engine.close();
      dir.cleanup();
    }
  },
};

export default reviewView;
