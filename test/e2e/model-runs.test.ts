import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import { startWebFace, type WebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage';
import { launchChromium } from '../helpers/chromium';
import { writePvcSession, type PvcSession } from '../helpers/pvc-session';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const rendererDir = join(__dirname, '../../out/renderer');
const BUNDLED = join(__dirname, '../../resources/models/pvc/pvc.onnx');

/** The window the review last drew completely, seconds from the session start. */
async function drawnStart(page: Page): Promise<number> {
  return Number(((await page.locator('[data-review]').getAttribute('data-drawn')) ?? '').split(',')[0]);
}

describe.skipIf(!chromiumPath)('model runs in the review view, in real Chromium', () => {
  const dir = tempDir('e2e-model-runs');
  let engine: Engine;
  let face: WebFace;
  let close: () => Promise<void>;
  let page: Page;
  let fixture: PvcSession;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
    const dbPath = join(dir.path, 'library.db');
    const library = new Library(dbPath);
    fixture = writePvcSession(library, 120, 'pvc');
    library.close();
    engine = await createEngine({ dbPath });
    face = await startWebFace({ engine, port: 0, rendererDir });
    const chromium = await launchChromium(chromiumPath!);
    close = chromium.close;
    page = await chromium.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await close?.();
    await face?.close();
    await engine?.close();
    dir.cleanup();
  });

  it('runs the bundled PVC model from the review view: a job, its counts per class, its V marks on the ECG, ] / [ between them', { timeout: 60_000 }, async () => {
    await page.goto(`${face.url}#/sessions/${fixture.sessionId}`);
    const panel = page.getByTestId('model-runs');
    await panel.waitFor();
    // The bundled model is the default; the engine says where it is.
    await expect.poll(() => page.getByTestId('model-run-path').inputValue()).toBe(BUNDLED);
    await page.getByTestId('model-run-start').click();
    const row = panel.locator('[data-testid="model-run-row"]', { hasText: 'pvc' });
    await row.waitFor({ timeout: 30_000 });
    // Every wide premature beat of the fixture (20 of them) is V, the narrow ones N.
    expect(await row.getByTestId('model-run-counts').textContent()).toMatch(/^N 12\d · V 20$/);

    await row.getByRole('button', { name: 'Show marks' }).click();
    const marks = page.getByTestId('model-marks-sim/ecg');
    await expect.poll(() => marks.getAttribute('data-count')).toBe('20');
    // ] / [ centre the 30 s window on the next / previous mark (clamped to the session).
    const start = (t: number) => Math.min(Math.max(t - 15, 0), 90);
    await page.keyboard.press('End');
    await page.keyboard.press('[');
    await expect.poll(() => drawnStart(page)).toBeCloseTo(start(fixture.premature.filter((t) => t < 105).at(-1)!), 2);
    await page.keyboard.press('Home');
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    await expect.poll(() => drawnStart(page)).toBeCloseTo(start(fixture.premature.filter((t) => t > 15)[1]), 2);

    // The live model recorded in the session: its V marks on the same track, added to the run's.
    const live = panel.getByTestId('model-live-row');
    expect(await live.locator('td').nth(4).textContent()).toBe(`N ${fixture.normal.length} · V ${fixture.premature.length}`);
    await live.getByRole('button', { name: 'Show marks' }).click();
    await expect.poll(() => marks.getAttribute('data-count')).toBe('40');
    await row.getByRole('button', { name: 'Hide marks' }).click();
    await live.getByRole('button', { name: 'Hide marks' }).click();
    await marks.waitFor({ state: 'detached' });

    // A second run under the same name is refused with the reason; delete removes the run.
    await page.getByTestId('model-run-start').click();
    await expect.poll(() => page.getByTestId('model-run-error').textContent()).toMatch(/already has a model run named "pvc"/);
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });
});
