import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';
import { openWebFacePage, type WebFacePage } from '../helpers/web-face-page';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });

describe.skipIf(!chromiumPath)('ECG usability in the live view, in real Chromium', () => {
  const dir = tempDir('e2e-unusable');
  let open: WebFacePage;

  beforeAll(async () => {
    // The simulated board's ECG with noise bursts (20 s of QRS-like blobs from 30 s on), no walking artifacts.
    open = await openWebFacePage(`${dir.path}/library.db`, chromiumPath!, '', { simulator: { ecgBursts: true, motionArtifacts: false } });
  });

  afterAll(async () => {
    await open?.close();
    dir.cleanup();
  });

  it('badges the ECG unusable during a noise burst, says why, and shades the judged stretch on the strip', { timeout: 120_000 }, async () => {
    const { page } = open;
    await page.getByTestId('connect-sim').click();
    const ecg = 'canvas[data-stream="sim/ecg"]';
    await page.waitForSelector(ecg, { timeout: 10_000 });
    await page.getByTestId('record-name').fill('noise bursts');
    await page.getByTestId('record-start').click();
    // Clean at first: the first verdicts (from ~11 s) find it usable, so no badge.
    await page.waitForTimeout(20_000);
    expect(await page.getByTestId('unusable-sim/ecg').count()).toBe(0);
    // The burst starts at 30 s; its first window is judged 11 s after it began.
    const badge = page.getByTestId('unusable-sim/ecg');
    await badge.waitFor({ timeout: 45_000 });
    expect(await badge.textContent()).toBe('ECG unusable');
    expect(await badge.getAttribute('title')).toMatch(/noise: the beats found do not look like this patient's QRS complexes/);
    // RMSSD comes from the ECG only: its tile carries the badge and the tooltip too.
    const rmssd = page.getByTestId('numeric-rmssd-unusable');
    expect(await rmssd.textContent()).toBe('ECG unusable');
    expect(await rmssd.getAttribute('title')).toMatch(/ECG unusable/);
    // The judged stretch lies 11 s back: the 30 s window shows it shaded, a whole 5 s window of it in time.
    await page.getByTestId('live-window').selectOption('30');
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-unusable-s')) >= 5, ecg, { timeout: 15_000, polling: 250 });

    // The recording kept the flag: its review shades the burst on the ECG track, where the burst was
    // (30-50 s into the stream; the recording began a moment after it), not where it was judged.
    await page.getByTestId('record-stop').click();
    const [session] = await open.engine.listSessions();
    await page.goto(`${open.face.url}#/sessions/${session.id}`);
    const track = page.locator('[data-review] canvas[data-stream="sim/ecg"][data-unusable]');
    await track.waitFor({ timeout: 10_000 });
    const stretches = (await track.getAttribute('data-unusable'))!.split(' ').map((s) => s.split('-').map(Number));
    expect(stretches.length).toBeGreaterThanOrEqual(1);
    const [t0, t1] = stretches[0];
    expect(t0).toBeGreaterThan(22);
    expect(t0).toBeLessThan(36);
    expect(t1 - t0).toBeGreaterThanOrEqual(4);
  });
});
