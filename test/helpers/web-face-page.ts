import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createEngine, type Engine, type EngineInternals } from '../../src/main/engine';
import { startWebFace, type WebFace } from '../../src/main/server';
import { launchChromium } from './chromium';

const rendererDir = join(__dirname, '../../out/renderer');

export interface WebFacePage {
  engine: Engine;
  face: WebFace;
  page: Page;
  /** Chromium, the web face and the engine, in that order. */
  close(): Promise<void>;
}

/** What a browser test drives: an engine on the library `dbPath` (with `internals`, e.g. a fake radio), its web face, and a page of headless Chromium opened at `route`. */
export async function openWebFacePage(dbPath: string, chromiumPath: string, route: string, internals: EngineInternals = {}): Promise<WebFacePage> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
  const engine = await createEngine({ dbPath, ...internals });
  const face = await startWebFace({ engine, port: 0, rendererDir });
  const chromium = await launchChromium(chromiumPath);
  const page = await chromium.context.newPage();
  await page.goto(`${face.url}${route}`);
  return {
    engine,
    face,
    page,
    close: async () => {
      await chromium.close();
      await face.close();
      await engine.close();
    },
  };
}
