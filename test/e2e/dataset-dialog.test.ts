import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage';
import { writeDatasetSession } from '../helpers/dataset-session';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('the dataset dialog in real Chromium through the web face', () => {
  const dir = tempDir('e2e-dataset-dialog');
  const dbPath = join(dir.path, 'library.db');
  let app: WebFacePage;
  let page: Page;
  let ids: number[];

  beforeAll(async () => {
    const library = new Library(dbPath);
    // Streams ecg (250 Hz) and acc (50 Hz), 20 s each: four 5 s windows a session.
    ids = ['alice', 'bob', 'carol'].map((participant) => writeDatasetSession(library, { participant, seconds: 20, imu: 'still' }));
    library.close();
    app = await openWebFacePage(dbPath, chromiumPath!, '#/sessions');
    page = app.page;
    await page.getByTestId('session-row').first().waitFor({ timeout: 10_000 });
  });

  afterAll(async () => {
    await app?.close();
    dir.cleanup();
  });

  it('offers the library\'s filtered list: a narrowed search is the sessions it starts with', async () => {
    await page.getByTestId('library-search').fill('alice');
    await page.getByTestId('dataset-open').click();
    expect(await page.getByTestId('dataset-sessions-chosen').isChecked()).toBe(true);
    expect(await page.getByTestId(`dataset-session-${ids[0]}`).isChecked()).toBe(true);
    expect(await page.getByTestId(`dataset-session-${ids[1]}`).count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('dataset-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('library-search').fill('');
  });

  it('builds two of the sessions into a typed folder: bad fields named first, then the manifest and the counts per split', async () => {
    const out = join(dir.path, 'my dataset');
    await page.getByTestId('dataset-open').click();
    expect(await page.getByTestId('dataset-sessions-all').isChecked()).toBe(true);
    await page.getByTestId('dataset-sessions-chosen').check();
    await page.getByTestId(`dataset-session-${ids[2]}`).uncheck();
    // The streams are the recorded ones of the sessions, all ticked.
    expect(await page.getByTestId('dataset-stream-ecg').isChecked()).toBe(true);
    await page.getByTestId('dataset-stream-ecg').uncheck();
    await page.getByTestId('dataset-stream-acc').uncheck();
    await page.getByTestId('dataset-start').click();
    expect(await page.getByTestId('dataset-dialog-error').textContent()).toBe('Choose at least one stream');
    await page.getByTestId('dataset-stream-ecg').check();
    await page.getByTestId('dataset-window').fill('0');
    await page.getByTestId('dataset-start').click();
    expect(await page.getByTestId('dataset-dialog-error').textContent()).toBe('Window: must be more than 0 s, got 0 s');
    await page.getByTestId('dataset-window').fill('5');
    for (const s of ['train', 'val', 'test']) await page.getByTestId(`dataset-split-${s}`).fill('0');
    await page.getByTestId('dataset-start').click();
    expect(await page.getByTestId('dataset-dialog-error').textContent()).toMatch(/^Split: the shares are all zero/);
    await page.getByTestId('dataset-split-train').fill('50');
    await page.getByTestId('dataset-split-val').fill('50');
    await page.getByTestId('dataset-seed').fill('7');
    await page.getByTestId('dataset-out').fill(out);
    // Enter builds.
    await page.getByTestId('dataset-out').press('Enter');
    await page.getByTestId('dataset-manifest').waitFor({ timeout: 60_000 });

    expect(await page.getByTestId('dataset-manifest').textContent()).toBe(join(out, 'manifest.json'));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { arguments: Record<string, unknown>; counts: Record<string, { sessions: number; windows: number }> };
    expect(manifest.arguments).toMatchObject({ streams: ['ecg'], window: 5, step: 5, sessions: [ids[0], ids[1]], split: [50, 50, 0], seed: 7, npy: false });
    // The dialog shows the manifest's counts: 2 sessions, 8 windows in all, none in test.
    const shown: Record<string, { sessions: number; windows: number }> = {};
    for (const s of ['train', 'val', 'test']) {
      const cells = await page.getByTestId(`dataset-count-${s}`).locator('td').allTextContents();
      shown[s] = { sessions: Number(cells[1]), windows: Number(cells[3]) };
      expect(shown[s]).toEqual({ sessions: manifest.counts[s].sessions, windows: manifest.counts[s].windows });
    }
    expect(Object.values(shown).reduce((sum, c) => sum + c.windows, 0)).toBe(8);
    expect(shown.test).toEqual({ sessions: 0, windows: 0 });
    // The folder holds the Parquet parts, Hive-partitioned.
    const parts = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet'));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const p of parts) expect(p).toMatch(/^split=(train|val)\/participant=(alice|bob)\/part-\d+-\d+\.parquet$/);

    await page.keyboard.press('Escape');
    await page.getByTestId('dataset-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('export-result').textContent()).toBe(`dataset built: ${join(out, 'manifest.json')}`);
  });
});
