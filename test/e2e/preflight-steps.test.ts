import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage';
import { sessionPreflight } from '../../src/main/study/session-preflight';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/until';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('pre-flight panel and the review Steps panel in real Chromium', () => {
  const dir = tempDir('e2e-preflight');
  const db = join(dir.path, 'library.db');
  let web: WebFacePage;

  beforeAll(async () => {
    web = await openWebFacePage(db, chromiumPath!, '#/live');
  });
  afterAll(async () => {
    await web?.close();
    dir.cleanup();
  });

  it('shows a missing required stream, records with an override reason, and lists the steps in the review', async () => {
    const { page, engine } = web;
    await engine.connect('sim');
    await page.getByTestId('preflight-toggle').click();
    // The simulated board has no respiration stream.
    await page.getByTestId('preflight-require-resp').click(); // the box follows the engine's status, a round trip later
    const item = page.getByTestId('preflight-item-resp');
    await item.waitFor();
    expect(await item.textContent()).toBe('missing resp: not connected');
    expect(await page.getByTestId('record-start').isDisabled()).toBe(true);

    await page.getByTestId('preflight-override').click();
    await page.getByTestId('preflight-reason').fill('no respiration belt today');
    await page.getByTestId('preflight-override-record').click();
    await page.getByTestId('recording-indicator').waitFor();
    const sessionId = (await engine.getStatus()).recording!.sessionId;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await page.getByTestId('record-stop').click();
    await until('the recording to stop', async () => ((await engine.getStatus()).recording === null ? true : undefined));

    const library = new Library(db);
    try {
      const kept = sessionPreflight(library, sessionId)!;
      expect(kept.override).toBe('no respiration belt today');
      expect(kept.result.items.map((i) => [i.stream, i.status])).toEqual([['resp', 'missing']]);
      const session = library.session(sessionId)!;
      expect(library.eventsBetween(sessionId, ['note'], 0, Number.MAX_VALUE).map((e) => e.text)).toEqual(['pre-flight overridden: no respiration belt today']);
      library.write(sessionId, [], [
        { streamId: null, event: { kind: 'step', t: session.startedAt, duration: 1, text: 'sit' } },
        { streamId: null, event: { kind: 'step', t: session.startedAt + 1, duration: 0, text: 'stand' } },
      ]);
    } finally {
      library.close();
    }

    await page.goto(`${web.face.url}#/sessions/${sessionId}`);
    const rows = page.getByTestId('steps-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('sit');
    expect(await rows.nth(1).locator('td').first().textContent()).toBe('stand');
    expect(await page.getByTestId('steps-panel').textContent()).toContain('HR ecg');
  });
});
