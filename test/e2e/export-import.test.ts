import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine';
import type { WebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage';
import { writeReviewSession } from '../helpers/review-session';
import { findSharedData } from '../helpers/shared-data';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const data = findSharedData(['ecg/mitdb/100.hea', 'ecg/mitdb/100.dat', 'ecg/mitdb/100.atr', 'ecg/mitdb/100s.hea', 'ecg/mitdb/100s.dat', 'ecg/mitdb/100s.atr']);

describe.skipIf(!chromiumPath)('the export dialog and importing files in real Chromium through the web face', () => {
  const dir = tempDir('e2e-export-import');
  const dbPath = join(dir.path, 'library.db');
  let run: WebFacePage;
  let engine: Engine;
  let face: WebFace;
  let page: Page;
  let sessionId: number;

  beforeAll(async () => {
    const library = new Library(dbPath);
    sessionId = writeReviewSession(library).sessionId;
    library.close();
    run = await openWebFacePage(dbPath, chromiumPath!, '#/sessions');
    ({ engine, face, page } = run);
    await page.getByTestId('session-row').first().waitFor({ timeout: 10_000 });
  });

  afterAll(async () => {
    await run?.close();
    dir.cleanup();
  });

  it('exports one stream over typed seconds from the Sessions table: the files, and a bad range named in the dialog', async () => {
    await page.getByTestId(`export-${sessionId}`).click();
    await page.getByTestId('export-stream-sim/ecg').waitFor();
    await page.getByTestId('export-stream-sim/ecg').uncheck();
    await page.getByTestId('export-stream-sim/hr').uncheck();
    await page.getByTestId('export-from').fill('30');
    await page.getByTestId('export-to').fill('20');
    await page.getByTestId('export-start').click();
    expect(await page.getByTestId('export-dialog-error').textContent()).toBe('To (20 s) must be after From (30 s)');
    await page.getByTestId('export-to').fill('40');
    // Enter starts it.
    await page.getByTestId('export-to').press('Enter');
    const result = page.getByTestId('export-dialog-result');
    await result.waitFor({ timeout: 10_000 });
    const out = join(dir.path, 'exports', `session-${sessionId}-30-40s-ppg-csv`);
    expect(await result.textContent()).toContain(out);
    expect(readdirSync(out).sort()).toEqual(['events.csv', 'ppg.csv']);
    const ppg = readFileSync(join(out, 'ppg.csv'), 'utf8').trim().split('\n');
    expect(ppg[0]).toBe('time_s,red [au],ir [au]');
    expect(ppg).toHaveLength(1 + 10 * 100);
    expect(Number(ppg[1].split(',')[0])).toBeCloseTo(30, 6);
    await page.keyboard.press('Escape');
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' });
  });

  it('exports the review\'s view as EDF+ from the review', async () => {
    await page.goto(`${face.url}#/sessions/${sessionId}`);
    await page.getByTestId('review-title').waitFor({ timeout: 10_000 });
    await page.getByTestId('review-export').click();
    expect(await page.getByTestId('export-range-view').isChecked()).toBe(true);
    await page.getByTestId('export-format-edf').check();
    await page.getByTestId('export-start').click();
    const result = page.getByTestId('export-dialog-result');
    await result.waitFor({ timeout: 10_000 });
    const written = readdirSync(join(dir.path, 'exports')).filter((f) => f.endsWith('.edf'));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(new RegExp(`^session-${sessionId}-0-\\d+(\\.\\d+)?s\\.edf$`));
    await page.getByTestId('export-close').click();
  });

  it.skipIf(!data)('imports a WFDB record picked with "Import files…" and opens it in the review', async () => {
    await page.goto(`${face.url}#/sessions`);
    await page.getByTestId('import-files-input').setInputFiles(['100.hea', '100.dat', '100.atr'].map((f) => join(data!, 'ecg/mitdb', f)));
    const done = page.locator('[data-testid="file-import"][data-file="100.hea"] [data-testid="file-import-done"]');
    await done.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="file-import"][data-file="100.dat"]').textContent()).toContain('read with 100.hea');
    const [imported] = (await engine.listSessions()).filter((s) => s.id !== sessionId);
    await page.locator(`[data-session-id="${imported.id}"]`).first().waitFor({ timeout: 10_000 });
    await page.getByTestId(`file-import-open-${imported.id}`).click();
    await page.waitForFunction((id) => document.querySelector('[data-review]')?.getAttribute('data-session-id') === String(id), imported.id, { timeout: 10_000 });
    expect(await page.getByTestId('review-title').textContent()).toBe(imported.name);
  });

  it.skipIf(!data)('imports a record dropped anywhere on the window; a file it cannot read gets its own error', async () => {
    await page.goto(`${face.url}#/live`);
    const files = ['100s.hea', '100s.dat', '100s.atr'].map((f) => ({ name: f, base64: readFileSync(join(data!, 'ecg/mitdb', f)).toString('base64') }));
    files.push({ name: 'notes.txt', base64: Buffer.from('not a recording').toString('base64') });
    const before = (await engine.listSessions()).length;
    await page.evaluate((dropped) => {
      const transfer = new DataTransfer();
      for (const f of dropped) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
      document.querySelector('main')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    await page.locator('[data-testid="file-import"][data-file="100s.hea"] [data-testid="file-import-done"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="file-import"][data-file="notes.txt"] [data-testid="file-import-error"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="file-import"][data-file="notes.txt"]').textContent()).toContain('notes.txt');
    expect((await engine.listSessions()).length).toBe(before + 1);
  });
});
