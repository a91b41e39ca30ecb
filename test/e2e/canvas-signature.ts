import type { Page } from 'playwright-core';

/** A cheap fingerprint of a canvas's pixels, and how many of them are not background. */
export async function canvasSignature(page: Page, selector: string): Promise<{ hash: number; inked: number }> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let hash = 0;
    let inked = 0;
    const [r0, g0, b0] = [data[0], data[1], data[2]];
    for (let i = 0; i < data.length; i += 4) {
      hash = (Math.imul(hash, 31) + data[i] + data[i + 1] * 7 + data[i + 2] * 13) | 0;
      if (Math.abs(data[i] - r0) + Math.abs(data[i + 1] - g0) + Math.abs(data[i + 2] - b0) > 60) inked++;
    }
    return { hash, inked };
  });
}
