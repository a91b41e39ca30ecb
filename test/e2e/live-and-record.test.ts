import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import { startWebFace, type WebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage';
import { launchChromium } from '../helpers/chromium';
import { writeSyntheticSession } from '../helpers/synthetic-session';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { canvasSignature } from './canvas-signature';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const rendererDir = join(__dirname, '../../out/renderer');

describe.skipIf(!chromiumPath)('web face in real Chromium', () => {
  const dir = tempDir('e2e');
  let engine: Engine;
  let face: WebFace;
  let close: () => Promise<void>;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
    engine = await createEngine({ dbPath: join(dir.path, 'library.db') });
    face = await startWebFace({ engine, port: 0, rendererDir });
    const chromium = await launchChromium(chromiumPath!);
    close = chromium.close;
    page = await chromium.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(face.url);
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await close?.();
    await face?.close();
    await engine?.close();
    dir.cleanup();
  });

  it('rejects the page and the socket without the token', async () => {
    const url = new URL(face.url);
    expect((await fetch(`${url.origin}/`)).status).toBe(401);
    expect((await fetch(`${url.origin}/?token=wrong`)).status).toBe(401);
    const status = await page.evaluate(
      (origin) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=wrong`);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      url.origin,
    );
    expect(status).toBe('refused');
  });

  it('connects the simulated board and draws moving traces', async () => {
    await page.getByTestId('connect-sim').click();
    const ecg = 'canvas[data-stream="sim/ecg"]';
    await page.waitForSelector(ecg, { timeout: 10_000 });
    await page.waitForTimeout(1500);
    const first = await canvasSignature(page, ecg);
    await page.waitForTimeout(1000);
    const second = await canvasSignature(page, ecg);
    expect(first.inked).toBeGreaterThan(200);
    expect(second.hash).not.toBe(first.hash);
    for (const stream of ['sim/ppg', 'sim/imu']) expect((await canvasSignature(page, `canvas[data-stream="${stream}"]`)).inked).toBeGreaterThan(200);
  });

  it('shows live numerics, beat marks, the filtered view and a PSD', async () => {
    // Heart rate from the live analysis, with a trustworthy quality: read once, in the page, so a
    // tile that updates between two reads cannot make the check disagree with itself.
    const seen = await page.waitForFunction(
      () => {
        const tile = document.querySelector('[data-testid="numeric-hr"]');
        const value = Number(tile?.querySelector('[data-testid="numeric-hr-value"]')?.textContent);
        const quality = tile?.getAttribute('data-quality');
        return value >= 50 && value <= 100 && (quality === 'good' || quality === 'fair') ? { value, quality } : false;
      },
      undefined,
      { timeout: 20_000, polling: 250 },
    );
    const { value, quality } = (await seen.jsonValue()) as { value: number; quality: string };
    expect(value).toBeGreaterThanOrEqual(50);
    expect(value).toBeLessThanOrEqual(100);
    expect(['good', 'fair']).toContain(quality);

    // R peaks marked on the ECG trace.
    const ecg = 'canvas[data-stream="sim/ecg"]';
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-marks')) > 3, ecg, { timeout: 10_000, polling: 250 });
    // Live-only filtered views feed their source's toggle, never a chart of their own.
    expect(await page.locator('canvas[data-stream="sim/ecg.filtered"]').count()).toBe(0);

    // The filtered lane draws other pixels than the raw one (pause so only the toggle changes them).
    await page.getByTestId('live-pause').click();
    await page.waitForTimeout(200);
    const raw = await canvasSignature(page, ecg);
    await page.getByTestId('filter-sim/ecg-0').click();
    await page.waitForTimeout(200);
    const filtered = await canvasSignature(page, ecg);
    expect(filtered.hash).not.toBe(raw.hash);
    expect(await page.getByTestId('filter-sim/ecg-0').textContent()).toBe('filt');
    await page.getByTestId('filter-sim/ecg-0').click();
    await page.getByTestId('live-pause').click();

    // Spectrum of the PPG's second channel.
    await page.getByTestId('psd-toggle').click();
    await page.getByTestId('psd-stream').selectOption('sim/ppg');
    await page.getByTestId('psd-channel').selectOption('1');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="psd-chart"]')?.getAttribute('data-points')) > 10, undefined, {
      timeout: 10_000,
      polling: 250,
    });
    // Recharts draws its line a moment after the points are set (it is loaded on first use).
    await page.locator('[data-testid="psd-chart"] svg path.recharts-curve').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('psd-toggle').click();
  });

  it('records 5 s and lists the session with plausible sample counts', async () => {
    await page.getByTestId('record-name').fill('e2e run');
    await page.getByTestId('record-participant').fill('P-E2E');
    await page.getByTestId('record-start').click();
    await page.waitForTimeout(5000);
    await page.getByTestId('record-stop').click();
    // The record bar is on every view; the library is the Sessions tab.
    await page.getByTestId('tab-sessions').click();
    const row = page.getByTestId('session-row').filter({ hasText: 'e2e run' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('P-E2E');

    const [session] = await engine.listSessions();
    expect(session.name).toBe('e2e run');
    const seconds = (Date.parse(session.endedAt!) - Date.parse(session.startedAt)) / 1000;
    expect(seconds).toBeGreaterThan(4.5);
    for (const s of session.streams.filter((x) => !x.derivedFrom)) {
      // A packet's worth of samples may sit on either side of the start and stop instants.
      expect(Math.abs(s.samples - s.rate * seconds)).toBeLessThan(s.rate * 0.15);
      expect(await row.textContent()).toContain(s.samples.toLocaleString('en-US'));
    }

    // Export from the table (the dialog's defaults: CSV, all of it): the CSVs land beside the library, and the page says where.
    await page.getByTestId(`export-${session.id}`).click();
    await page.keyboard.press('Enter');
    const result = page.getByTestId('export-dialog-result');
    await result.waitFor({ timeout: 10_000 });
    const exportDir = join(dir.path, 'exports', `session-${session.id}-csv`);
    expect(await result.textContent()).toContain(exportDir);
    await page.getByTestId('export-close').click();
    const ecgCsv = readFileSync(join(exportDir, 'ecg.csv'), 'utf8').trim().split('\n');
    expect(ecgCsv[0]).toBe('time_s,Lead I [uV]');
    expect(ecgCsv).toHaveLength(session.streams.find((s) => s.name === 'ecg')!.samples + 1);
  });

  it('shows a long export\'s progress and cancels it from the table', async () => {
    // 30 min of 16 channels at 1 kHz: an export of many seconds, written beside the engine's connection.
    const library = new Library(join(dir.path, 'library.db'));
    const { sessionId } = writeSyntheticSession(library, { seconds: 1800, rate: 1000, channels: 16, name: 'long one' });
    library.close();
    await page.getByTestId('sessions-refresh').click();
    await page.getByTestId(`export-${sessionId}`).click();
    await page.getByTestId('export-start').click();
    const progress = page.getByTestId('export-dialog-progress');
    await progress.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="export-dialog-progress"] progress')?.getAttribute('value')) > 0);
    await page.getByTestId('export-dialog-cancel').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="export-dialog-result"]')?.textContent?.includes('Cancelled'), undefined, { timeout: 10_000 });
    await page.getByTestId('export-close').click();
    const result = page.getByTestId('export-result');
    expect(await result.textContent()).toContain(`export of session ${sessionId} cancelled`);
    expect(existsSync(join(dir.path, 'exports', `session-${sessionId}-csv`))).toBe(false);
    // The button is back for another try.
    await page.getByTestId(`export-${sessionId}`).waitFor();
  });
});
