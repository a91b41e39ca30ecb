/**
 * An OpenBCI Cyton opened by path in real Chromium, with its gain chosen in the connect form: the
 * Gain select appears only for the Cyton protocol, and the recorded EEG is in µV at that gain.
 * The board is a fake Cyton behind a socat pty (the same one the CLI's pty test uses).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage';
import { FakeCyton, expectCountsScaled } from '../helpers/fake-cyton';
import { PtyLink } from '../helpers/serial-rig';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';
import { textWhen } from './page-text';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const socatPath = findTool('socat', { install: 'apt-get install -y socat' });

describe.skipIf(!chromiumPath || !socatPath)('OpenBCI Cyton gain from the connect form, in real Chromium', () => {
  const dir = tempDir('e2e-cyton-gain');
  const dbPath = join(dir.path, 'library.db');
  let link: PtyLink;
  let board: FakeCyton;
  let face: WebFacePage;

  beforeAll(async () => {
    link = new PtyLink(socatPath!, dir.path, 'cyton');
    await link.up();
    board = new FakeCyton(link);
    await board.plug();
    face = await openWebFacePage(dbPath, chromiumPath!, '');
  });

  afterAll(async () => {
    await face?.close();
    await board?.stop();
    await link?.down();
    dir.cleanup();
  });

  it('offers Gain only for the Cyton protocol, and records µV at the gain chosen (8)', async () => {
    const { page, engine } = face;
    await page.getByTestId('port-path').fill(link.hostPath);
    expect(await page.getByTestId('gain-path').count()).toBe(0);
    await page.getByTestId('protocol-path').selectOption('openbci-cyton');
    expect(await page.getByTestId('gain-path').inputValue()).toBe('24');
    expect(await page.getByTestId('gain-path').locator('option').allTextContents()).toEqual(['1×', '2×', '4×', '6×', '8×', '12×', '24×']);
    await page.getByTestId('gain-path').selectOption('8');
    await page.getByTestId('connect-path').click();
    const id = `serial:${link.hostPath}`;
    await textWhen(face, `device-state-${id}`, '^streaming$');
    await page.getByTestId('record-name').fill('cyton gain 8');
    await page.getByTestId('record-start').click();
    await expect.poll(async () => (await engine.getStatus()).recording?.sessionId ?? null, { timeout: 10_000 }).not.toBeNull();
    const sessionId = (await engine.getStatus()).recording!.sessionId;
    // A second of EEG (250 samples) recorded.
    await expect.poll(async () => (await engine.getStatus()).devices.find((d) => d.deviceId === id)?.streams.find((s) => s.key === `${id}/eeg`)?.samples ?? 0, { timeout: 10_000, interval: 250 }).toBeGreaterThan(250);
    await page.getByTestId('record-stop').click();
    await expect.poll(async () => (await engine.getStatus()).recording ?? null, { timeout: 10_000 }).toBeNull();
    const library = new Library(dbPath);
    try {
      const eeg = library.session(sessionId)!.streams.find((s) => s.name === 'eeg')!;
      const chunks = [...library.chunks(eeg.id)];
      expect(chunks.length).toBeGreaterThan(0);
      expectCountsScaled(chunks, 8);
    } finally {
      library.close();
    }
  });
});
