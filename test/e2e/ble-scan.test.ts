/**
 * Bluetooth LE scan → connect in real Chromium, through the web face, against a fake radio (the
 * only fake: FakeGattCentral stands in for noble and the adapter; the engine, drivers, reconnect,
 * recorder and UI are the real ones): a heart-rate strap and a Polar H10 found by a 3 s scan,
 * connected from the results table, and the strap's link dropped and restored while recording.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGattCentral, fakeH10, fakeHrStrap } from '../helpers/fake-gatt-central';
import { H10_ECG_FRAME } from '../helpers/fake-gatt-peripheral';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';
import { samplesShown, textWhen } from './page-text';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('Bluetooth LE scan and connect in the web face (fake radio)', () => {
  const dir = tempDir('e2e-ble-scan');
  const strap = fakeHrStrap();
  const h10 = fakeH10();
  const radio = new FakeGattCentral([strap, h10]);
  const strapId = `ble:${strap.peripheral.address}`;
  const h10Id = `ble:${h10.peripheral.address}`;
  let face: WebFacePage;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Quick retries, so the reconnect is seen within the test's patience.
    face = await openWebFacePage(join(dir.path, 'library.db'), chromiumPath!, '', { bleCentral: radio, reconnect: { minDelayMs: 100, maxDelayMs: 300 } });
    face.page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await face?.close();
    radio.close();
    dir.cleanup();
  });

  it('reads the adapter ready, and a 3 s scan lists both devices with name, address, RSSI in dBm and driver', async () => {
    await textWhen(face, 'ble-adapter', '^Bluetooth ready');
    await face.page.getByTestId('ble-scan-seconds').selectOption('3');
    await face.page.getByTestId('ble-scan').click();
    await textWhen(face, 'ble-scan', '^Scanning');
    await face.page.getByTestId('ble-results').waitFor({ timeout: 10_000 });
    expect(await face.page.getByTestId('ble-scan').textContent()).toBe('Scan');
    const cells = async (address: string) => face.page.getByTestId(`ble-result-${address}`).locator('td').allTextContents();
    const [strapName, strapAddress, strapRssi, strapDrivers] = await cells(strap.peripheral.address);
    expect([strapName, strapAddress, strapRssi]).toEqual(['HRM-Fake 1122', 'C4:7C:8D:6A:11:22', '-58 dBm']);
    expect(strapDrivers).toBe('Heart RateHeart Rate (HRS)');
    const [h10Name, h10Address, h10Rssi, h10Drivers] = await cells(h10.peripheral.address);
    expect([h10Name, h10Address, h10Rssi]).toEqual(['Polar H10 1A2B3C4D', 'A0:9E:1A:00:00:10', '-71 dBm']);
    expect(h10Drivers).toBe('Heart Rate, Polar PMDHeart Rate (HRS) · Polar PMD');
  });

  it('connects the strap from the results: its hr stream is drawn and its battery shown on the card', async () => {
    await face.page.getByTestId(`connect-${strapId}`).click();
    await textWhen(face, `device-state-${strapId}`, '^streaming$');
    await face.page.waitForSelector(`canvas[data-stream="${strapId}/hr"]`, { timeout: 10_000 });
    expect(await textWhen(face, `ble-battery-${strapId}`, '%$')).toBe('87%');
    expect(await face.page.getByTestId(`ble-drivers-${strapId}`).textContent()).toBe('Heart Rate (HRS)');
    await expect.poll(() => samplesShown(face, `${strapId}/hr`), { timeout: 10_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    expect(await face.page.getByTestId(`connect-${strapId}`).textContent()).toBe('Connected');
  });

  it('connects the H10: its PMD ecg stream is drawn in µV, battery 90%', async () => {
    await face.page.getByTestId(`connect-${h10Id}`).click();
    await textWhen(face, `device-state-${h10Id}`, '^streaming$');
    await face.page.waitForSelector(`canvas[data-stream="${h10Id}/ecg"]`, { timeout: 15_000 });
    expect(await textWhen(face, `ble-battery-${h10Id}`, '%$')).toBe('90%');
    await expect.poll(() => samplesShown(face, `${h10Id}/ecg`), { timeout: 10_000, interval: 250 }).toBeGreaterThan(H10_ECG_FRAME);
    const ecg = (await face.engine.getStatus()).streams.find((s) => s.key === `${h10Id}/ecg`);
    expect(ecg?.channels[0].unit).toBe('µV');
  });

  it('shows the strap reconnecting when its link drops, then streaming again; the recording has the gap', async () => {
    await face.page.getByTestId('record-name').fill('ble drop');
    await face.page.getByTestId('record-participant').fill('P-BLE');
    await face.page.getByTestId('record-start').click();
    await expect.poll(async () => (await face.engine.getStatus()).recording?.sessionId ?? null, { timeout: 10_000 }).not.toBeNull();
    // Out of range: the link drops and the first tries to find it again fail.
    strap.peripheral.refuseConnect = 'device not found';
    strap.peripheral.drop('connection timeout');
    expect(await textWhen(face, `device-state-${strapId}`, '^reconnecting')).toMatch(/^reconnecting \(attempt \d+\)$/);
    expect(await textWhen(face, `reconnects-${strapId}`, 'reconnecting')).toMatch(/^0 \(reconnecting, attempt \d+\)$/);
    // Back in range.
    strap.peripheral.refuseConnect = null;
    await textWhen(face, `device-state-${strapId}`, '^streaming$');
    expect(await textWhen(face, `reconnects-${strapId}`, '^1$')).toBe('1');
    const before = await samplesShown(face, `${strapId}/hr`);
    await expect.poll(() => samplesShown(face, `${strapId}/hr`), { timeout: 10_000, interval: 250 }).toBeGreaterThan(before);
    const sessionId = (await face.engine.getStatus()).recording!.sessionId!;
    await face.page.getByTestId('record-stop').click();
    await expect.poll(async () => (await face.engine.getStatus()).recording?.sessionId ?? null, { timeout: 10_000 }).toBeNull();
    const gaps = (await face.engine.getSessionDetail(sessionId)).events.filter((e) => e.kind === 'gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0].text).toMatch(/^HRM-Fake 1122: link lost for \d+\.\d s, reconnected after \d+ attempts?$/);
    expect(gaps[0].duration).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
