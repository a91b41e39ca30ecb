/** Bluetooth LE in the web face, in real Chromium: no adapter on this machine, the simulated strap beside the simulated board, a GATT capture, and a replayed log. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGattLog } from '../../src/main/devices/ble/gatt-log';
import { GATT } from '../../src/main/devices/ble/uuids';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';
import { samplesShown, textWhen } from './page-text';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('Bluetooth LE in the web face', () => {
  const dir = tempDir('e2e-ble');
  let face: WebFacePage;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    face = await openWebFacePage(join(dir.path, 'library.db'), chromiumPath!, '');
    face.page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await face?.close();
    dir.cleanup();
  });

  it('says calmly that Bluetooth is unavailable, and why, with Scan disabled and the rest of the panel working', async () => {
    const state = await face.engine.bleState();
    // Written for a machine without Bluetooth (CI); one with an adapter gets the ready line and a usable Scan.
    if (state.state === 'ready') {
      await textWhen(face, 'ble-adapter', '^Bluetooth ready');
      expect(await face.page.getByTestId('ble-scan').isEnabled()).toBe(true);
    } else {
      const text = await textWhen(face, 'ble-adapter', '^Bluetooth (unavailable|off): ');
      expect(text).toContain(state.reason);
      expect(await face.page.getByTestId('ble-adapter').getAttribute('class')).toContain('muted');
      expect(await face.page.getByTestId('ble-scan').isDisabled()).toBe(true);
    }
    expect(await face.page.getByTestId('connect-sim').isEnabled()).toBe(true);
    expect(await face.page.locator('.error-banner, [role="alert"]').count()).toBe(0);
  });

  it('shows the simulated strap beside the board: its hr stream grows, its battery is shown on the card and the top bar', async () => {
    await face.page.getByTestId('connect-sim').click();
    await textWhen(face, 'device-state-sim', '^streaming$');
    await face.page.getByTestId('connect-sim:strap').click();
    await textWhen(face, 'device-state-sim:strap', '^streaming$');
    await face.page.waitForSelector('canvas[data-stream="sim:strap/hr"]', { timeout: 10_000 });
    const battery = await textWhen(face, 'ble-battery-sim:strap', '^\\d+%$');
    const pct = (await face.engine.getStatus()).devices.find((d) => d.deviceId === 'sim:strap')!.ble!.batteryPct;
    expect(battery).toBe(`${pct}%`);
    expect(await face.page.getByTestId('ble-drivers-sim:strap').textContent()).toContain('Heart Rate');
    expect(await textWhen(face, 'ble-contact-sim:strap', 'contact')).toBe('skin contact');
    expect(await face.page.getByTestId('device-summary').textContent()).toContain(`Simulated chest strap ${pct}%`);
    await expect.poll(() => samplesShown(face, 'sim:strap/hr'), { timeout: 10_000, interval: 250 }).toBeGreaterThan(1);
  });

  it('captures the strap to a JSONL GATT log, naming the file while writing and where it was saved', async () => {
    await face.page.getByTestId('gatt-capture-sim:strap').click();
    const writing = await textWhen(face, 'gatt-capture-file-sim:strap', 'writing .+\\.jsonl');
    const file = writing.replace(/^.*writing\s*/, '').trim();
    // A new file in the library's exports folder, named by the device.
    expect(file.startsWith(join(dir.path, 'exports', 'gatt-sim_strap-'))).toBe(true);
    expect(existsSync(file)).toBe(true);
    // A few heart-rate notifications (about one a second).
    await expect.poll(() => readFileSync(file, 'utf8').split('\n').filter(Boolean).length, { timeout: 10_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    await face.page.getByTestId('gatt-capture-sim:strap').click();
    expect(await textWhen(face, 'gatt-capture-saved-sim:strap', 'saved')).toContain(file);
    expect(await face.page.getByTestId('gatt-capture-sim:strap').textContent()).toBe('Capture GATT log');

    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) expect(Object.keys(JSON.parse(line) as object).sort()).toEqual(['characteristic', 'service', 't', 'value']);
    const entries = parseGattLog(lines.join('\n'), file);
    expect(entries.every((e) => e.service === GATT.heartRateService && e.characteristic === GATT.heartRateMeasurement)).toBe(true);
    for (let i = 1; i < entries.length; i++) expect(entries[i].t).toBeGreaterThan(entries[i - 1].t);
  });

  it('replays a GATT log typed by path: its hr values reach the card, and a bad log is refused naming the line', async () => {
    const line = (t: number, value: string) => JSON.stringify({ t, service: GATT.heartRateService, characteristic: GATT.heartRateMeasurement, value });
    const bad = join(dir.path, 'bad.jsonl');
    writeFileSync(bad, `${line(0, '1648')}\n{"t": 1}\n`);
    await face.page.getByTestId('ble-replay-path').fill(bad);
    await face.page.keyboard.press('Enter');
    const refusal = await textWhen(face, 'error-banner', `line 2: `);
    expect(refusal).toContain(`${bad} line 2: "service" must be a lowercase 128-bit UUID`);
    expect(refusal).not.toMatch(/\n\s+at /);

    const log = join(dir.path, 'strap.jsonl');
    // 72, 75, 80 bpm, half a second apart, then the link ends.
    writeFileSync(log, [line(0, '0048'), line(0.5, '004b'), line(1, '0050')].join('\n') + '\n');
    const id = `ble-replay:${log}`;
    await face.page.getByTestId('ble-replay-path').fill(log);
    await face.page.getByTestId('ble-replay-open').click();
    await face.page.getByTestId(`device-stats-${id}`).waitFor({ timeout: 10_000 });
    await expect.poll(() => samplesShown(face, `${id}/hr`), { timeout: 10_000, interval: 250 }).toBe(3);
    await face.page.waitForSelector(`canvas[data-stream="${id}/hr"]`, { timeout: 10_000 });
    expect(await face.page.getByTestId(`ble-drivers-${id}`).textContent()).toContain('Heart Rate');
    expect(pageErrors).toEqual([]);
  });
});
