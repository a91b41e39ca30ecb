// A study protocol in real Chromium: made in the protocol editor (a bad step refused with its
// field named), recorded with, marked with hotkeys 1 and 2, ended by the engine's runner, and
// its markers and step events found in the reopened session.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage';
import { protocolSteps } from '../../src/main/storage/protocol-steps';
import type { SessionEvent } from '../../src/shared/types';
import { fillProtocol } from '../helpers/protocol-editor';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('protocol runner in Chromium', () => {
  const dir = tempDir('e2e-protocol');
  let web: WebFacePage;

  beforeAll(async () => {
    web = await openWebFacePage(join(dir.path, 'library.db'), chromiumPath!, '');
  });
  afterAll(async () => {
    await web?.close();
    dir.cleanup();
  });

  it('creates a protocol in the editor, records with it and hotkey markers, and finds its steps and markers in the session', async () => {
    const { page, engine } = web;
    await page.getByTestId('connect-sim').click();
    await page.waitForSelector('canvas[data-stream="sim/ecg"]', { timeout: 10_000 });

    await page.getByTestId('protocol-picker').selectOption({ label: 'Edit protocols…' });
    const editor = page.getByTestId('protocol-editor');
    await editor.getByTestId('protocol-new').click();
    await fillProtocol(editor, 'E2E tilt', [
      // Rest long enough to be seen and marked while it runs, on a loaded machine too.
      ['Rest', '6', 'Sit still'],
      ['Task', '2', ''],
      ['Recover', '0', ''],
    ]);
    await editor.getByTestId('protocol-save').click();
    await expect.poll(() => editor.getByTestId('protocol-error').textContent()).toContain('steps[2].duration_s: must be a positive number');
    await editor.getByTestId('protocol-step-row').nth(2).getByTestId('step-duration').fill('1');
    await editor.getByTestId('protocol-save').click();
    await editor.getByTestId('protocol-saved').waitFor();
    await editor.getByTestId('protocol-editor-close').click();

    await page.getByTestId('protocol-picker').selectOption('E2E tilt');
    await page.getByTestId('record-start').click();
    const panel = page.getByTestId('protocol-panel');
    await expect.poll(() => panel.getByTestId('protocol-step').textContent(), { timeout: 10_000 }).toBe('Rest');
    expect(await panel.getByTestId('protocol-instructions').textContent()).toBe('Sit still');
    expect(await panel.getByTestId('protocol-next').textContent()).toBe('Next: Task');
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('marker-toast').textContent()).toBe('Marker 1: stimulus');
    await page.keyboard.press('2');
    await expect.poll(() => page.getByTestId('marker-toast').textContent()).toBe('Marker 2: response');

    // The engine's runner ends the recording with the last step.
    await page.getByTestId('recording-indicator').waitFor({ state: 'detached', timeout: 20_000 });
    const [session] = await engine.listSessions();
    await page.evaluate((id) => (location.hash = `#/sessions/${id}`), session.id);
    await page.locator('[data-route="review"]').waitFor();
    const { events } = await engine.getSessionDetail(session.id);
    const of = (kind: string) => events.filter((e: SessionEvent) => e.kind === kind && !e.key);
    expect(of('marker').map((e) => e.text)).toEqual(['stimulus', 'response']);
    // Protocol steps (no stream) are read where the dataset builder and the step summary read them.
    const library = new Library(join(dir.path, 'library.db'));
    const steps = protocolSteps(library, session.id, library.session(session.id)!.startedAt);
    library.close();
    expect(steps.map((e) => [e.text, e.duration])).toEqual([
      ['Rest', 6],
      ['Task', 2],
      ['Recover', 1],
    ]);
  });
});
