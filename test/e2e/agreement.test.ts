// The agreement bench in real Chromium over the web face: a session the simulator recorded, opened
// from its review with the key B, ECG HR against PPG HR chosen, and the bias shown checked against
// the CLI's JSON and, with the lag set to 0, against a pairing computed here from the CSV export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShownAgreement } from './agreement-view';
import { cliOn } from '../helpers/cli';
import { exportedGaps, exportedHr, valueAt } from '../helpers/exported-hr';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

/** The overall bias once the lag line says `lagUsed` (estimated or manual). */
async function shownBias(page: Page, lagUsed: string): Promise<number> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const shown = await readShownAgreement(page);
    if (shown.bias && shown.lagUsed?.includes(lagUsed)) return Number(shown.bias);
    await page.waitForTimeout(50);
  }
  throw new Error('the agreement view showed no bias');
}

describe.skipIf(!chromiumPath)('agreement view in real Chromium', () => {
  const dir = tempDir('e2e-agreement');
  const db = join(dir.path, 'library.db');
  const cli = cliOn(db);
  let id: string;
  let face: WebFacePage;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const rec = await cli('record', '--device', 'sim', '--seconds', '150', '--still', '--fast');
    expect(rec.code).toBe(0);
    id = rec.stdout.trim().split('\n').pop()!;
    face = await openWebFacePage(db, chromiumPath!, `#/sessions/${id}`);
    face.page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 60_000);
  afterAll(async () => {
    await face?.close();
    dir.cleanup();
  });

  it('opens from the review with B, compares the two HR sources and shows the bias the CLI and the exported data give', async () => {
    const { page } = face;
    await page.getByTestId('review-agreement').waitFor({ timeout: 10_000 });
    await page.keyboard.press('b');
    await page.getByTestId('agreement-view').waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe(`#/sessions/${id}/agreement`);
    // Inside the shared top bar, with the session's tabs.
    expect(await page.getByTestId('tab-agreement').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('agreement-a').selectOption('ecg.metrics');
    await page.getByTestId('agreement-b').selectOption('ppg.metrics');

    const cliJson = JSON.parse((await cli('agreement', id, '--a', 'ecg.metrics', '--b', 'ppg.metrics', '--json')).stdout);
    const estimated = await shownBias(page, 'estimated');
    expect(estimated).toBeCloseTo(cliJson.bias, 2);
    expect(await page.getByTestId('agreement-lag').getAttribute('placeholder')).toBe(`auto ${cliJson.lag_s.toFixed(2)}`);

    // Lag 0 (a manual override): the pairs are the exported samples read at the same whole seconds,
    // nothing read across a gap of the stream or the one it derives from.
    const out = join(dir.path, 'export');
    expect((await cli('export', id, '--format', 'csv', '--out', out)).code).toBe(0);
    const ecg = exportedHr(join(out, 'ecg.metrics.csv'), exportedGaps(join(out, 'events.csv'), ['ecg', 'ecg.metrics']));
    const ppg = exportedHr(join(out, 'ppg.metrics.csv'), exportedGaps(join(out, 'events.csv'), ['ppg', 'ppg.metrics']));
    const differences: number[] = [];
    for (let s = 0; s <= 150; s++) {
      const d = valueAt(ppg, s) - valueAt(ecg, s);
      if (Number.isFinite(d)) differences.push(d);
    }
    const bias = differences.reduce((x, y) => x + y, 0) / differences.length;
    await page.getByTestId('agreement-lag').fill('0');
    const manual = await shownBias(page, 'manual');
    expect(differences.length).toBeGreaterThan(100);
    expect(Math.abs(manual - bias)).toBeLessThan(0.006);
    expect(await page.getByTestId('agreement-overall').locator('td').nth(2).textContent()).toBe(String(differences.length));

    // Both plots drawn with their units; the bias line labelled.
    await page.locator('[data-testid="agreement-bland-altman"] .recharts-scatter-symbol').first().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('agreement-bland-altman').textContent()).toContain('B - A (bpm)');
    expect(await page.getByTestId('agreement-bland-altman').textContent()).toContain(`bias ${manual.toFixed(2)}`);
    expect(await page.getByTestId('agreement-scatter').textContent()).toContain('A: ecg.metrics (bpm)');

    // The report downloads as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('agreement-export-csv').click()]);
    expect(download.suggestedFilename()).toBe(`agreement-${id}-ecg.metrics-vs-ppg.metrics.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n').find((l) => l.startsWith('overall,'))!.split(',')[5]).toBe(String(+(await shownRaw(page)).toPrecision(6)));

    // Sources of different units: a clear message, not a stack trace.
    await page.getByTestId('agreement-b').selectOption('ecg.metrics:RMSSD');
    await page.getByTestId('agreement-error').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('agreement-error').textContent()).toContain('not the same quantity');

    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-review]');
    expect(pageErrors).toEqual([]);
  });
});

/** The bias of the last report, as the JSON export would have it: asked of the API through the page's own download. */
async function shownRaw(page: Page): Promise<number> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('agreement-export-json').click()]);
  return JSON.parse(readFileSync((await download.path())!, 'utf8')).bias;
}
