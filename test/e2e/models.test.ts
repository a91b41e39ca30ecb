import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine';
import { startWebFace } from '../../src/main/server';
import { launchChromium } from '../helpers/chromium';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';

const chromiumPath = findTool('chromium', { envVar: 'CHROME_PATH', install: 'apt-get install -y chromium' });
const rendererDir = join(__dirname, '../../out/renderer');
const MODELS = join(__dirname, '../fixtures/models');

/** The web face over an engine with the simulated board connected, and a Chromium page on `#/models`. */
async function openModelsPage(dbPath: string) {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
  const engine = await createEngine({ dbPath, simulator: { seed: 8, hrBpm: 70 } });
  await engine.connect('sim');
  const face = await startWebFace({ engine, port: 0, rendererDir });
  const chromium = await launchChromium(chromiumPath!);
  const page = await chromium.context.newPage();
  await page.goto(face.url.replace(/#.*$/, '') + '#/models');
  return { engine, page, close: () => chromium.close().then(() => face.close()).then(() => engine.close()) };
}

describe.skipIf(!chromiumPath)('the Models view in real Chromium', () => {
  const dir = tempDir('e2e-models');
  let run: Awaited<ReturnType<typeof openModelsPage>>;
  beforeAll(async () => {
    run = await openModelsPage(join(dir.path, 'library.db'));
  });
  afterAll(async () => {
    await run?.close();
    dir.cleanup();
  });

  it('loads a model by path, shows its manifest, attaches it to the ECG and draws its outputs and latency', async () => {
    const { page, engine } = run;
    const view = page.getByTestId('models-view');
    await view.getByLabel('Model path').fill(join(MODELS, 'beat-rr.onnx.missing'));
    await view.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('model-error').textContent()).toMatch(/beat-rr\.onnx\.missing: no such model file/);
    await view.getByLabel('Model path').fill(join(MODELS, 'window-stats.onnx'));
    await view.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('model-manifest').textContent()).toMatch(/window-stats: sliding windows, classes mean, max/);
    expect(await page.getByTestId('model-manifest').locator('pre').textContent()).toContain('"hop": 0.5');
    await view.getByLabel('Stream').selectOption('sim/ecg');
    await view.getByRole('button', { name: 'Attach' }).click();
    const card = page.locator('[data-testid^="model-model-"]');
    await expect.poll(() => card.getByTestId('model-figures').textContent(), { timeout: 15_000 }).toMatch(/^([4-9]|\d\d+) windows · latency p50 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(await card.getByTestId('model-figures').textContent()).toContain('output stream sim/ecg.window-stats');
    // Recharts draws one line per class probability.
    await expect.poll(() => card.locator('.recharts-line path.recharts-curve').count(), { timeout: 10_000 }).toBe(2);
    await card.getByRole('button', { name: 'Detach' }).click();
    await expect.poll(() => card.count()).toBe(0);
    expect((await engine.getStatus()).analysis.models).toEqual([]);
  });
});
