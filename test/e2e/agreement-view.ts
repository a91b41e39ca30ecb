import type { Page } from 'playwright-core';

/**
 * The agreement view's lag line and overall bias, read in one go: read one after the other, a
 * report arriving in between would pair one report's lag with the next one's bias.
 */
export function readShownAgreement(page: Page): Promise<{ lagUsed: string | null; bias: string | null }> {
  return page.evaluate(() => ({
    lagUsed: document.querySelector('[data-testid="agreement-lag-used"]')?.textContent ?? null,
    bias: document.querySelector('[data-testid="agreement-overall"] [data-testid="agreement-bias"]')?.textContent ?? null,
  }));
}
