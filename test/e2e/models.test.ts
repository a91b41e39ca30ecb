import { existsSync, readFileSync } from 'node:fs';
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
const BUNDLED = join(__dirname, '../../resources/models/pvc');

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
    await view.getByRole('button', { name: 'Attach path' }).click();
    const card = page.locator('[data-testid^="model-model-"]');
    await expect.poll(() => card.getByTestId('model-figures').textContent(), { timeout: 15_000 }).toMatch(/^([4-9]|\d\d+) windows · latency p50 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(await card.getByTestId('model-figures').textContent()).toContain('output stream sim/ecg.window-stats');
    // Recharts draws one line per class probability.
    await expect.poll(() => card.locator('.recharts-line path.recharts-curve').count(), { timeout: 10_000 }).toBe(2);
    await card.getByRole('button', { name: 'Detach' }).click();
    await expect.poll(() => card.count()).toBe(0);
    expect((await engine.getStatus()).analysis.models).toEqual([]);
  });

  it('imports the bundled model through the file dialog and by drag and drop, refuses broken ones with their errors, attaches it and shows its outputs and marks live', { timeout: 60_000 }, async () => {
    const { page, engine } = run;
    const view = page.getByTestId('models-view');
    const rows = view.getByTestId('model-list').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await view.getByTestId('model-entry-bundled/pvc').textContent()).toMatch(/pvc \d+\.\d+\.\d+ecg, per beatN \/ Vbundled/);
    const files = view.getByLabel('Model files');
    // A model without its manifest, and a broken model with a manifest: each refused, naming the file and what is wrong.
    await files.setInputFiles([join(MODELS, 'window-stats.onnx')]);
    await expect.poll(() => page.getByTestId('model-error').textContent()).toBe('window-stats.onnx.json is missing: a model needs its manifest beside it (import the two files together)');
    await files.setInputFiles([
      { name: 'future-opset.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(join(MODELS, 'future-opset.onnx')) },
      { name: 'future-opset.onnx.json', mimeType: 'application/json', buffer: readFileSync(join(MODELS, 'window-stats.onnx.json')) },
    ]);
    await expect.poll(() => page.getByTestId('model-error').textContent()).toMatch(/^future-opset\.onnx: opset 99 is not supported/);
    expect(await rows.count()).toBe(1);
    // The bundled model's two files, as a user would pick them from its folder.
    await files.setInputFiles([join(BUNDLED, 'pvc.onnx'), join(BUNDLED, 'pvc.onnx.json')]);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByTestId('model-error').count()).toBe(0);
    expect(await view.getByTestId('model-entry-imported/pvc').textContent()).toContain('imported');
    // Dropped on the zone: the same path through a drag and drop's DataTransfer.
    const drop = await page.evaluateHandle(
      ([onnx, manifest]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(onnx)], 'window-stats.onnx'));
        dt.items.add(new File([manifest], 'window-stats.onnx.json'));
        return dt;
      },
      [[...readFileSync(join(MODELS, 'window-stats.onnx'))], readFileSync(join(MODELS, 'window-stats.onnx.json'), 'utf8')] as const,
    );
    await view.getByTestId('model-drop').dispatchEvent('drop', { dataTransfer: drop });
    await expect.poll(() => rows.count()).toBe(3);
    await view.getByTestId('model-entry-imported/window-stats').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect((await engine.listModels()).map((m) => m.id)).toEqual(['bundled/pvc', 'imported/pvc']);

    await view.getByLabel('Stream').selectOption('sim/ecg');
    await view.getByTestId('model-entry-imported/pvc').getByRole('button', { name: 'Attach' }).click();
    const card = page.locator('[data-testid^="model-model-"]');
    await expect.poll(() => card.getByTestId('model-figures').textContent(), { timeout: 20_000 }).toMatch(/^([5-9]|\d\d+) windows · latency p50/);
    expect(await card.getByTestId('model-figures').textContent()).toContain('output stream sim/ecg.pvc');
    const attached = (await engine.getStatus()).analysis.models!.find((m) => m.name === 'pvc')!;
    expect(attached.file).toMatch(/models\/pvc\/pvc\.onnx$/);
    // On the live view: the model's output stream has its strip, and the ECG strip counts the model's marks
    // (the simulated heart beats normally, so the model's V marks are few or none).
    await page.goto(page.url().replace(/#.*$/, '#/live'));
    await expect.poll(() => page.getByTestId('strip-sim/ecg.pvc').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator('canvas[data-stream="sim/ecg"]').getAttribute('data-model-marks'), { timeout: 10_000 }).toMatch(/^\d+$/);
    await engine.detachModel(attached.id);
  });
});
