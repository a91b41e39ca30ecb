import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRecordingFile } from '../../src/main/analysis/offline/import-record';
import { Library } from '../../src/main/storage';
import { findSharedData } from '../helpers/shared-data';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const data = findSharedData(['ecg/mitdb/100s.hea', 'ecg/mitdb/100s.dat', 'ecg/mitdb/100s.atr', 'ecg/mitdb/105.hea', 'ecg/mitdb/105.dat', 'ecg/mitdb/105.atr']);

describe.skipIf(!chromiumPath || !data)('the Evaluation view in real Chromium', () => {
  const dir = tempDir('e2e-evaluation');
  const db = join(dir.path, 'library.db');
  const record105 = data ? join(data, 'ecg/mitdb/105.hea') : '';
  let sessionId = 0;
  let run: WebFacePage;
  beforeAll(async () => {
    // A session with beat classes: record 100s, imported with its annotations.
    const library = new Library(db);
    sessionId = importRecordingFile(library, join(data!, 'ecg/mitdb/100s.hea'));
    library.close();
    run = await openWebFacePage(db, chromiumPath!, '#/models/evaluation');
  });
  afterAll(async () => {
    await run?.close();
    dir.cleanup();
  });

  it('runs the bundled model over a session and a record, shows the report, and opens a worst error in the review at that beat', { timeout: 90_000 }, async () => {
    const { page } = run;
    const view = page.getByTestId('evaluation-view');
    await expect.poll(() => view.getByLabel('Model path').inputValue()).toMatch(/resources\/models\/pvc\/pvc\.onnx$/);
    await view.getByTestId(`evaluate-session-${sessionId}`).check();
    await view.getByLabel('Record paths').fill(record105);
    await view.getByTestId('evaluate-run').click();
    const report = page.getByTestId('evaluation-report');
    await expect.poll(() => report.count(), { timeout: 60_000 }).toBe(1);
    expect(await report.locator('h2').textContent()).toBe(`pvc on ${sessionId}, ${record105}`);
    const classes = await report.getByTestId('evaluation-classes').locator('tbody tr').allTextContents();
    expect(classes).toHaveLength(2);
    expect(classes[0]).toMatch(/^N\d{4}/);
    expect(await report.getByTestId('evaluation-records').locator('tbody tr td:first-child').allTextContents()).toEqual([`session ${sessionId}`, '105']);
    expect(await report.getByTestId('evaluation-confusion').locator('tbody tr').count()).toBe(3);
    expect(await report.getByTestId('evaluation-slices').textContent()).toContain('signal quality: kSQI <5 (poor)');
    // Recharts draws the reliability bins as symbols.
    await expect.poll(() => report.getByTestId('evaluation-reliability').locator('.recharts-scatter-symbol').count()).toBeGreaterThan(2);

    // The surest false positive at a reference beat is in 105, a file: it is imported on the fly, then reviewed at that moment with that beat selected.
    const rows = report.getByTestId('evaluation-worst').locator('tbody tr');
    const first = rows.filter({ has: page.locator('td:nth-child(4)', { hasText: /^N$/ }) }).first();
    const cells = await first.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['false positive', '105']);
    const t = Number(cells[2]);
    await first.getByRole('button', { name: 'Review' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash), { timeout: 30_000 }).toMatch(new RegExp(`^#/sessions/\\d+\\?t=${t.toString().replace('.', '\\.')}$`));
    const reviewed = Number(/#\/sessions\/(\d+)/.exec(await page.evaluate(() => window.location.hash))![1]);
    expect(reviewed).not.toBe(sessionId);
    const selected = page.getByTestId('selected-beat');
    await expect.poll(() => selected.count(), { timeout: 15_000 }).toBe(1);
    expect(await selected.textContent()).toContain('ecg at');
    expect(await selected.getByTestId('beat-class').textContent()).toBe(' · class N');
    // Its class can be corrected in place (V), and the edit undone.
    await page.keyboard.press('v');
    await expect.poll(() => selected.getByTestId('beat-class').textContent()).toBe(' · class V');
    await page.keyboard.press('Control+z');
    await expect.poll(() => selected.getByTestId('beat-class').textContent()).toBe(' · class N');

    // Back in the view, the report is still there (kept), and the same record opens without a second import.
    await page.goto(page.url().replace(/#.*$/, '#/models/evaluation'));
    await expect.poll(() => page.getByTestId('evaluation-report').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('evaluation-worst').locator('tbody tr').nth(1).getByRole('button', { name: 'Review' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash), { timeout: 15_000 }).toMatch(new RegExp(`^#/sessions/${reviewed}\\?t=`));
  });
});
