import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('participants and studies in real Chromium through the web face', () => {
  const dir = tempDir('e2e-participants');
  let opened: WebFacePage;
  let engine: Engine;
  let page: Page;

  beforeAll(async () => {
    opened = await openWebFacePage(join(dir.path, 'library.db'), chromiumPath!, '#/study');
    ({ engine, page } = opened);
    await page.getByTestId('participants-panel').waitFor({ timeout: 10_000 });
  });

  afterAll(async () => {
    await opened?.close();
    dir.cleanup();
  });

  /** Records about two seconds of the simulator from the record bar, with what the pickers hold. */
  const recordFromBar = async (name: string): Promise<void> => {
    await page.getByTestId('record-name').fill(name);
    await page.getByTestId('record-start').click();
    await page.getByTestId('recording-indicator').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => /REC 0:0[2-9]/.test(document.querySelector('[data-testid="recording-indicator"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await page.getByTestId('record-stop').click();
    await page.getByTestId('recording-indicator').waitFor({ state: 'detached', timeout: 10_000 });
  };

  it('creates a participant and a study in #/study, records with both from the record bar, and filters the library by them', async () => {
    expect(await page.getByTestId('participants-panel').textContent()).toContain('never enter a name');
    await page.getByTestId('participant-id').fill('P07');
    await page.getByTestId('participant-age-band').fill('30-39');
    await page.getByTestId('participant-sex').selectOption('female');
    await page.getByTestId('participant-skin-scale').selectOption('fitzpatrick');
    await page.getByTestId('participant-skin-tone').selectOption('III');
    await page.getByTestId('participant-wrist').fill('16.5');
    await page.getByTestId('participant-hand').selectOption('left');
    await page.getByTestId('participant-save').click();
    await page.getByTestId('participant-P07').waitFor();
    expect(await engine.listParticipants()).toEqual([
      { id: 'P07', ageBand: '30-39', sex: 'female', skinTone: { scale: 'fitzpatrick', value: 'III' }, wristCm: 16.5, dominantHand: 'left', recorded: true, sessions: 0 },
    ]);
    // A bad field is refused, naming it, and the form keeps what was typed.
    await page.getByTestId('participant-id').fill('P09');
    await page.getByTestId('participant-age-band').fill('old');
    await page.getByTestId('participant-save').click();
    expect(await page.getByTestId('participant-error').textContent()).toContain('participant ageBand');
    expect(await page.getByTestId('participant-id').inputValue()).toBe('P09');
    expect((await engine.listParticipants()).map((p) => p.id)).toEqual(['P07']);

    await page.getByTestId('study-name').fill('Wrist pilot');
    await page.getByTestId('study-description').fill('PPG at the wrist vs chest strap');
    await page.getByTestId('study-save').click();
    await page.getByTestId('study-Wrist pilot').waitFor();

    await engine.connect('sim');
    await page.getByTestId('record-participant').fill('P07');
    await page.getByTestId('record-study').selectOption('Wrist pilot');
    await recordFromBar('pilot run');
    // A new ID typed in the picker becomes a record; no study this time.
    await page.getByTestId('record-participant').fill('P08');
    await page.getByTestId('record-study').selectOption('');
    await recordFromBar('other run');
    const sessions = await engine.listSessions();
    expect(sessions.map((s) => [s.name, s.participant, s.study])).toEqual([
      ['other run', 'P08', ''],
      ['pilot run', 'P07', 'Wrist pilot'],
    ]);
    expect((await engine.listParticipants()).map((p) => [p.id, p.recorded, p.sessions])).toEqual([
      ['P07', true, 1],
      ['P08', true, 1],
    ]);
    await page.getByTestId('study-Wrist pilot').getByText('1', { exact: true }).waitFor();

    await page.getByTestId('tab-sessions').click();
    await page.getByTestId('session-row').nth(1).waitFor({ timeout: 10_000 });
    const shown = (): Promise<string[]> => page.getByTestId('session-row').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid^="session-name-"]')?.textContent ?? ''));
    await page.getByTestId('library-participant').selectOption('P07');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 1);
    expect(await shown()).toEqual(['pilot run']);
    await page.getByTestId('library-participant').selectOption('');
    await page.getByTestId('library-study').selectOption('Wrist pilot');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 1);
    expect(await shown()).toEqual(['pilot run']);
    await page.getByTestId('library-study').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 2);
  });
});
