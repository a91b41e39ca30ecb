import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import { startWebFace, type WebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage';
import { launchChromium } from '../helpers/chromium';
import { writeReviewSession } from '../helpers/review-session';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const rendererDir = join(__dirname, '../../out/renderer');

/** The range the review view last drew completely, seconds from the session start. */
async function drawn(page: Page): Promise<[number, number]> {
  const text = await page.locator('[data-review]').getAttribute('data-drawn');
  const [t0, t1] = (text ?? '').split(',').map(Number);
  return [t0, t1];
}

/** Waits until the drawn range satisfies `ok` (the view redraws after each move); polled from here, as the page's CSP forbids eval. */
async function waitDrawn(page: Page, ok: (t0: number, t1: number) => boolean): Promise<[number, number]> {
  const until = Date.now() + 10_000;
  let last: [number, number] = [NaN, NaN];
  while (Date.now() < until) {
    last = await drawn(page);
    if (ok(...last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`data-drawn stayed ${last.join(',')}`);
}

describe.skipIf(!chromiumPath)('review view in real Chromium', () => {
  const dir = tempDir('e2e-review');
  let engine: Engine;
  let face: WebFace;
  let close: () => Promise<void>;
  let page: Page;
  let sessionId: number;
  let beats: number[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
    const dbPath = join(dir.path, 'library.db');
    const library = new Library(dbPath);
    ({ sessionId, beats } = writeReviewSession(library));
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

  it('opens a session from its route and draws its first 30 s; the library lists it and back/forward work', async () => {
    await page.goto(`${face.url}#/sessions`);
    const row = page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByTestId(`open-${sessionId}`).click();
    await page.waitForSelector('[data-review]');
    expect(new URL(page.url()).hash).toBe(`#/sessions/${sessionId}`);
    expect(await waitDrawn(page, (t0, t1) => t0 === 0 && t1 === 30)).toEqual([0, 30]);
    expect(await page.getByTestId('review-title').textContent()).toBe('review fixture');
    for (const key of ['sim/ecg', 'sim/ppg', 'sim/hr']) expect(await page.locator(`canvas[data-stream="${key}"]`).count()).toBe(1);

    await page.goBack();
    await page.getByTestId('session-row').first().waitFor();
    await page.goForward();
    await waitDrawn(page, (t0, t1) => t0 === 0 && t1 === 30);
    // A reload of the route lands on the same session (what `vitalscope serve` + the route gives).
    await page.goto(`${face.url}#/sessions/${sessionId}`);
    await waitDrawn(page, (t0, t1) => t0 === 0 && t1 === 30);
    expect(pageErrors).toEqual([]);
  });

  it('zooms with keys and the wheel, pans, and shows the whole session', async () => {
    await page.locator('[data-review]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('+');
    expect(await waitDrawn(page, (t0, t1) => t1 - t0 === 15)).toEqual([7.5, 22.5]);
    await page.keyboard.press('ArrowRight');
    expect(await waitDrawn(page, (t0) => t0 === 11.25)).toEqual([11.25, 26.25]);
    await page.keyboard.press('Shift+ArrowRight');
    expect(await waitDrawn(page, (t0) => t0 === 26.25)).toEqual([26.25, 41.25]);
    await page.keyboard.press('-');
    expect(await waitDrawn(page, (t0, t1) => t1 - t0 === 30)).toEqual([18.75, 48.75]);
    await page.keyboard.press('End');
    expect(await waitDrawn(page, (_t0, t1) => t1 === 120)).toEqual([90, 120]);
    await page.keyboard.press('0');
    expect(await waitDrawn(page, (t0, t1) => t0 === 0 && t1 === 120)).toEqual([0, 120]);
    await page.keyboard.press('Home');

    // The wheel zooms around the pointer: the time under it stays put.
    const box = (await page.locator('canvas[data-stream="sim/ecg"]').boundingBox())!;
    const plotLeft = box.x + 64;
    const plotW = box.width - 64 - 12;
    const x = plotLeft + plotW * 0.75;
    await page.mouse.move(x, box.y + box.height / 2);
    await page.mouse.wheel(0, -100);
    const [t0, t1] = await waitDrawn(page, (t0, t1) => t1 - t0 < 119);
    expect(t1 - t0).toBeCloseTo(96, 6);
    expect(t0 + 0.75 * (t1 - t0)).toBeCloseTo(90, 1);

    // Dragging pans: moving the trace right shows earlier times.
    // Home keeps the length (96 s); + zooms around the centre.
    await page.keyboard.press('Home');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    const [before] = await waitDrawn(page, (t0, t1) => t0 === 36 && t1 === 60);
    await page.mouse.move(plotLeft + plotW / 2, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(plotLeft + plotW / 2 + plotW / 6, box.y + 60, { steps: 5 });
    await page.mouse.up();
    // A sixth of the plot is 4 s; the drawn range passes through the drag's steps on the way.
    const [after] = await waitDrawn(page, (t0) => Math.abs(t0 - (before - 4)) < 0.05);
    expect(after).toBeCloseTo(32, 1);
  });

  it('picks a window length, moves by the overview, selects on the time axis, scales amplitude, and explains a bad route', async () => {
    await page.getByTestId('review-window').selectOption('10');
    const [a, b] = await waitDrawn(page, (t0, t1) => t1 - t0 === 10);
    expect(b - a).toBe(10);
    // A click on the overview centres the window there.
    const ov = (await page.getByTestId('review-overview').boundingBox())!;
    await page.mouse.click(ov.x + 64 + ((ov.width - 76) * 90) / 120, ov.y + ov.height / 2);
    expect(await waitDrawn(page, (t0) => t0 === 85)).toEqual([85, 95]);
    // A drag on the time axis selects an interval for a label (no Shift needed there).
    const axis = (await page.getByTestId('review-axis').boundingBox())!;
    const ax = (t: number): number => axis.x + 64 + ((axis.width - 76) * (t - 85)) / 10;
    await page.mouse.move(ax(87), axis.y + 10);
    await page.mouse.down();
    await page.mouse.move(ax(89), axis.y + 10, { steps: 3 });
    await page.mouse.up();
    expect(await page.getByTestId('label-bar').textContent()).toMatch(/Label 1:2[67]\.\d+ – 1:2[89]\.\d+ \([12](\.\d+)? s\)/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('.review-head').textContent()).toContain('×1.50');
    await page.keyboard.press('ArrowDown');

    const other = await page.context().newPage();
    await other.goto(`${face.url}#/sessions/999`);
    expect(await other.getByTestId('review-error').textContent()).toMatch(/Session 999 could not be opened: no session 999/);
    await other.close();
  });

  it('labels a Shift+dragged interval with a hotkey, undoes and redoes it, and measures an interval', async () => {
    await page.keyboard.press('0');
    await waitDrawn(page, (t0, t1) => t0 === 0 && t1 === 120);
    const box = (await page.locator('canvas[data-stream="sim/ecg"]').boundingBox())!;
    const xAt = (t: number): number => box.x + 64 + ((box.width - 76) * t) / 120;
    await page.keyboard.down('Shift');
    await page.mouse.move(xAt(30), box.y + 50);
    await page.mouse.down();
    await page.mouse.move(xAt(45), box.y + 50, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.keyboard.press('1');
    const item = page.getByTestId('label-item');
    await item.waitFor({ timeout: 5000 });
    expect(await item.textContent()).toContain('motion');
    const labels = async () => (await engine.getSessionDetail(sessionId)).events.filter((e) => e.kind === 'label');
    const [label] = await labels();
    expect(label.text).toBe('motion');
    expect(label.t).toBeCloseTo(30, 0);
    expect(label.duration).toBeCloseTo(15, 0);

    await page.keyboard.press('Control+z');
    await item.waitFor({ state: 'detached', timeout: 5000 });
    expect(await labels()).toEqual([]);
    await page.keyboard.press('Control+Shift+z');
    await item.waitFor({ timeout: 5000 });
    expect((await labels()).map((l) => l.text)).toEqual(['motion']);

    // Select it in the list and type a new text; undo brings the old one back. Delete from the list, undo.
    await item.getByRole('button', { name: 'motion', exact: true }).click();
    await page.getByTestId('label-text').fill('bad contact, left arm');
    await page.getByTestId('label-apply').click();
    await expect.poll(async () => (await labels()).map((l) => l.text)).toEqual(['bad contact, left arm']);
    await page.locator('[data-review]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels()).map((l) => l.text)).toEqual(['motion']);
    await item.getByTestId('label-delete').click();
    await item.waitFor({ state: 'detached', timeout: 5000 });
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels()).map((l) => l.text)).toEqual(['motion']);
    // The help overlay lists the gestures.
    await page.keyboard.press('?');
    expect(await page.getByTestId('review-help').textContent()).toContain('Shift+drag');
    await page.keyboard.press('Escape');
    await page.getByTestId('review-help').waitFor({ state: 'detached' });

    // Two clicks measure: Δt and the heart rate it implies.
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('Home');
    const [t0, t1] = await waitDrawn(page, (a, b) => a === 0 && b === 15);
    const x = (t: number): number => box.x + 64 + ((box.width - 76) * (t - t0)) / (t1 - t0);
    await page.mouse.click(x(2.2), box.y + 80);
    await page.mouse.click(x(3.0), box.y + 80);
    const text = await page.getByTestId('review-measure').textContent();
    expect(text).toMatch(/Δt 80\d ms/);
    expect(text).toMatch(/7\d\.\d bpm/);
  });

  it('deletes and rejects beats, sees HRV change, undoes both, and resets to the detected set', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('0');
    await page.keyboard.press('Home');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('Home');
    const [t0, t1] = await waitDrawn(page, (a, b) => a === 0 && b === 15);
    const box = (await page.locator('canvas[data-stream="sim/ecg"]').boundingBox())!;
    const x = (t: number): number => box.x + 64 + ((box.width - 76) * (t - t0)) / (t1 - t0);
    const hrv = page.getByTestId('hrv-values-sim/ecg');
    const nn = async (): Promise<number> => Number(await hrv.getAttribute('data-nn'));
    const beatCount = async (): Promise<[number, number]> => {
      const el = page.getByTestId('beats-sim/ecg');
      return [Number(await el.getAttribute('data-count')), Number(await el.getAttribute('data-rejected'))];
    };
    // The panel answers for the window shown (it asks again once the window settles).
    await expect.poll(async () => hrv.getAttribute('data-range')).toBe(`${t0},${t1}`);
    const nnBefore = await nn();
    expect(nnBefore).toBeGreaterThan(10);
    const [countBefore] = await beatCount();
    expect(countBefore).toBe(beats.length);

    // Click a beat mark, Del: a false detection gone; the merged interval fails the 20 % rule.
    await page.mouse.click(x(beats[5]) + 2, box.y + 40);
    await page.getByTestId('selected-beat').waitFor();
    await page.keyboard.press('Delete');
    await expect.poll(beatCount).toEqual([countBefore - 1, 0]);
    await expect.poll(nn).toBeLessThan(nnBefore);
    expect(await page.getByTestId('hrv-set-sim/ecg').textContent()).toBe('corrected');
    const nnDeleted = await nn();

    // Another one rejected as artifact (X): still a beat, its intervals leave HRV.
    await page.mouse.click(x(beats[10]) - 2, box.y + 40);
    await page.keyboard.press('x');
    await expect.poll(beatCount).toEqual([countBefore - 1, 1]);
    await expect.poll(nn).toBeLessThan(nnDeleted);
    const stored = await engine.getBeats(sessionId, 'sim/ecg');
    expect(stored.set).toBe('corrected');
    expect(stored.t).toHaveLength(beats.length - 1);
    expect(stored.rejected.filter(Boolean)).toHaveLength(1);

    await page.keyboard.press('Control+z');
    await expect.poll(beatCount).toEqual([countBefore - 1, 0]);
    await page.keyboard.press('Control+z');
    await expect.poll(beatCount).toEqual([countBefore, 0]);
    await expect.poll(nn).toBe(nnBefore);
    const restored = await engine.getBeats(sessionId, 'sim/ecg');
    expect(restored.t.map((t) => Number(t.toFixed(4)))).toEqual(beats);
    expect(restored.rejected.some(Boolean)).toBe(false);

    // Drag a beat mark to move the beat; undo moves it back.
    const pxPerS = (box.width - 76) / (t1 - t0);
    await page.mouse.move(x(beats[7]), box.y + 40);
    await page.mouse.down();
    await page.mouse.move(x(beats[7]) + 0.1 * pxPerS, box.y + 40, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => (await engine.getBeats(sessionId, 'sim/ecg')).t[7]).toBeCloseTo(beats[7] + 0.1, 1);
    expect((await engine.getBeats(sessionId, 'sim/ecg')).t).toHaveLength(beats.length);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await engine.getBeats(sessionId, 'sim/ecg')).t[7]).toBeCloseTo(beats[7], 3);

    // Double-click adds a beat; Reset (confirmed) goes back to the detector's beats.
    await page.mouse.dblclick(x((beats[2] + beats[3]) / 2), box.y + 60);
    await expect.poll(beatCount).toEqual([countBefore + 1, 0]);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('beats-reset-sim/ecg').click();
    await expect.poll(beatCount).toEqual([countBefore, 0]);
    expect((await engine.getBeats(sessionId, 'sim/ecg')).set).toBe('detected');
  });

  it('looks right: axes with units, labels, gaps, beats (screenshot)', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('0');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('ArrowLeft');
    const [t0, t1] = await waitDrawn(page, (a, b) => a === 37.5 && b === 67.5);
    // A label's end, the gap, a rejected beat, a measurement and the cursor readout in one picture.
    const box = (await page.locator('canvas[data-stream="sim/ecg"]').boundingBox())!;
    const x = (t: number): number => box.x + 64 + ((box.width - 76) * (t - t0)) / (t1 - t0);
    const rejectAt = beats.find((b) => b > 50)!;
    await page.mouse.click(x(rejectAt), box.y + 40);
    await page.keyboard.press('x');
    await expect.poll(async () => page.getByTestId('beats-sim/ecg').getAttribute('data-rejected')).toBe('1');
    const between = beats.findIndex((b) => b > 55);
    await page.mouse.click(x((beats[between] + beats[between + 1]) / 2), box.y + 80);
    await page.mouse.click(x((beats[between + 3] + beats[between + 4]) / 2), box.y + 80);
    await page.getByTestId('review-measure').waitFor();
    await page.mouse.move(x(62), box.y + 70);
    await expect.poll(async () => page.getByTestId('hrv-values-sim/ecg').getAttribute('data-range')).toBe(`${t0},${t1}`);
    const path = join(process.env.VITALSCOPE_SCREENSHOT_DIR ?? dir.path, 'review.png');
    await page.screenshot({ path });
    expect(existsSync(path)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('re-runs the analysis with another HRV window from the review view and lists the run beside the others', async () => {
    await page.goto(`${face.url}#/sessions/${sessionId}`);
    await page.getByTestId('analysis-runs').waitFor();
    await page.getByTestId('run-name').fill('HRV 60 s');
    await page.getByTestId('run-hrv-window').fill('60');
    await page.getByTestId('run-start').click();
    const row = page.locator('[data-testid="run-row"]', { hasText: 'HRV 60 s' });
    await row.waitFor({ timeout: 30_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toContain('HRV 60/30 s');
    // Two minutes of the fixture's beats (one second lost): about 150 R peaks found again.
    expect(Number(cells[2])).toBeGreaterThan(130);
    expect(cells[3]).toMatch(/^\d+$/); // beats withheld as unusable: a count
    expect(Number(cells[7])).toBeGreaterThanOrEqual(2); // 60 s windows every 30 s over 120 s
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
  });
});