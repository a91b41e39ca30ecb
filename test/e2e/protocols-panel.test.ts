// The Study view's Protocols panel in real Chromium over the web face: a protocol file imported
// through the panel's file button is listed with its steps and length, a bad file is refused with
// the step and field named, Export downloads the same protocol, and Delete (confirmed) removes it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('the Protocols panel in real Chromium', () => {
  const dir = tempDir('e2e-protocols-panel');
  let face: WebFacePage;

  beforeAll(async () => {
    face = await openWebFacePage(join(dir.path, 'library.db'), chromiumPath!, '#/study');
    await face.page.getByTestId('protocols-panel').waitFor({ timeout: 10_000 });
  });
  afterAll(async () => {
    await face?.close();
    dir.cleanup();
  });

  it('imports a protocol file, refuses a bad one by its field, exports and deletes', async () => {
    const { page } = face;
    const tilt = { name: 'Tilt', steps: [{ name: 'Rest', duration_s: 60, instructions: 'Sit still' }, { name: 'Stand', duration_s: 90, instructions: '' }] };
    const good = join(dir.path, 'tilt.json');
    writeFileSync(good, JSON.stringify(tilt));
    await page.getByTestId('protocols-import').setInputFiles(good);
    const row = page.getByTestId('protocol-row-Tilt');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('protocol-length').textContent()).toBe('2:30');
    expect(await row.textContent()).toContain('Stand');

    const bad = join(dir.path, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'Bad', steps: [{ name: 'Rest', duration_s: -5, instructions: '' }] }));
    await page.getByTestId('protocols-import').setInputFiles(bad);
    const error = page.getByTestId('protocols-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toContain('steps[0].duration_s');
    expect(await page.getByTestId('protocol-row-Bad').count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('protocol-export-Tilt').click()]);
    expect(JSON.parse(readFileSync((await download.path())!, 'utf8'))).toEqual(tilt);

    await page.getByTestId('protocol-delete-Tilt').click();
    await page.getByTestId('protocol-row-delete-yes').click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await face.engine.listProtocols()).map((p) => p.name)).toEqual([]);
  });
});
