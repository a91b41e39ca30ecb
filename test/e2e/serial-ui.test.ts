import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyBoard, type PtyBoard } from '../../src/main/devices/simulator/pty-board';
import { createEngine, type Engine } from '../../src/main/engine';
import { startWebFace, type WebFace } from '../../src/main/server';
import { launchChromium } from '../helpers/chromium';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { canvasSignature } from './canvas-signature';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const socatPath = findTool('socat', { install: 'apt-get install -y socat' });
const rendererDir = join(__dirname, '../../out/renderer');

/**
 * A user's path through a real serial link: a simulated VBP board on a socat pty, opened by
 * typing its path into the web face, watched, recorded, then unplugged.
 */
describe.skipIf(!chromiumPath || !socatPath)('serial board through the web face in real Chromium', () => {
  const dir = tempDir('e2e-serial');
  let board: PtyBoard | undefined;
  let engine: Engine;
  let face: WebFace;
  let close: () => Promise<void>;
  let page: Page;
  const pageErrors: string[] = [];
  // The port as the user types it: a stable link to the board's pty, like /dev/serial/by-id/…
  // Unplugging removes it, so the engine's reopen attempts cannot land on a recycled /dev/pts/N
  // that another test (or program) has just been given.
  const portPath = join(dir.path, 'vbp-board');
  const deviceId = `serial:${portPath}`;
  const ecgKey = `${deviceId}/ecg`;

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
    board = await startPtyBoard({ seed: 3, lossPct: 0 });
    symlinkSync(board.path, portPath);
    engine = await createEngine({ dbPath: join(dir.path, 'library.db') });
    face = await startWebFace({ engine, port: 0, rendererDir });
    const chromium = await launchChromium(chromiumPath!);
    close = chromium.close;
    page = await chromium.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(face.url);
  });

  afterAll(async () => {
    await close?.();
    await face?.close();
    await engine?.close();
    await board?.close();
    dir.cleanup();
  });

  it('opens the pty by path, detects VBP and streams ECG at 500 Hz', async () => {
    await page.getByTestId('port-path').fill(portPath);
    expect(await page.getByTestId('protocol-path').inputValue()).toBe('auto');
    await page.getByTestId('connect-path').click();

    // Detected as VBP and streaming.
    const state = page.getByTestId(`device-state-${deviceId}`);
    await state.waitFor({ timeout: 10_000 });
    await page.waitForFunction((id) => document.querySelector(`[data-testid="device-state-${id}"]`)?.textContent === 'streaming', deviceId, {
      timeout: 10_000,
      polling: 200,
    });
    const card = page.getByTestId(`device-stats-${deviceId}`);
    // The Link line: "VBP · <path> @ <baud> · <n> B".
    await page.waitForFunction(
      (args) => (document.querySelector(`[data-testid="device-stats-${args.id}"]`)?.textContent ?? '').includes(`VBP · ${args.path} @ `),
      { id: deviceId, path: portPath },
      { timeout: 10_000, polling: 200 },
    );
    expect(await card.textContent()).toContain('Simulated board');

    // The ECG lane of this board gets inked and moves.
    const ecg = `canvas[data-stream="${ecgKey}"]`;
    await page.waitForSelector(ecg, { timeout: 10_000 });
    await page.waitForFunction(
      (sel) => {
        const c = document.querySelector(sel) as HTMLCanvasElement | null;
        if (!c || c.width === 0 || c.height === 0) return false;
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 60) inked++;
        }
        return inked > 200;
      },
      ecg,
      { timeout: 10_000, polling: 250 },
    );
    const first = await canvasSignature(page, ecg);
    await page.waitForTimeout(1000);
    const second = await canvasSignature(page, ecg);
    expect(first.inked).toBeGreaterThan(200);
    expect(second.hash).not.toBe(first.hash);

    // The stats table shows a measured rate near 500 Hz for the ECG, not flagged as off (the UI
    // flags more than 2%). The meter needs a second of data and settles over its 5 s window.
    await page.waitForFunction(
      (id) => {
        const cell = document.querySelector(`[data-testid="stream-stats-${id}"]`)?.querySelectorAll('td')[1];
        const m = /^500 \/ ([\d.]+)$/.exec(cell?.textContent?.trim() ?? '');
        const measured = m ? Number(m[1]) : NaN;
        return measured >= 490 && measured <= 510 && !cell!.querySelector('.warn-text');
      },
      ecgKey,
      { timeout: 15_000, polling: 250 },
    );
    const ecgRate = async () => (await engine.getStatus()).devices.find((d) => d.deviceId === deviceId)?.streams.find((s) => s.key === ecgKey)?.measuredRate ?? 0;
    await expect.poll(async () => Math.abs((await ecgRate()) - 500), { timeout: 15_000, interval: 250 }).toBeLessThan(5);
    const stats = (await engine.getStatus()).devices.find((d) => d.deviceId === deviceId)!;
    expect(stats.protocol).toBe('vbp');
    expect(stats.state).toBe('streaming');
    const ecgStats = stats.streams.find((s) => s.key === ecgKey)!;
    expect(ecgStats.nominalRate).toBe(500);
    expect(ecgStats.packetsLost).toBe(0);
    expect(stats.decodeErrors).toEqual({ crc: 0, cobs: 0, oversize: 0, malformed: 0 });
  });

  it('shows the raw bytes as hex', async () => {
    await page.locator(`[data-testid="raw-${deviceId}"] > summary`).click();
    await page.waitForFunction(
      (id) => /^([0-9a-f]{2} ){15,}[0-9a-f]{2}$/.test(document.querySelector(`[data-testid="raw-hex-${id}"]`)?.textContent?.trim() ?? ''),
      deviceId,
      { timeout: 10_000, polling: 250 },
    );
    expect(await page.locator(`[data-testid="raw-${deviceId}"] > summary`).textContent()).toMatch(/bytes, vbp\)/);
    // Close it again so its polling stops.
    await page.locator(`[data-testid="raw-${deviceId}"] > summary`).click();
  });

  it('records 3 s of the serial board from the UI', async () => {
    await page.getByTestId('record-name').fill('serial e2e');
    await page.getByTestId('record-start').click();
    await expect.poll(async () => (await engine.getStatus()).recording !== null, { timeout: 5000, interval: 100 }).toBe(true);
    await page.waitForTimeout(3000);
    await page.getByTestId('record-stop').click();
    await page.getByTestId('tab-sessions').click();
    const row = page.getByTestId('session-row').filter({ hasText: 'serial e2e' });
    await row.waitFor({ timeout: 10_000 });

    const [session] = await engine.listSessions();
    expect(session.name).toBe('serial e2e');
    const seconds = (Date.parse(session.endedAt!) - Date.parse(session.startedAt)) / 1000;
    expect(seconds).toBeGreaterThan(2.5);
    // Only the serial board is connected, so its raw ECG is the session's one 'ecg' stream.
    const ecg = session.streams.find((s) => s.name === 'ecg' && !s.derivedFrom);
    expect(ecg, `session streams: ${session.streams.map((s) => s.name).join(', ')}`).toBeDefined();
    expect(ecg!.rate).toBe(500);
    // A packet's worth of samples may sit on either side of the start and stop instants.
    expect(Math.abs(ecg!.samples - 500 * seconds)).toBeLessThan(500 * seconds * 0.15);
    expect(await row.textContent()).toContain(ecg!.samples.toLocaleString('en-US'));
    await page.getByTestId('tab-live').click();
  });

  it('shows the link as reconnecting when the board is unplugged', async () => {
    rmSync(portPath);
    await board!.close();
    board = undefined;
    const badge = page.getByTestId(`device-state-${deviceId}`);
    await page.waitForFunction(
      (id) => /reconnecting|error/.test(document.querySelector(`[data-testid="device-state-${id}"]`)?.textContent ?? ''),
      deviceId,
      { timeout: 6000, polling: 200 },
    );
    expect(await badge.textContent()).toMatch(/^reconnecting \(attempt \d+\)$/);
    expect(await page.getByTestId(`reconnects-${deviceId}`).textContent()).toMatch(/reconnecting, attempt \d+/);
    expect(await page.getByTestId(`device-stats-${deviceId}`).textContent()).toMatch(/vanished \(unplugged or reset\)|does not exist/);
    // It keeps trying (the attempt count moves) rather than coming back on something else.
    await page.waitForFunction(
      (id) => Number(/attempt (\d+)/.exec(document.querySelector(`[data-testid="device-state-${id}"]`)?.textContent ?? '')?.[1]) >= 2,
      deviceId,
      { timeout: 6000, polling: 200 },
    );
    const stats = (await engine.getStatus()).devices.find((d) => d.deviceId === deviceId);
    expect(stats?.state).toBe('reconnecting');
    expect(stats?.reconnects).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
