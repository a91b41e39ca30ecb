import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import { readEdf } from '../../src/main/formats/edf';
import { startWebFace, type WebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage';
import { launchChromium } from '../helpers/chromium';
import { writeSyntheticSession } from '../helpers/synthetic-session';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const rendererDir = join(__dirname, '../../out/renderer');

describe.skipIf(!chromiumPath)('session library in real Chromium through the web face', () => {
  const dir = tempDir('e2e-library');
  const dbPath = join(dir.path, 'library.db');
  let engine: Engine;
  let face: WebFace;
  let close: () => Promise<void>;
  let page: Page;
  const ids: Record<'walk' | 'night' | 'ride', number> = { walk: 0, night: 0, ride: 0 };

  const names = async (): Promise<string[]> => page.getByTestId('session-row').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid^="session-name-"]')?.textContent ?? ''));
  const waitForNames = async (expected: string[]): Promise<void> => {
    await page.waitForFunction(
      (want) => JSON.stringify(Array.from(document.querySelectorAll('[data-testid^="session-name-"]'), (e) => e.textContent)) === JSON.stringify(want),
      expected,
      { timeout: 10_000 },
    );
  };

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
    const library = new Library(dbPath);
    ids.walk = writeSyntheticSession(library, { seconds: 1800, rate: 10, channels: 1, name: 'park walk' }).sessionId;
    ids.night = writeSyntheticSession(library, { seconds: 60, rate: 10, channels: 1, name: 'night' }).sessionId;
    ids.ride = writeSyntheticSession(library, { seconds: 600, rate: 10, channels: 1, name: 'bike ride' }).sessionId;
    library.close();
    engine = await createEngine({ dbPath });
    face = await startWebFace({ engine, port: 0, rendererDir });
    const chromium = await launchChromium(chromiumPath!);
    close = chromium.close;
    page = await chromium.context.newPage();
    await page.goto(`${face.url}#/sessions`);
    await page.getByTestId('session-row').first().waitFor({ timeout: 10_000 });
  });

  afterAll(async () => {
    await close?.();
    await face?.close();
    await engine?.close();
    dir.cleanup();
  });

  it('search, a tag, a minimum duration and the sort order filter and order the table', async () => {
    // Same start time: the newest id first.
    expect(await names()).toEqual(['bike ride', 'night', 'park walk']);
    await page.getByTestId('library-search').fill('WALK');
    await waitForNames(['park walk']);
    expect(await page.getByTestId('sessions-count').textContent()).toBe('1 of 3');
    // The device label is searched too.
    await page.getByTestId('library-search').fill('synthetic');
    await waitForNames(['bike ride', 'night', 'park walk']);
    await page.getByTestId('library-search').fill('');

    // A tag added inline, then used as a filter.
    await page.getByTestId(`tag-input-${ids.night}`).fill('sleep');
    await page.getByTestId(`tag-input-${ids.night}`).press('Enter');
    await page.getByTestId(`tags-${ids.night}`).getByText('sleep').waitFor();
    expect((await engine.listSessions()).find((s) => s.id === ids.night)!.tags).toEqual(['sleep']);
    await page.getByTestId('library-tag').selectOption('sleep');
    await waitForNames(['night']);
    await page.getByTestId('library-tag').selectOption('');

    await page.getByTestId('library-min-minutes').fill('5');
    await waitForNames(['bike ride', 'park walk']);
    await page.getByTestId('library-min-minutes').fill('');

    await page.getByTestId('sort-duration').click();
    await waitForNames(['park walk', 'bike ride', 'night']);
    await page.getByTestId('sort-name').click();
    await waitForNames(['bike ride', 'night', 'park walk']);
    // Each row opens the review route.
    expect(await page.getByTestId(`open-${ids.ride}`).getAttribute('href')).toBe(`#/sessions/${ids.ride}`);
  });

  it('renames a session inline: Enter saves, Escape cancels', async () => {
    await page.getByTestId(`rename-${ids.ride}`).click();
    const input = page.getByTestId(`rename-input-${ids.ride}`);
    await input.fill('evening ride');
    await input.press('Escape');
    await page.getByTestId(`session-name-${ids.ride}`).waitFor();
    expect(await page.getByTestId(`session-name-${ids.ride}`).textContent()).toBe('bike ride');

    await page.getByTestId(`rename-${ids.ride}`).click();
    await input.fill('  evening ride ');
    await input.press('Enter');
    await waitForNames(['evening ride', 'night', 'park walk']);
    expect((await engine.listSessions()).find((s) => s.id === ids.ride)!.name).toBe('evening ride');
  });

  it('deletes a session only after a confirmation that names it, with Cancel focused', async () => {
    // A session in use by a job (the engine re-times unfinished sessions at start) is refused: wait for them.
    await expect.poll(async () => (await engine.getStatus()).jobs.filter((j) => j.state === 'running').length, { timeout: 60_000 }).toBe(0);
    await page.getByTestId(`delete-${ids.walk}`).click();
    const dialog = page.getByTestId('delete-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('delete-dialog-name').textContent()).toBe('park walk');
    expect(await dialog.textContent()).toContain('30:00');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('delete-cancel');
    // Escape closes it and keeps the session.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await engine.listSessions()).some((s) => s.id === ids.walk)).toBe(true);

    await page.getByTestId(`delete-${ids.walk}`).click();
    await page.getByTestId('delete-confirm').click();
    await waitForNames(['evening ride', 'night']);
    expect((await engine.listSessions()).map((s) => s.id).sort()).toEqual([ids.night, ids.ride].sort());
  });

  it('exports a session as EDF+ chosen in the export dialog: one session-<id>.edf beside the library', async () => {
    await page.getByTestId(`export-${ids.night}`).click();
    await page.getByTestId('export-format-edf').check();
    await page.getByTestId('export-start').click();
    const file = join(dir.path, 'exports', `session-${ids.night}.edf`);
    await page.waitForFunction((f) => document.querySelector('[data-testid="export-result"]')?.textContent?.includes(f), file, { timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' });
    const edf = readEdf(readFileSync(file));
    // No sample index is missing (its gap event is only an event): continuous.
    expect(edf.header.reserved).toBe('EDF+C');
    expect(edf.signals.map((x) => x.data.length)).toEqual([600]);
    expect(edf.annotations.map((a) => a.text)).toEqual(['marker: start, "quoted"', 'gap ecg16: 2 packets lost']);
  });

  it('exports a session as an SQLite file and imports it back as a new session; a bad path gets a clear error', async () => {
    await page.getByTestId(`export-file-${ids.night}`).click();
    const file = join(dir.path, 'exports', `session-${ids.night}.db`);
    await page.waitForFunction((f) => document.querySelector('[data-testid="export-result"]')?.textContent?.includes(f), file, { timeout: 10_000 });
    expect(existsSync(file)).toBe(true);

    await page.getByTestId('import-path').fill(file);
    await page.getByTestId('import-start').click();
    await waitForNames(['evening ride', 'night', 'night']);
    const nights = (await engine.listSessions()).filter((s) => s.name === 'night');
    expect(nights.map((s) => s.tags)).toEqual([['sleep'], ['sleep']]);

    await page.getByTestId('import-path').fill(join(dir.path, 'nowhere.db'));
    await page.getByTestId('import-start').click();
    await page.getByTestId('library-error').waitFor();
    expect(await page.getByTestId('library-error').textContent()).toContain(`import: there is no file ${join(dir.path, 'nowhere.db')} on the engine's machine`);
  });
});
