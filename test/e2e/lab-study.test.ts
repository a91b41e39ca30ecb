// Issue 11 end to end, in real Chromium through the web face and its UI only: the simulated board
// and the simulated chest strap connected, a participant and a protocol made in the Study view,
// a pre-flight check passed, a protocol recorded with hotkey markers and ended by the runner; the
// session reopened (markers, step bands, the Steps panel's HR per source), its study set in the
// library, and the agreement of the strap's HR against the ECG's checked against a pairing
// computed here from the exported CSV with the lag the view shows.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/shared/types';
import { readShownAgreement } from './agreement-view';
import { cliOn } from '../helpers/cli';
import { exportedGaps, exportedHr, valueAt } from '../helpers/exported-hr';
import { fillProtocol } from '../helpers/protocol-editor';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/until';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

// Steps of several seconds: the runner keeps the session clock while a loaded machine can hold the
// UI's status a few seconds back, and each step must still be seen (and marked) while it runs.
const STEPS = [
  ['Rest', '8', 'Sit still'],
  ['Stand', '8', 'Stand up and stay still'],
  ['Recover', '5', 'Sit down'],
] as const;

describe.skipIf(!chromiumPath)('a lab study in real Chromium: protocol, pre-flight, markers, steps and agreement', () => {
  const dir = tempDir('e2e-lab-study');
  const db = join(dir.path, 'library.db');
  const cli = cliOn(db);
  let web: WebFacePage;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    web = await openWebFacePage(db, chromiumPath!, '#/live');
    web.page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await web?.close();
    dir.cleanup();
  });

  it('runs a protocol with a participant, pre-flight and markers, and reads the steps and the strap-vs-ECG agreement', async () => {
    const { page, engine } = web;
    await page.getByTestId('connect-sim').click();
    await page.getByTestId('connect-sim:strap').click();
    await page.waitForSelector('canvas[data-stream="sim:strap/hr"]', { timeout: 10_000 });

    // The Study view: a participant, a study, and a protocol made from its Protocols panel.
    await page.getByTestId('tab-study').click();
    await page.getByTestId('participant-id').fill('P01');
    await page.getByTestId('participant-save').click();
    await page.getByTestId('participant-P01').waitFor();
    await page.getByTestId('study-name').fill('Orthostatic');
    await page.getByTestId('study-save').click();
    await page.getByTestId('study-Orthostatic').waitFor();
    await page.getByTestId('protocols-new').click();
    const editor = page.getByTestId('protocol-editor');
    await fillProtocol(editor, 'Sit-stand', STEPS);
    await editor.getByTestId('protocol-save').click();
    await editor.getByTestId('protocol-saved').waitFor();
    await editor.getByTestId('protocol-editor-close').click();
    const listed = page.getByTestId('protocol-row-Sit-stand');
    await listed.waitFor();
    expect(await listed.getByTestId('protocol-length').textContent()).toBe('0:21');
    expect(await listed.locator('li').allTextContents()).toEqual(['Rest 8 s', 'Stand 8 s', 'Recover 5 s']);

    // The record bar: participant and protocol picked, ECG required and the check passed.
    await page.getByTestId('tab-live').click();
    await page.getByTestId('record-name').fill('sit-stand P01');
    await page.getByTestId('record-participant').fill('P01');
    await page.getByTestId('protocol-picker').selectOption('Sit-stand');
    await page.getByTestId('preflight-toggle').click();
    // The box shows what the engine requires: it is ticked once the engine has taken the change.
    await page.getByTestId('preflight-require-ecg').click();
    await expect.poll(() => page.getByTestId('preflight-require-ecg').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('preflight-toggle').textContent(), { timeout: 15_000 }).toBe('Pre-flight: ok ▾');
    await page.getByTestId('preflight-toggle').click();
    await page.getByTestId('record-start').click();
    // Recording, or else what the page said instead (a refusal is an alert), before the steps are read.
    const recordingOrAlert = async () => ((await page.getByTestId('recording-indicator').count()) ? 'recording' : (await page.locator('[role="alert"]').allTextContents()).join(' | '));
    await expect.poll(recordingOrAlert, { timeout: 20_000 }).toBe('recording');

    const panel = page.getByTestId('protocol-panel');
    await expect.poll(() => panel.getByTestId('protocol-step').textContent(), { timeout: 10_000 }).toBe('Rest');
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('marker-toast').textContent()).toBe('Marker 1: stimulus');
    await expect.poll(() => panel.getByTestId('protocol-step').textContent(), { timeout: 10_000 }).toBe('Stand');
    await page.keyboard.press('2');
    await expect.poll(() => page.getByTestId('marker-toast').textContent()).toBe('Marker 2: response');
    // The runner ends the recording with the last step.
    await page.getByTestId('recording-indicator').waitFor({ state: 'detached', timeout: 20_000 });

    // The library: the session with its participant; its study set in place.
    await page.getByTestId('tab-sessions').click();
    const [session] = await engine.listSessions();
    const id = session.id;
    expect(await page.getByTestId(`session-participant-${id}`).textContent()).toBe('P01');
    await page.getByTestId(`assign-${id}`).click();
    await page.getByTestId(`assign-study-${id}`).selectOption('Orthostatic');
    await page.getByTestId(`assign-save-${id}`).click();
    await expect.poll(() => page.getByTestId(`session-study-${id}`).textContent()).toBe('Orthostatic');

    // The review: markers and the three protocol steps (with their durations) in the session's events, the Steps panel's rows.
    await page.getByTestId(`open-${id}`).click();
    await page.locator('[data-route="review"]').waitFor();
    const { events } = await engine.getSessionDetail(id);
    expect(events.filter((e) => e.kind === 'marker').map((e) => e.text)).toEqual(['stimulus', 'response']);
    const steps = events.filter((e: SessionEvent) => e.kind === 'step');
    expect(steps.map((e) => [e.text, Math.round(e.duration)])).toEqual(STEPS.map(([name, duration]) => [name, Number(duration)]));
    const [stimulus, response] = events.filter((e) => e.kind === 'marker');
    expect(stimulus.t).toBeLessThan(steps[1].t);
    expect(response.t).toBeGreaterThanOrEqual(steps[1].t);
    const rows = page.getByTestId('steps-row');
    await until('the Steps panel', async () => ((await rows.count()) === 3 ? true : undefined), 15_000);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent))).toEqual(['Rest', 'Stand', 'Recover']);
    // Every step has an HR from the ECG and from the strap (source "hr"): mean (min-max) bpm.
    const head = await page.getByTestId('steps-panel').locator('th').allTextContents();
    const columns = [head.indexOf('HR ecg'), head.indexOf('HR hr')];
    expect(columns.every((c) => c >= 0)).toBe(true);
    for (const cells of await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')))) {
      for (const c of columns) expect(cells[c]).toMatch(/^\d+ \(\d+-\d+\)/);
    }

    // The agreement bench (key B): the strap's HR (B) against the ECG's (A).
    await page.keyboard.press('b');
    await page.getByTestId('agreement-view').waitFor({ timeout: 10_000 });
    await page.getByTestId('agreement-a').selectOption('ecg.metrics');
    await page.getByTestId('agreement-b').selectOption('hr');
    // A strap reports its HR a beat or two late: search its lag within ±2 s (on 21 s of data a wider search can fit noise).
    await page.getByTestId('agreement-max-lag').fill('2');
    const shown = await until('the agreement of hr against ecg.metrics', async () => {
      const { lagUsed, bias } = await readShownAgreement(page);
      const lag = /Lag of B behind A: (-?[\d.]+) s \(estimated\) · (\d+) pairs/.exec(lagUsed ?? '');
      return lag && bias ? { lag: Number(lag[1]), n: Number(lag[2]), bias: Number(bias) } : undefined;
    }, 15_000);

    // The same pairing here, from the exported CSV: B read at t + lag against A at each whole second t,
    // nothing read across a gap of a stream or the one it derives from.
    const out = join(dir.path, 'export');
    expect((await cli('export', String(id), '--format', 'csv', '--out', out)).code).toBe(0);
    const eventsCsv = join(out, 'events.csv');
    const ecg = exportedHr(join(out, 'ecg.metrics.csv'), exportedGaps(eventsCsv, ['ecg', 'ecg.metrics']));
    const strap = exportedHr(join(out, 'hr.csv'), exportedGaps(eventsCsv, ['hr']));
    const differences: number[] = [];
    for (let t = 0; t <= 20; t++) {
      const d = valueAt(strap, t + shown.lag) - valueAt(ecg, t);
      if (Number.isFinite(d)) differences.push(d);
    }
    expect(differences.length).toBe(shown.n);
    expect(differences.length).toBeGreaterThanOrEqual(8);
    const bias = differences.reduce((x, y) => x + y, 0) / differences.length;
    expect(Math.abs(shown.bias - bias)).toBeLessThan(0.006);
    expect(pageErrors).toEqual([]);
  }, 120_000); // its own waits add up to more than a minute on a loaded machine
});
